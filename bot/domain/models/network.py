"""How the network breathes: a neighbourhood's month in numbers, and a person's last silence.

`NetworkMonth` holds counts only, never who. `Silence` holds two dates for one
person and goes with them (`/forget` deletes the person, the row cascades).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.models.base import Base


class NetworkMonth(Base):
    """A neighbourhood's residents in one month (its local calendar month), counted once when
    the month is over; the monthly report's chart shows the last six."""

    __tablename__ = "network_months"
    __table_args__ = (UniqueConstraint("neighbourhood_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE")
    )
    month: Mapped[str] = mapped_column(String(7))  # "2026-11"
    active: Mapped[int]
    joined: Mapped[int]
    came_back: Mapped[int]
    silent: Mapped[int]
    created_at: Mapped[datetime]


class Silence(Base):
    """A person's way back: the day they came back after a long silence, and when they were
    invited back during their latest one (at most once per silence)."""

    __tablename__ = "silences"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    returned_on: Mapped[date | None]
    invited_at: Mapped[datetime | None]
