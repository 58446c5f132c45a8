"""The neighbourhood's goals ("opgaven") and how far each has come.

A goal is a measurable target for one theme over a period ("60 residents take
part in health activities in 2027"). Its value is counted from Wijkbot's own
data when it is read, or given by hand by a coordinator:

    measure            value                                         counted in the period
    participants       residents who joined activities of the        the activity starts
                       theme's initiatives (each person once)
    initiatives        the theme's initiatives approved              the decision
    result_numbers     the numbers of the theme's results, added up  the publication
    commitments_kept   partners' commitments in the theme that are   made before its end
                       done (target "all": every one of them)
    by_hand            what a coordinator last counted, with a note  -

`progress` returns every goal of a neighbourhood with its value and percentage
as plain data: My buurt, the coordinators' screen, the weekly wins and the
celebrations read it, and so can a results page or a quarterly report.

    progress(session, neighbourhood_id) ──> [Progress(goal, value, target, percent, contributing)]

The period runs from `starts_on` to `ends_on`, both included, in the
neighbourhood's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import audit, roles
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.models import (
    Action,
    ActionStatus,
    Commitment,
    CommitmentStatus,
    Goal,
    GoalMeasure,
    Initiative,
    InitiativeStatus,
    Neighbourhood,
    Result,
    Signup,
    SignupStatus,
    Theme,
)
from bot.domain.roles import Permission

TITLE_LIMIT = 100  # UTF-16 code units: a goal's title fits on a line and, shortened, a button
NOTE_LIMIT = 500
TARGET_LIMIT = 10_000_000
MOST_GOALS = 40  # per neighbourhood: "a few per theme"; bounds every list of them
CONTRIBUTING = 5  # initiatives named as contributing to one goal
THRESHOLDS = (25, 50, 75, 100)  # percentages that are celebrated, each once
COUNTED = (InitiativeStatus.APPROVED, InitiativeStatus.COMPLETED)  # initiatives that count


class TooManyGoals(DomainError):
    """The neighbourhood has as many goals as it may have."""


@dataclass(frozen=True, slots=True)
class Progress:
    """A goal as it stands: its value against its target; `contributing` are the ids of the
    (at most CONTRIBUTING) approved initiatives that counted, most recent first."""

    goal: Goal
    value: int
    target: int
    contributing: tuple[int, ...] = ()

    @property
    def percent(self) -> int:
        """Whole percent, rounded down (may pass 100); 0 when there is nothing to reach yet."""
        return self.value * 100 // self.target if self.target > 0 else 0

    @property
    def reached(self) -> int:
        """The highest threshold reached (25, 50, 75, 100), or 0."""
        return max((step for step in THRESHOLDS if self.percent >= step), default=0)


def window(goal: Goal, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The period as UTC moments: from the start of its first day to the end of its last."""

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)

    return midnight(goal.starts_on), midnight(goal.ends_on + timedelta(days=1))


def _of_theme(goal: Goal) -> list[Any]:
    return [
        Initiative.neighbourhood_id == goal.neighbourhood_id,
        Initiative.theme_id == goal.theme_id,
    ]


def _participations(goal: Goal, zone: ZoneInfo) -> Select[Any]:
    start, end = window(goal, zone)
    return (
        select(Signup.person_id, Initiative.id)
        .join(Action, Action.id == Signup.action_id)
        .join(Initiative, Initiative.id == Action.initiative_id)
        .where(
            *_of_theme(goal),
            Signup.status == SignupStatus.JOINED,
            Action.status != ActionStatus.CANCELLED,
            Action.starts_at >= start,
            Action.starts_at < end,
        )
    )


def _approvals(goal: Goal, zone: ZoneInfo) -> Select[Any]:
    start, end = window(goal, zone)
    return select(Initiative.id).where(
        *_of_theme(goal),
        Initiative.status.in_(COUNTED),
        Initiative.decided_at >= start,
        Initiative.decided_at < end,
    )


