"""What a neighbourhood shows the world: the reads behind the public results page.

    showcase(session, neighbourhood_id, now) ──> Showcase
        goals         every goal with its progress (bot/domain/goals.py)
        results       the newest results, each with its photo only if the lead said yes
        initiatives   approved and completed initiatives, by theme
        commitments   partners' commitments, kept and still open
        months        a line a month since the start: approved, activities, people, results

Nothing personal leaves this module unless the person agreed (people.public_name,
people.public_photos, chosen in the chat): no name by default, and a result's photo
only with the yes of the initiative's lead (of its author, for a result without an
initiative). Every list is bounded; the page says so where it is cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, distinct, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain import goals
from bot.domain.models import (
    Action,
    ActionStatus,
    Area,
    Commitment,
    CommitmentStatus,
    Initiative,
    InitiativeStatus,
    Neighbourhood,
    Organisation,
    Person,
    Result,
    Signup,
    SignupStatus,
    Theme,
)

MOST_RESULTS = 60
MOST_INITIATIVES = 200
MOST_COMMITMENTS = 100  # of each: kept, open
MOST_MONTHS = 120  # ten years of the long breath
SHOWN = goals.COUNTED  # approved and completed initiatives are public in the chat already


@dataclass(frozen=True, slots=True)
class ShownResult:
    id: int
    text: str
    number: int | None
    published_at: datetime
    initiative: str | None  # its title
    theme_id: int | None
    photo_file_id: str | None  # None unless the lead agreed
    by: str | None  # the lead's first name, only if they agreed


@dataclass(frozen=True, slots=True)
class ShownInitiative:
    id: int
    title: str
    description: str
    theme_id: int | None
    area: str | None
    supporters: int
    completed: bool
    by: str | None  # the proposer's first name, only if they agreed


@dataclass(frozen=True, slots=True)
class ShownCommitment:
    organisation: str
    what: str
    theme_id: int | None
    due_on: date | None
    kept: bool


@dataclass(frozen=True, slots=True)
class Month:
    """One calendar month (months begin at midnight UTC, close enough for a count a month)."""

    first_day: date
    approved: int = 0
    activities: int = 0
    participants: int = 0
    results: int = 0


@dataclass(frozen=True, slots=True)
class Showcase:
    neighbourhood: Neighbourhood
    themes: list[Theme]
    goals: list[goals.Progress]
    results: list[ShownResult]
    initiatives: list[ShownInitiative]
    kept: list[ShownCommitment]
    open: list[ShownCommitment]
    months: list[Month]


async def showcase(session: AsyncSession, neighbourhood_id: int, now: datetime) -> Showcase | None:
    neighbourhood = await session.get(Neighbourhood, neighbourhood_id)
    if neighbourhood is None:
        return None
    themes = list(
        await session.scalars(
            select(Theme).where(Theme.neighbourhood_id == neighbourhood_id).order_by(Theme.position)
        )
    )
    kept, still_open = await _commitments(session, neighbourhood_id)
    return Showcase(
        neighbourhood=neighbourhood,
        themes=themes,
        goals=await goals.progress(session, neighbourhood_id),
        results=await _results(session, neighbourhood_id),
        initiatives=await _initiatives(session, neighbourhood_id),
        kept=kept,
        open=still_open,
        months=await _months(session, neighbourhood, now),
    )


def _lead_of_result() -> Any:
    """Whose yes a result's photo needs: its initiative's lead (none once they are
    forgotten), or the author of a result that belongs to no initiative."""
    return case((Result.initiative_id.is_(None), Result.author_id), else_=Initiative.owner_id)


async def result(session: AsyncSession, result_id: int) -> ShownResult | None:
    """One result as the public page shows it (for the neighbourhood's group or channel)."""
    found = await _results(session, None, result_id)
    return found[0] if found else None


async def initiative(session: AsyncSession, initiative_id: int) -> ShownInitiative | None:
    """One approved or completed initiative as the public page shows it; None otherwise."""
    found = await _initiatives(session, None, initiative_id)
    return found[0] if found else None


async def _results(
    session: AsyncSession, neighbourhood_id: int | None, result_id: int | None = None
) -> list[ShownResult]:
    lead = aliased(Person)
    which = (
        Result.id == result_id
        if result_id is not None
        else Result.neighbourhood_id == neighbourhood_id
    )
    rows = await session.execute(
        select(Result, Initiative.title, Initiative.theme_id, lead.first_name, lead.public_name)
        .add_columns(lead.public_photos)
        .outerjoin(Initiative, Initiative.id == Result.initiative_id)
        .outerjoin(lead, lead.id == _lead_of_result())
        .where(which)
        .order_by(Result.published_at.desc(), Result.id.desc())
        .limit(MOST_RESULTS)
    )
    return [
        ShownResult(
            id=result.id,
            text=result.text,
            number=result.number,
            published_at=result.published_at,
            initiative=title,
            theme_id=theme_id,
            photo_file_id=result.photo_file_id if photos else None,
            by=name if named and name else None,
        )
        for result, title, theme_id, name, named, photos in rows
    ]


async def _initiatives(
    session: AsyncSession, neighbourhood_id: int | None, initiative_id: int | None = None
) -> list[ShownInitiative]:
    which = (
        Initiative.id == initiative_id
        if initiative_id is not None
        else Initiative.neighbourhood_id == neighbourhood_id
    )
    rows = await session.execute(
        select(Initiative, Area.name, Person.first_name, Person.public_name)
        .outerjoin(Area, Area.id == Initiative.area_id)
        .outerjoin(Person, Person.id == Initiative.owner_id)
        .where(which, Initiative.status.in_(SHOWN))
        .order_by(Initiative.decided_at.desc(), Initiative.id.desc())
        .limit(MOST_INITIATIVES)
    )
    return [
        ShownInitiative(
            id=item.id,
            title=item.title,
            description=item.description,
            theme_id=item.theme_id,
            area=area,
            supporters=item.supporter_count,
            completed=item.status is InitiativeStatus.COMPLETED,
            by=name if named and name else None,
        )
        for item, area, name, named in rows
    ]


async def _commitments(
    session: AsyncSession, neighbourhood_id: int
) -> tuple[list[ShownCommitment], list[ShownCommitment]]:
    def of(kept: bool) -> Any:
        done = Commitment.status == CommitmentStatus.DONE
        return (
            select(Commitment, Organisation.name)
            .join(Organisation, Organisation.id == Commitment.organisation_id)
            .where(Commitment.neighbourhood_id == neighbourhood_id, done if kept else ~done)
            .order_by(Commitment.due_on, Commitment.id)
            .limit(MOST_COMMITMENTS)
        )

    found = []
    for kept in (True, False):
        rows = await session.execute(of(kept))
        found.append(
            [
                ShownCommitment(name, item.what, item.theme_id, item.due_on, kept)
                for item, name in rows
            ]
        )
    return found[0], found[1]


def _by_month(column: Any) -> tuple[Any, Any]:
    return extract("year", column), extract("month", column)


async def _counted(session: AsyncSession, query: Any) -> dict[tuple[int, int], int]:
    return {(int(year), int(month)): count for year, month, count in await session.execute(query)}


async def _months(
    session: AsyncSession, neighbourhood: Neighbourhood, now: datetime
) -> list[Month]:
    """From the month the neighbourhood started (or its first initiative) to this one."""
    nid = neighbourhood.id
    year, month = _by_month(Initiative.decided_at)
    approved = await _counted(
        session,
        select(year, month, func.count())
        .where(Initiative.neighbourhood_id == nid, Initiative.status.in_(SHOWN))
        .where(Initiative.decided_at.is_not(None))
        .group_by(year, month),
    )
    year, month = _by_month(Action.starts_at)
    held = [
        Action.neighbourhood_id == nid,
        Action.status != ActionStatus.CANCELLED,
        Action.starts_at <= now,
    ]
    activities = await _counted(
        session, select(year, month, func.count()).where(*held).group_by(year, month)
    )
    participants = await _counted(
        session,
        select(year, month, func.count(distinct(Signup.person_id)))
        .join(Signup, Signup.action_id == Action.id)
        .where(*held, Signup.status == SignupStatus.JOINED)
        .group_by(year, month),
    )
    year, month = _by_month(Result.published_at)
    results = await _counted(
        session,
        select(year, month, func.count())
        .where(Result.neighbourhood_id == nid)
        .group_by(year, month),
    )
    now_utc = now.astimezone(UTC)
    started = neighbourhood.created_at
    first = min(
        [(started.year, started.month), *approved, *activities, *results],
        default=(now_utc.year, now_utc.month),
    )
    months = []
    key = max(first, _months_before(now_utc, MOST_MONTHS - 1))
    while key <= (now_utc.year, now_utc.month):
        months.append(
            Month(
                date(*key, 1),
                approved=approved.get(key, 0),
                activities=activities.get(key, 0),
                participants=participants.get(key, 0),
                results=results.get(key, 0),
            )
        )
        key = (key[0] + key[1] // 12, key[1] % 12 + 1)
    return months


def _months_before(moment: datetime, count: int) -> tuple[int, int]:
    index = moment.year * 12 + moment.month - 1 - count
    return index // 12, index % 12 + 1
