"""Counts about one neighbourhood, in portable SQL that runs on SQLite and PostgreSQL alike.

Only numbers leave this module: no names, no chat ids. Weeks are ISO weeks in
the neighbourhood's own time zone (Monday 00:00 local time), so a coordinator
sees the weeks their residents live in, across daylight saving changes too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import SUPPORTED_LOCALES
from bot.domain import broadcasts
from bot.domain.models import (
    Action,
    ActionStatus,
    Broadcast,
    Initiative,
    InitiativeStatus,
    Neighbourhood,
    Person,
    Signup,
    SignupStatus,
    Support,
    Theme,
)
from bot.domain.weeks import week_of

WEEKS = 12  # about a quarter: long enough to show a trend, short enough to read on a phone
BROADCASTS = 8
TURNOUT = 8  # the latest activities with check-in, as lines under the charts


@dataclass(frozen=True, slots=True)
class ThemeTally:
    """A theme's initiatives per status; `slug` None gathers initiatives without a theme."""

    slug: str | None
    names: Mapping[str, str]  # the theme's name in every supported locale
    by_status: Mapping[InitiativeStatus, int]  # statuses with none are left out


@dataclass(frozen=True, slots=True)
class WeekTally:
    """One ISO week, in numbers of distinct people."""

    week: str  # "2026-W10"
    monday: date  # the week's first day, local time
    joined: int  # joined an activity, or got in from its waiting list
    supporters: int  # began supporting an initiative
    residents: int  # finished /start in the neighbourhood


@dataclass(frozen=True, slots=True)
class BroadcastReach:
    """How one broadcast's outbox rows fared, counted as in the author's delivery report."""

    broadcast_id: int
    sent_at: datetime
    report: broadcasts.Report

    @property
    def recipients(self) -> int:
        return self.report.total