def _results(goal: Goal, zone: ZoneInfo) -> Select[Any]:
    start, end = window(goal, zone)
    return (
        select(Result.number, Initiative.id)
        .join(Initiative, Initiative.id == Result.initiative_id)
        .where(*_of_theme(goal), Result.published_at >= start, Result.published_at < end)
    )


def _commitments(goal: Goal, zone: ZoneInfo) -> Select[Any]:
    _, end = window(goal, zone)
    return select(Commitment.id).where(
        Commitment.neighbourhood_id == goal.neighbourhood_id,
        Commitment.theme_id == goal.theme_id,
        Commitment.created_at < end,
    )


async def _count(session: AsyncSession, query: Select[Any], column: Any) -> int:
    subquery = query.subquery()
    return await session.scalar(select(func.count(distinct(subquery.c[column])))) or 0


async def _contributing(session: AsyncSession, ids: Select[Any]) -> tuple[int, ...]:
    """The approved initiatives among `ids`, most recently decided first, at most CONTRIBUTING."""
    found = await session.scalars(
        select(Initiative.id)
        .where(Initiative.id.in_(ids), Initiative.status == InitiativeStatus.APPROVED)
        .order_by(Initiative.decided_at.desc(), Initiative.id.desc())
        .limit(CONTRIBUTING)
    )
    return tuple(found)


async def measure(session: AsyncSession, goal: Goal, zone: ZoneInfo) -> Progress:
    """How far one goal has come (a few small queries, whatever the amount of data)."""
    target = goal.target or 0
    if goal.measure is GoalMeasure.BY_HAND:
        return Progress(goal, goal.counted, target)
    if goal.measure is GoalMeasure.COMMITMENTS_KEPT:
        made = _commitments(goal, zone)
        kept = made.where(Commitment.status == CommitmentStatus.DONE)
        value = await _count(session, kept, "id")
        if goal.target is None:
            target = await _count(session, made, "id")
        linked = made.with_only_columns(Commitment.initiative_id)
        return Progress(goal, value, target, await _contributing(session, linked))
    if goal.measure is GoalMeasure.PARTICIPANTS:
        rows = _participations(goal, zone)
        value = await _count(session, rows, "person_id")
        ids = rows.with_only_columns(Initiative.id)
    elif goal.measure is GoalMeasure.INITIATIVES:
        ids = _approvals(goal, zone)
        value = await _count(session, ids, "id")
    else:  # RESULT_NUMBERS
        rows = _results(goal, zone)
        value = (
            await session.scalar(select(func.coalesce(func.sum(rows.subquery().c.number), 0))) or 0
        )
        ids = rows.with_only_columns(Initiative.id)
    return Progress(goal, value, target, await _contributing(session, ids))


async def listed(
    session: AsyncSession, neighbourhood_id: int, theme_id: int | None = None
) -> list[Goal]:
    """The neighbourhood's goals by theme (in the file's order), then their own order."""
    query = (
        select(Goal)
        .join(Theme, Theme.id == Goal.theme_id)
        .where(Goal.neighbourhood_id == neighbourhood_id)
        .order_by(Theme.position, Goal.position, Goal.id)
        .limit(MOST_GOALS)
    )
    if theme_id is not None:
        query = query.where(Goal.theme_id == theme_id)
    return list(await session.scalars(query))


async def progress(
    session: AsyncSession, neighbourhood_id: int, theme_id: int | None = None
) -> list[Progress]:
    """Every goal of the neighbourhood (of one theme, if given) with its value and percentage."""
    neighbourhood = await session.get(Neighbourhood, neighbourhood_id)
    if neighbourhood is None:
        return []
    zone = ZoneInfo(neighbourhood.timezone)
    return [
        await measure(session, goal, zone)
        for goal in await listed(session, neighbourhood_id, theme_id)
    ]


