"""A quarter of a neighbourhood in numbers, for the council: what `wijkbot report` prints.

    Quarter.parse("2027Q1") ──> Quarter(2027, 1)
    gather(session, neighbourhood, quarter, now) ──> QuarterFigures
        goals        the goals whose period overlaps the quarter, as they stand now
        results      the results published in the quarter (their words, number, initiative)
        months       per month: people who took part, new supporters, new residents,
                     activities held, initiatives approved, results published
        commitments  the partners' commitments of the quarter: kept, open, overdue

Only what the public results page shows anyway leaves this module: counts of
distinct people, never who they are; results and approved initiatives by
their title; organisations by their name. Months and the quarter begin at
midnight in the neighbourhood's own time zone. Every list is bounded and says
how much it left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import goals
from bot.domain.models import (
    Action,
    ActionStatus,
    Commitment,
    CommitmentStatus,
    Initiative,
    Neighbourhood,
    Organisation,
    Person,
    Result,
    Signup,
    SignupStatus,
    Support,
    Theme,
)

MOST_RESULTS = 40
MOST_COMMITMENTS = 60
MOST_ORGANISATIONS = 12  # bars on the commitments chart
QUARTER = re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE)


class BadQuarter(ValueError):
    """A quarter that is not written as 2027Q1, or has not begun yet."""


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        found = QUARTER.fullmatch(text.strip())
        if found is None:
            raise BadQuarter(f"{text!r} is not a quarter: write the year and Q1-Q4, e.g. 2027Q1")
        return cls(int(found[1]), int(found[2]))

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def months(self) -> list[date]:
        """The first day of each of its three months."""
        first = 3 * (self.number - 1) + 1
        return [date(self.year, month, 1) for month in range(first, first + 3)]

    @property
    def first_day(self) -> date:
        return self.months[0]

    @property
    def next_day(self) -> date:
        """The first day after the quarter."""
        return (
            date(self.year + 1, 1, 1)
            if self.number == 4
            else date(self.year, self.months[2].month + 1, 1)
        )

    def bounds(self, zone: ZoneInfo) -> list[datetime]:
        """Local midnights that begin each month, and the one after the last."""
        days = [*self.months, self.next_day]
        return [datetime.combine(day, time(0), tzinfo=zone) for day in days]


@dataclass(frozen=True, slots=True)
class MonthFigures:
    first_day: date
    took_part: int  # distinct people who joined an activity held this month
    supporters: int  # distinct people who began supporting an initiative
    residents: int  # people who joined Wijkbot in the neighbourhood
    activities: int  # activities held (not cancelled)
    approved: int  # initiatives approved
    results: int  # results published


@dataclass(frozen=True, slots=True)
class QuarterResult:
    published_at: datetime
    text: str
    number: int | None
    initiative: str | None  # its title


@dataclass(frozen=True, slots=True)
class QuarterCommitment:
    organisation: str
    what: str
    due_on: date | None
    state: str  # "kept", "open" or "overdue"


@dataclass(frozen=True, slots=True)
class QuarterFigures:
    neighbourhood: Neighbourhood
    quarter: Quarter
    written_at: datetime
    themes: dict[int, Theme]
    goals: list[goals.Progress]
    results: list[QuarterResult]
    results_total: int
    months: list[MonthFigures]
    commitments: list[QuarterCommitment]
    commitments_total: int

    def commitments_by_organisation(self) -> list[tuple[str, dict[str, int]]]:
        """Kept, open and overdue per organisation, the most commitments first."""
        tally: dict[str, dict[str, int]] = {}
        for item in self.commitments:
            counts = tally.setdefault(item.organisation, {"kept": 0, "open": 0, "overdue": 0})
            counts[item.state] += 1
        ranked = sorted(tally.items(), key=lambda pair: (-sum(pair[1].values()), pair[0]))
        return ranked[:MOST_ORGANISATIONS]


def _per_month(
    moment: ColumnElement[datetime], what: ColumnElement[int], bounds: list[datetime]
) -> list[ColumnElement[int]]:
    """COUNT(DISTINCT CASE WHEN moment in month THEN what END) per month: one query, any SQL."""
    return [
        func.count(distinct(case((and_(moment >= start, moment < end), what))))
        for start, end in pairwise(bounds)
    ]


async def _months(
    session: AsyncSession, neighbourhood_id: int, bounds: list[datetime]
) -> list[MonthFigures]:
    period = (bounds[0], bounds[-1])
    held = [
        Action.neighbourhood_id == neighbourhood_id,
        Action.status != ActionStatus.CANCELLED,
        Action.starts_at >= period[0],
        Action.starts_at < period[1],
    ]
    took_part = await session.execute(
        select(*_per_month(Action.starts_at, Signup.person_id, bounds))
        .select_from(Action)
        .join(Signup, Signup.action_id == Action.id)
        .where(*held, Signup.status == SignupStatus.JOINED)
    )
    activities = await session.execute(
        select(*_per_month(Action.starts_at, Action.id, bounds)).where(*held)
    )
    supporters = await session.execute(
        select(*_per_month(Support.created_at, Support.person_id, bounds))
        .select_from(Support)
        .join(Initiative, Initiative.id == Support.initiative_id)
        .where(Initiative.neighbourhood_id == neighbourhood_id, Support.created_at >= period[0])
    )
    residents = await session.execute(
        select(*_per_month(Person.consent_at, Person.id, bounds)).where(
            Person.neighbourhood_id == neighbourhood_id, Person.consent_at >= period[0]
        )
    )
    approved = await session.execute(
        select(*_per_month(Initiative.decided_at, Initiative.id, bounds)).where(
            Initiative.neighbourhood_id == neighbourhood_id, Initiative.status.in_(goals.COUNTED)
        )
    )
    results = await session.execute(
        select(*_per_month(Result.published_at, Result.id, bounds)).where(
            Result.neighbourhood_id == neighbourhood_id
        )
    )
    return [
        MonthFigures(start.date(), *numbers)
        for start, *numbers in zip(
            bounds[:-1],
            took_part.one(),
            supporters.one(),
            residents.one(),
            activities.one(),
            approved.one(),
            results.one(),
            strict=True,
        )
    ]


async def _results(
    session: AsyncSession, neighbourhood_id: int, bounds: list[datetime]
) -> tuple[list[QuarterResult], int]:
    within = [
        Result.neighbourhood_id == neighbourhood_id,
        Result.published_at >= bounds[0],
        Result.published_at < bounds[-1],
    ]
    total = await session.scalar(select(func.count(Result.id)).where(*within)) or 0
    rows = await session.execute(
        select(Result.published_at, Result.text, Result.number, Initiative.title)
        .outerjoin(Initiative, Initiative.id == Result.initiative_id)
        .where(*within)
        .order_by(Result.published_at, Result.id)
        .limit(MOST_RESULTS)
    )
    return [QuarterResult(*row) for row in rows], total


async def _commitments(
    session: AsyncSession, neighbourhood_id: int, quarter: Quarter, today: date, end: datetime
) -> tuple[list[QuarterCommitment], int]:
    """Commitments made by the quarter's end that were still running in it: not kept and
    due before the quarter are old news. Their state is today's."""
    done = Commitment.status == CommitmentStatus.DONE
    relevant = [
        Commitment.neighbourhood_id == neighbourhood_id,
        Commitment.created_at < end,
        or_(~done, Commitment.due_on.is_(None), Commitment.due_on >= quarter.first_day),
    ]
    total = await session.scalar(select(func.count(Commitment.id)).where(*relevant)) or 0
    rows = await session.execute(
        select(Organisation.name, Commitment.what, Commitment.due_on, Commitment.status)
        .join(Organisation, Organisation.id == Commitment.organisation_id)
        .where(*relevant)
        .order_by(Organisation.name, Commitment.due_on, Commitment.id)
        .limit(MOST_COMMITMENTS)
    )
    found = []
    for name, what, due_on, status in rows:
        if status is CommitmentStatus.DONE:
            state = "kept"
        elif due_on is not None and due_on < today:
            state = "overdue"
        else:
            state = "open"
        found.append(QuarterCommitment(name, what, due_on, state))
    return found, total


