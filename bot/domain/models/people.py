"""People, how they reach us, and what they may do."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain.models.base import Base, enum_column
from bot.domain.models.places import Neighbourhood


class Role(StrEnum):
    COORDINATOR = "coordinator"
    PARTNER = "partner"
    ADMIN = "admin"


class Person(Base):
    __tablename__ = "people"
    # Counting a neighbourhood's residents reads this index only, not every person.
    __table_args__ = (Index("ix_people_neighbourhood", "neighbourhood_id", "consent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(64), default="")
    locale: Mapped[str] = mapped_column(String(8))
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="SET NULL")
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    consent_version: Mapped[str | None] = mapped_column(String(16))
    consent_at: Mapped[datetime | None]
    show_full_name: Mapped[bool] = mapped_column(default=False)
    # The public results page (bot/site) names them, and shows their results' photos,
    # only when they said yes in the chat.
    public_name: Mapped[bool] = mapped_column(default=False, server_default=false())
    public_photos: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Preferences; the delivery engine reads them. Minutes after local midnight.
    quiet_start: Mapped[int] = mapped_column(default=22 * 60)
    quiet_end: Mapped[int] = mapped_column(default=8 * 60)
    opt_outs: Mapped[list[Any]] = mapped_column(default=list)
    nudges_per_week: Mapped[int] = mapped_column(default=3)
    # The weekly news comes on this weekday (0 is Monday) from this hour, local time.
    digest_day: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    digest_hour: Mapped[int] = mapped_column(default=9, server_default=text("9"))
    # A coordinator's new proposals: one message each (None), or one summary a day at this hour.
    proposals_summary_hour: Mapped[int | None]
    unreachable_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]

    identities: Mapped[list[Identity]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )
    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        passive_deletes=True,
        foreign_keys="RoleGrant.person_id",
    )

    @property
    def onboarded(self) -> bool:
        return self.consent_at is not None and self.neighbourhood_id is not None


class Identity(Base):
    """A person's account on one messenger; the chat id is where we write to them."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("messenger", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    messenger: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    username: Mapped[str | None] = mapped_column(String(64))
    language_code: Mapped[str | None] = mapped_column(String(16))
    # When the person last wrote (WhatsApp): free-form messages are allowed for 24 hours after.
    last_inbound_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="identities")


class Organisation(Base):
    """A partner organisation: municipality, housing corporation, welfare, school..."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime]


class RoleGrant(Base):
    """A role in one neighbourhood; a partner's grant also names their organisation."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("person_id", "role", "neighbourhood_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE")
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]

    person: Mapped[Person] = relationship(back_populates="roles", foreign_keys=[person_id])
    neighbourhood: Mapped[Neighbourhood] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Invite(Base):
    """A one-time, expiring invitation to a role; the link carries `nonce` and a signature."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE")
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