async def one(session: AsyncSession, goal_id: int) -> Progress | None:
    goal = await session.get(Goal, goal_id)
    if goal is None:
        return None
    neighbourhood = await session.get(Neighbourhood, goal.neighbourhood_id)
    assert neighbourhood is not None
    return await measure(session, goal, ZoneInfo(neighbourhood.timezone))


async def create(
    session: AsyncSession,
    person_id: int,
    *,
    neighbourhood_id: int,
    theme_id: int,
    title: str,
    locale: str,
    measure: GoalMeasure,
    target: int | None,
    starts_on: date,
    ends_on: date,
    now: datetime,
) -> Goal:
    """A coordinator's new goal; refused (nothing changes) outside their neighbourhood."""
    await roles.require(session, person_id, Permission.MANAGE_GOALS, neighbourhood_id)
    theme = await session.get(Theme, theme_id)
    if theme is None or theme.neighbourhood_id != neighbourhood_id:
        raise NotAllowed(Permission.MANAGE_GOALS.value, neighbourhood_id)
    if target is None and measure is not GoalMeasure.COMMITMENTS_KEPT:
        raise ValueError("only commitments kept may aim at all of them")
    if ends_on < starts_on:
        raise ValueError("a period ends after it starts")
    if len(await listed(session, neighbourhood_id)) >= MOST_GOALS:
        raise TooManyGoals(f"at most {MOST_GOALS} goals per neighbourhood")
    last = await session.scalar(
        select(func.max(Goal.position)).where(Goal.neighbourhood_id == neighbourhood_id)
    )
    goal = Goal(
        neighbourhood_id=neighbourhood_id,
        theme_id=theme_id,
        titles={locale: title},
        measure=measure,
        target=target,
        starts_on=starts_on,
        ends_on=ends_on,
        updated_by_id=person_id,
        position=(last or 0) + 1,
        created_at=now,
        updated_at=now,
    )
    session.add(goal)
    await session.flush()
    await start_where_it_is(session, goal)
    audit.record(
        session,
        now,
        "goal.created",
        actor_id=person_id,
        neighbourhood_id=neighbourhood_id,
        subject=("goal", goal.id),
        measure=measure.value,
        target=target,
    )
    return goal


async def require_manage(session: AsyncSession, person_id: int, goal: Goal) -> None:
    await roles.require(session, person_id, Permission.MANAGE_GOALS, goal.neighbourhood_id)


async def count_by_hand(
    session: AsyncSession, person_id: int, goal: Goal, value: int, note: str, now: datetime
) -> None:
    """A coordinator's new count for a goal counted by hand, with what they said about it.
    Refused (nothing changes) for another neighbourhood's goal or one Wijkbot counts."""
    await require_manage(session, person_id, goal)
    if goal.measure is not GoalMeasure.BY_HAND:
        raise NotAllowed(Permission.MANAGE_GOALS.value, goal.neighbourhood_id)
    before = goal.counted
    goal.counted, goal.note = value, note
    goal.updated_by_id, goal.updated_at = person_id, now
    audit.record(
        session,
        now,
        "goal.counted",
        actor_id=person_id,
        neighbourhood_id=goal.neighbourhood_id,
        subject=("goal", goal.id),
        before=before,
        value=value,
    )


async def start_where_it_is(session: AsyncSession, goal: Goal) -> None:
    """A new goal celebrates what is done from now on: the thresholds it has passed already
    (a count by hand it starts with, work done before it was set) are not news."""
    item = await one(session, goal.id)
    assert item is not None
    goal.celebrated = item.reached


async def to_celebrate(session: AsyncSession, neighbourhood_id: int) -> list[Progress]:
    """Goals of the neighbourhood that passed a threshold (25, 50, 75, 100 %) not celebrated
    yet; each is marked as celebrated up to the highest it passed, so that it is said once
    (a jump from 10 to 60 % celebrates 50 % only, and a count that falls and rises again
    celebrates nothing twice)."""
    found = []
    for item in await progress(session, neighbourhood_id):
        if item.reached > item.goal.celebrated:
            item.goal.celebrated = item.reached
            found.append(item)
    return found