@dataclass(frozen=True, slots=True)
class Turnout:
    """An activity that used check-in: of those signed up, who came and who did not."""

    action_id: int
    title: str
    starts_at: datetime
    came: int
    did_not_come: int


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything the statistics charts show, gathered in one call."""

    initiatives: list[ThemeTally]
    weeks: list[WeekTally]
    broadcasts: list[BroadcastReach]
    turnout: list[Turnout]


async def overview(
    session: AsyncSession, neighbourhood_id: int, now: datetime, weeks: int = WEEKS
) -> Overview:
    return Overview(
        initiatives=await initiatives_by_theme(session, neighbourhood_id),
        weeks=await participation(session, neighbourhood_id, now, weeks),
        broadcasts=await broadcast_reach(session, neighbourhood_id),
        turnout=await turnout(session, neighbourhood_id),
    )


async def turnout(
    session: AsyncSession, neighbourhood_id: int, limit: int | None = TURNOUT
) -> list[Turnout]:
    """The last `limit` activities (None: all) where someone checked in, latest first.

    "Did not come" are those signed up who did not check in: the no-shows, once check-in
    has closed. Activities without check-in are left out: nothing says who came to them.
    """
    came = func.count(Signup.checked_in_at)
    query = (
        select(Action.id, Action.title, Action.starts_at, func.count(Signup.id), came)
        .join(Signup, Signup.action_id == Action.id)
        .where(
            Action.neighbourhood_id == neighbourhood_id,
            Action.status != ActionStatus.CANCELLED,
            Signup.status == SignupStatus.JOINED,
        )
        .group_by(Action.id, Action.title, Action.starts_at)
        .having(came > 0)
        .order_by(Action.starts_at.desc(), Action.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    rows = await session.execute(query)
    return [
        Turnout(action_id, title, starts_at, checked_in, joined - checked_in)
        for action_id, title, starts_at, joined, checked_in in rows
    ]


async def initiatives_by_theme(session: AsyncSession, neighbourhood_id: int) -> list[ThemeTally]:
    """Every theme of the neighbourhood, in its order, with its initiatives per status.

    Drafts are left out: they are a resident's unfinished text, not yet proposed.
    """
    themes = await session.scalars(
        select(Theme)
        .where(Theme.neighbourhood_id == neighbourhood_id)
        .order_by(Theme.position, Theme.id)
    )
    rows = await session.execute(
        select(Initiative.theme_id, Initiative.status, func.count(Initiative.id))
        .where(
            Initiative.neighbourhood_id == neighbourhood_id,
            Initiative.status != InitiativeStatus.DRAFT,
        )
        .group_by(Initiative.theme_id, Initiative.status)
    )
    counts: defaultdict[int | None, Counter[InitiativeStatus]] = defaultdict(Counter)
    for theme_id, status, number in rows:
        counts[theme_id][status] = number
    tallies = [
        ThemeTally(
            theme.slug,
            {locale: theme.name_in(locale) for locale in SUPPORTED_LOCALES},
            dict(counts[theme.id]),
        )
        for theme in themes
    ]
    if counts[None]:
        tallies.append(ThemeTally(None, {}, dict(counts[None])))
    return tallies


async def find_neighbourhood(session: AsyncSession, neighbourhood_id: int) -> Neighbourhood:
    neighbourhood = await session.get(Neighbourhood, neighbourhood_id)
    if neighbourhood is None:
        raise LookupError(f"no neighbourhood {neighbourhood_id}")
    return neighbourhood


def week_starts(now: datetime, zone: ZoneInfo, weeks: int) -> list[datetime]:
    """Local Mondays 00:00 bounding the last `weeks` weeks, the current one included.

    There is one bound more than weeks: the last is next Monday, so the week
    in progress is counted so far.
    """
    local = now.astimezone(zone)
    this_monday = local.date() - timedelta(days=local.weekday())
    mondays = [this_monday - timedelta(weeks=back) for back in range(weeks - 1, -2, -1)]
    return [datetime.combine(monday, time(0), tzinfo=zone) for monday in mondays]


def _people_per_week(
    moment: ColumnElement[datetime], person: ColumnElement[int], starts: Sequence[datetime]
) -> list[ColumnElement[int]]:
    """COUNT(DISTINCT CASE WHEN moment in week THEN person END) per week: one query, any SQL."""
    return [
        func.count(distinct(case((and_(moment >= start, moment < end), person))))
        for start, end in pairwise(starts)
    ]


async def participation(
    session: AsyncSession, neighbourhood_id: int, now: datetime, weeks: int = WEEKS
) -> list[WeekTally]:
    """Per ISO week, oldest first: people who joined activities, new supporters, new residents.

    People erased with /forget are no longer counted, so past weeks can shrink:
    these are the numbers the database still holds.
    """
    zone = ZoneInfo((await find_neighbourhood(session, neighbourhood_id)).timezone)
    starts = week_starts(now, zone, weeks)
    period = (starts[0], starts[-1])

    joined_at = func.coalesce(Signup.promoted_at, Signup.created_at)
    joined = await session.execute(
        select(*_people_per_week(joined_at, Signup.person_id, starts))
        .join(Action, Action.id == Signup.action_id)
        .where(
            Action.neighbourhood_id == neighbourhood_id,
            Action.status != ActionStatus.CANCELLED,
            Signup.status == SignupStatus.JOINED,
            joined_at.between(*period),
        )
    )
    supporters = await session.execute(
        select(*_people_per_week(Support.created_at, Support.person_id, starts))
        .join(Initiative, Initiative.id == Support.initiative_id)
        .where(
            Initiative.neighbourhood_id == neighbourhood_id,
            Support.created_at.between(*period),
        )
    )
    residents = await session.execute(
        select(*_people_per_week(Person.consent_at, Person.id, starts)).where(
            Person.neighbourhood_id == neighbourhood_id, Person.consent_at.between(*period)
        )
    )
    return [
        WeekTally(week_of(start, zone), start.date(), *numbers)
        for start, *numbers in zip(
            starts[:-1], joined.one(), supporters.one(), residents.one(), strict=True
        )
    ]


async def broadcast_reach(
    session: AsyncSession, neighbourhood_id: int, limit: int = BROADCASTS
) -> list[BroadcastReach]:
    """The last `limit` broadcasts that went out, oldest first, with their outbox outcomes.

    Each is counted by `broadcasts.report`, a small query per broadcast, so the
    chart says exactly what the author's delivery report said.
    """
    recent = await session.execute(
        select(Broadcast.id, Broadcast.sent_at)
        .where(Broadcast.neighbourhood_id == neighbourhood_id, Broadcast.sent_at.is_not(None))
        .order_by(Broadcast.sent_at.desc(), Broadcast.id.desc())
        .limit(limit)
    )
    return [
        BroadcastReach(broadcast_id, sent_at, await broadcasts.report(session, broadcast_id))
        for broadcast_id, sent_at in reversed(recent.all())
    ]
