"""Whether the network is alive: who takes part, who has gone quiet, what has stalled.

Counted from what Wijkbot keeps anyway, for the residents of one neighbourhood
(people who finished onboarding there), over a calendar month in its own time zone:

    active     used Wijkbot in the month (last seen on or after its first day)
    new        started in the month
    came back  came back in the month after a silence of SILENT_AFTER or more
    silent     not seen for SILENT_AFTER at the month's end

A person's last moment (`Person.last_seen_at`) is kept already; what is added
is one date when a long silence ends and the moment they were invited back
(`Silence`, one row per person, gone with `/forget`). The month's counts are
kept as numbers only (`NetworkMonth`) when the month is over, since a past
month cannot be counted again from a last moment that has moved on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.dialect import insert_ignoring_duplicates
from bot.domain.models import (
    Action,
    ActionStatus,
    Area,
    Commitment,
    CommitmentStatus,
    Initiative,
    InitiativeStatus,
    NetworkMonth,
    Organisation,
    Person,
    ProgressUpdate,
    Silence,
    Support,
)

SILENT_AFTER = timedelta(days=60)
NO_NEWS_FOR = timedelta(days=30)  # an initiative without news this long is named in the report
INVITE_AHEAD = timedelta(days=30)  # how far ahead an activity may be to be worth an invitation
MONTHS = 6  # months in the report's chart
BATCH = 1000
INVITE_LIMIT = 2000  # invitations looked for per neighbourhood and day; the rest the next day


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month in a neighbourhood's time zone."""

    first_day: date
    zone: ZoneInfo

    @property
    def key(self) -> str:
        return f"{self.first_day.year:04d}-{self.first_day.month:02d}"

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.first_day, time(0), tzinfo=self.zone)

    @property
    def next(self) -> Month:
        year, month = divmod(self.first_day.year * 12 + self.first_day.month, 12)
        return Month(date(year, month + 1, 1), self.zone)

    @property
    def ends(self) -> datetime:
        return self.next.starts

    @classmethod
    def before(cls, now: datetime, zone: ZoneInfo) -> Month:
        """The month before the one `now` is in, locally."""
        local = now.astimezone(zone)
        last_of_previous = local.date().replace(day=1) - timedelta(days=1)
        return cls(last_of_previous.replace(day=1), zone)


async def came_back(session: AsyncSession, person: Person, now: datetime) -> None:
    """Note the day a person returns after a long silence (called as they are recognised)."""
    row = await session.get(Silence, person.id)
    if row is None:
        session.add(Silence(person_id=person.id, returned_on=now.date()))
    else:
        row.returned_on = now.date()


def _residents(neighbourhood_id: int) -> list:  # type: ignore[type-arg]
    return [Person.neighbourhood_id == neighbourhood_id, Person.consent_at.is_not(None)]


async def count(session: AsyncSession, neighbourhood_id: int, month: Month) -> dict[str, int]:
    """The month's four numbers (see the module's docstring); numbers only."""
    starts, ends = month.starts, month.ends
    residents = _residents(neighbourhood_id)
    row = (
        await session.execute(
            select(
                func.count().filter(Person.last_seen_at >= starts),
                func.count().filter(Person.created_at >= starts, Person.created_at < ends),
                func.count().filter(Person.last_seen_at < ends - SILENT_AFTER),
            ).where(*residents)
        )
    ).one()
    back = await session.scalar(
        select(func.count())
        .select_from(Silence)
        .join(Person, Person.id == Silence.person_id)
        .where(
            *residents,
            Silence.returned_on >= month.first_day,
            Silence.returned_on < month.next.first_day,
        )
    )
    return {"active": row[0], "joined": row[1], "came_back": back or 0, "silent": row[2]}


async def record(
    session: AsyncSession, neighbourhood_id: int, month: Month, now: datetime
) -> NetworkMonth:
    """The month's numbers, counted the first time they are asked for and kept as they were."""
    kept = await _kept(session, neighbourhood_id, month.key)
    if kept is not None:
        return kept
    numbers = await count(session, neighbourhood_id, month)
    table = NetworkMonth.__table__
    insert = insert_ignoring_duplicates(
        table, session.bind.dialect.name, "neighbourhood_id", "month"
    )
    values = {"neighbourhood_id": neighbourhood_id, "month": month.key, "created_at": now}
    await session.execute(insert.values(**values, **numbers))
    kept = await _kept(session, neighbourhood_id, month.key)
    assert kept is not None
    return kept


async def _kept(session: AsyncSession, neighbourhood_id: int, key: str) -> NetworkMonth | None:
    return await session.scalar(
        select(NetworkMonth).where(
            NetworkMonth.neighbourhood_id == neighbourhood_id, NetworkMonth.month == key
        )
    )


async def last_months(
    session: AsyncSession, neighbourhood_id: int, up_to: str, n: int = MONTHS
) -> list[NetworkMonth]:
    """The kept months up to and including `up_to` ("2026-11"), at most `n`, oldest first."""
    rows = await session.scalars(
        select(NetworkMonth)
        .where(NetworkMonth.neighbourhood_id == neighbourhood_id, NetworkMonth.month <= up_to)
        .order_by(NetworkMonth.month.desc())
        .limit(n)
    )
    return list(reversed(list(rows)))


async def quiet_initiatives(
    session: AsyncSession, neighbourhood_id: int, now: datetime
) -> list[str]:
    """Titles of running initiatives without news for NO_NEWS_FOR, the longest quiet first."""
    last_news = func.coalesce(Initiative.last_progress_at, Initiative.decided_at)
    rows = await session.scalars(
        select(Initiative.title)
        .where(
            Initiative.neighbourhood_id == neighbourhood_id,
            Initiative.status == InitiativeStatus.APPROVED,
            last_news < now - NO_NEWS_FOR,
        )
        .order_by(last_news, Initiative.id)
    )
    return list(rows)


