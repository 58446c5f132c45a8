"""Where the wijkaanpak happens: neighbourhoods, their buurten and their themes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain.models.base import Base


class Neighbourhood(Base):
    __tablename__ = "neighbourhoods"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    default_locale: Mapped[str] = mapped_column(String(8), default="nl")
    # Only admins invite coordinators, unless the neighbourhood's file allows coordinators to.
    coordinators_invite_coordinators: Mapped[bool] = mapped_column(
        default=False, server_default=false()
    )
    created_at: Mapped[datetime]

    areas: Mapped[list[Area]] = relationship(
        back_populates="neighbourhood", order_by="Area.position", cascade="all, delete-orphan"
    )
    themes: Mapped[list[Theme]] = relationship(
        back_populates="neighbourhood", order_by="Theme.position", cascade="all, delete-orphan"
    )


class Area(Base):
    """A buurt: the part of the neighbourhood a resident lives in."""

    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("neighbourhood_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE")
    )
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    neighbourhood: Mapped[Neighbourhood] = relationship(back_populates="areas")


class Theme(Base):
    """A shared focus of the programme, named in every language by the YAML that loads it."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("neighbourhood_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE")
    )
    slug: Mapped[str] = mapped_column(String(64))
    names: Mapped[dict[str, Any]]
    emoji: Mapped[str] = mapped_column(String(16), default="")
    position: Mapped[int] = mapped_column(default=0)

    neighbourhood: Mapped[Neighbourhood] = relationship(back_populates="themes")

    def name_in(self, locale: str, fallback: str = "nl") -> str:
        return self.names.get(locale) or self.names.get(fallback) or self.slug
