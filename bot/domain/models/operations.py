"""What running Wijkbot needs besides the work itself: the sweeps' last runs, the senders' pace."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Double, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.models.base import Base


class SweepRun(Base):
    """The last run of one sweep, overwritten by each run: one row per sweep, nothing personal.

    `process` names the leader that ran it (host and process id), which is how an
    operator sees who leads on SQLite, where there is no lock to look at.
    """

    __tablename__ = "sweep_runs"

    sweep: Mapped[str] = mapped_column(String(64), primary_key=True)
    finished_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(Float)
    added: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(200))  # an exception's type, never its text
    process: Mapped[str] = mapped_column(String(128))


class SweepDay(Base):
    """The last day a daily sweep did its work for one neighbourhood (its local date), so
    that it does so at the first run of the day only: one row per sweep and neighbourhood."""

    __tablename__ = "sweep_days"

    sweep: Mapped[str] = mapped_column(String(64), primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date]


class SendPace(Base):
    """The next free sending slot of one rate (`global`, `paid`), shared by every sender.

    `next_at` is a wall-clock time in seconds since the epoch (bot/delivery/pacing.py).
    """

    __tablename__ = "send_pace"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_at: Mapped[float] = mapped_column(Double)