async def overdue_partners(
    session: AsyncSession, neighbourhood_id: int, today: date
) -> list[tuple[str, int]]:
    """Partner organisations with commitments past their date here, and how many each."""
    overdue = func.count(Commitment.id)
    rows = await session.execute(
        select(Organisation.name, overdue)
        .join(Commitment, Commitment.organisation_id == Organisation.id)
        .where(
            Commitment.neighbourhood_id == neighbourhood_id,
            Commitment.status != CommitmentStatus.DONE,
            Commitment.due_on < today,
        )
        .group_by(Organisation.id, Organisation.name)
        .order_by(overdue.desc(), Organisation.name)
    )
    return [(name, number) for name, number in rows]


async def quiet_buurten(session: AsyncSession, neighbourhood_id: int, month: Month) -> list[str]:
    """Buurten where nothing happened in the month: no initiative proposed, no news posted,
    no activity held."""
    starts, ends = month.starts, month.ends
    in_buurt = and_(Initiative.area_id == Area.id)
    proposed = (
        select(Initiative.id)
        .where(in_buurt, Initiative.created_at >= starts, Initiative.created_at < ends)
        .exists()
    )
    news = (
        select(ProgressUpdate.id)
        .join(Initiative, Initiative.id == ProgressUpdate.initiative_id)
        .where(in_buurt, ProgressUpdate.created_at >= starts, ProgressUpdate.created_at < ends)
        .exists()
    )
    held = (
        select(Action.id)
        .join(Initiative, Initiative.id == Action.initiative_id)
        .where(
            in_buurt,
            Action.status != ActionStatus.CANCELLED,
            Action.starts_at >= starts,
            Action.starts_at < ends,
        )
        .exists()
    )
    rows = await session.scalars(
        select(Area.name)
        .where(Area.neighbourhood_id == neighbourhood_id, ~proposed, ~news, ~held)
        .order_by(Area.position, Area.id)
    )
    return list(rows)


def invitation_filter(person_id, area_id, now: datetime):  # type: ignore[no-untyped-def]
    """Upcoming activities worth inviting a person back to: in their buurt, or on a theme of
    an initiative they support; `person_id` and `area_id` are SQL expressions or values."""
    supported = aliased(Initiative)
    followed = (
        select(supported.theme_id)
        .join(Support, Support.initiative_id == supported.id)
        .where(Support.person_id == person_id, supported.theme_id.is_not(None))
        .correlate_except(Support, supported)  # the person is the outermost query's
    )
    return and_(
        Action.status == ActionStatus.OPEN,
        Action.starts_at > now,
        Action.starts_at <= now + INVITE_AHEAD,
        Initiative.status == InitiativeStatus.APPROVED,
        or_(Initiative.area_id == area_id, Initiative.theme_id.in_(followed)),
    )


async def invitation_for(session: AsyncSession, person: Person, now: datetime) -> Action | None:
    """The soonest upcoming activity in the person's buurt or on a theme they follow."""
    if person.neighbourhood_id is None:
        return None
    return await session.scalar(
        select(Action)
        .join(Initiative, Initiative.id == Action.initiative_id)
        .where(
            Action.neighbourhood_id == person.neighbourhood_id,
            invitation_filter(person.id, person.area_id, now),
        )
        .order_by(Action.starts_at, Action.id)
        .limit(1)
    )


async def to_invite(
    session: AsyncSession, neighbourhood_id: int, now: datetime, limit: int
) -> list[tuple[int, datetime]]:
    """Residents of the neighbourhood silent for SILENT_AFTER, not invited back since, who did
    not opt out of nudges and for whom something relevant is coming up: (person, last seen),
    the longest silent first, at most `limit` (the others are found on a next run)."""
    relevant = (
        select(Action.id)
        .join(Initiative, Initiative.id == Action.initiative_id)
        .where(
            Action.neighbourhood_id == Person.neighbourhood_id,
            invitation_filter(Person.id, Person.area_id, now),
        )
        .exists()
    )
    invited_since = (
        select(Silence.person_id)
        .where(Silence.person_id == Person.id, Silence.invited_at >= Person.last_seen_at)
        .exists()
    )
    # Who opted out of nudges (bot.delivery.preferences) is not invited, nor marked as such;
    # left out in SQL, so that they never take the places of others within the limit.
    opted_out = cast(Person.opt_outs, String).like('%"nudges"%')
    rows = await session.execute(
        select(Person.id, Person.last_seen_at)
        .where(
            Person.neighbourhood_id == neighbourhood_id,
            Person.consent_at.is_not(None),
            Person.unreachable_at.is_(None),
            Person.last_seen_at < now - SILENT_AFTER,
            ~opted_out,
            ~invited_since,
            relevant,
        )
        .order_by(Person.last_seen_at, Person.id)
        .limit(limit)
    )
    return [(pid, seen) for pid, seen in rows]


async def mark_invited(session: AsyncSession, person_ids: list[int], now: datetime) -> None:
    """Remember the invitation, so that this silence gets no other."""
    table = Silence.__table__
    insert = insert_ignoring_duplicates(table, session.bind.dialect.name, "person_id")
    for start in range(0, len(person_ids), BATCH):
        batch = person_ids[start : start + BATCH]
        await session.execute(insert, [{"person_id": person_id} for person_id in batch])
        await session.execute(
            update(Silence).where(Silence.person_id.in_(batch)).values(invited_at=now)
        )
