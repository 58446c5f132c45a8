"""Initiatives residents propose, the actions that carry them out, and their results."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.models.base import Base, enum_column


class InitiativeStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


class WhenKind(StrEnum):
    DATE = "date"
    PERIOD = "period"
    UNKNOWN = "unknown"


class Initiative(Base):
    __tablename__ = "initiatives"
    __table_args__ = (Index("ix_initiatives_browse", "neighbourhood_id", "status", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE")
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    help_wanted: Mapped[dict[str, Any]] = mapped_column(default=dict)
    when_kind: Mapped[WhenKind] = mapped_column(enum_column(WhenKind), default=WhenKind.UNKNOWN)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    status: Mapped[InitiativeStatus] = mapped_column(
        enum_column(InitiativeStatus), default=InitiativeStatus.DRAFT
    )
    review_note: Mapped[str | None] = mapped_column(Text)
    supporter_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    last_progress_at: Mapped[datetime | None]


class InitiativePartner(Base):
    """A partner organisation linked to an initiative by a coordinator."""

    __tablename__ = "initiative_partners"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )


class Support(Base):
    """A resident backs (and so follows) an initiative."""

    __tablename__ = "supports"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime]


class ActionStatus(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class Action(Base):
    """Something people can join at a time and place: a clean-up, a coffee morning."""

    __tablename__ = "actions"
    __table_args__ = (Index("ix_actions_upcoming", "neighbourhood_id", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE")
    )
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    capacity: Mapped[int | None]
    status: Mapped[ActionStatus] = mapped_column(
        enum_column(ActionStatus), default=ActionStatus.OPEN
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class SignupStatus(StrEnum):
    JOINED = "joined"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a freed place is held for them until `offer_ends_at`
    LEFT = "left"


class Signup(Base):
    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("action_id", "person_id"),
        Index("ix_signups_offers", "status", "offer_ends_at"),  # the expiry sweep's lookup
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[SignupStatus] = mapped_column(enum_column(SignupStatus))
    created_at: Mapped[datetime]
    promoted_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]  # said "yes, I am coming" to the 24-hour reminder
    offer_ends_at: Mapped[datetime | None]  # while OFFERED: until when the place is held
    checked_in_at: Mapped[datetime | None]  # scanned the activity's check-in code on the day


class ProgressUpdate(Base):
    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # The activity it reports on, when it answers "how did it go?" after one.
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("actions.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    numbers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class Result(Base):
    """Something achieved, published to celebrate it."""

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE")
    )
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    number: Mapped[int | None]
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    published_at: Mapped[datetime]