async def gather(
    session: AsyncSession, neighbourhood: Neighbourhood, quarter: Quarter, now: datetime
) -> QuarterFigures:
    """The quarter's figures; a quarter that has not begun is refused."""
    zone = ZoneInfo(neighbourhood.timezone)
    bounds = quarter.bounds(zone)
    if now < bounds[0]:
        raise BadQuarter(f"{quarter} has not begun yet")
    themes = {
        theme.id: theme
        for theme in await session.scalars(
            select(Theme).where(Theme.neighbourhood_id == neighbourhood.id)
        )
    }
    overlapping = [
        item
        for item in await goals.progress(session, neighbourhood.id)
        if item.goal.starts_on < quarter.next_day and item.goal.ends_on >= quarter.first_day
    ]
    results, results_total = await _results(session, neighbourhood.id, bounds)
    today = now.astimezone(zone).date()
    commitments, commitments_total = await _commitments(
        session, neighbourhood.id, quarter, today, bounds[-1]
    )
    return QuarterFigures(
        neighbourhood=neighbourhood,
        quarter=quarter,
        written_at=now,
        themes=themes,
        goals=overlapping,
        results=results,
        results_total=results_total,
        months=await _months(session, neighbourhood.id, bounds),
        commitments=commitments,
        commitments_total=commitments_total,
    )
