"""The neighbourhood's goals ("opgaven"): a few measurable targets per theme, over a period."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.models.base import Base, enum_column


class GoalMeasure(StrEnum):
    """What a goal counts; all but BY_HAND are counted from Wijkbot's own data."""

    PARTICIPANTS = "participants"  # residents who joined activities of the theme's initiatives
    INITIATIVES = "initiatives"  # initiatives of the theme approved in the period
    RESULT_NUMBERS = "result_numbers"  # the numbers of the theme's results, added up
    COMMITMENTS_KEPT = "commitments_kept"  # partners' commitments in the theme that are done
    BY_HAND = "by_hand"  # counted by a coordinator, with a note


class Goal(Base):
    __tablename__ = "goals"
    __table_args__ = (UniqueConstraint("neighbourhood_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE")
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    # Goals from the neighbourhood's file are matched by slug when it is loaded again;
    # goals added in the chat have none.
    slug: Mapped[str | None] = mapped_column(String(64))
    titles: Mapped[dict[str, Any]]  # locale -> title
    measure: Mapped[GoalMeasure] = mapped_column(enum_column(GoalMeasure))
    # None: all of them (commitments kept: every commitment of the theme).
    target: Mapped[int | None]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    counted: Mapped[int] = mapped_column(default=0)  # BY_HAND: the value a coordinator gave
    note: Mapped[str | None] = mapped_column(Text)  # BY_HAND: what the coordinator said with it
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # The highest of 25/50/75/100 % celebrated so far, so that each is celebrated once.
    celebrated: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    def title_in(self, locale: str, fallback: str = "nl") -> str:
        """The title in `locale`, else the neighbourhood's language, else any it has."""
        return (
            self.titles.get(locale)
            or self.titles.get(fallback)
            or next(iter(self.titles.values()), "")
        )
