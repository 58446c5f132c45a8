"""Activities people join: capacity, a first-come waitlist, and a place in the calendar.

Capacity holds when many people press "Join" at the same moment: joining and
leaving first lock the activity, and only then read its status and count its
places. PostgreSQL locks the activity's row (`SELECT ... FOR UPDATE`); SQLite,
which has no row locks, runs every transaction as `BEGIN IMMEDIATE` (see
`bot.domain.dialect`), so the whole transaction already holds the write lock.
Either way the next person's count waits for the previous person's commit.

A day before, the 24-hour reminder asks "still coming?": "yes" is remembered
(`confirmed_at`, which leads and coordinators see counted), "no" gives the
place up as leaving does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from icalendar import Calendar, Event
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.models import Action, ActionStatus, Person, Signup, SignupStatus


class Joined(StrEnum):
    JOINED = "joined"
    WAITLISTED = "waitlisted"
    ALREADY = "already"
    CLOSED = "closed"  # cancelled, completed or already begun


class Answered(StrEnum):
    """What became of an answer to "still coming?"."""

    NOTED = "noted"
    STARTED = "started"  # cancelled, completed or already begun: nothing changes
    NOT_SIGNED_UP = "not_signed_up"  # left meanwhile (or never had a place)


@dataclass(frozen=True, slots=True)
class Attendance:
    """An activity's people as its lead sees them."""

    joined: int = 0
    confirmed: int = 0  # of those who joined, said "yes, still coming"
    waiting: int = 0

    @property
    def unanswered(self) -> int:
        return self.joined - self.confirmed


@dataclass(frozen=True, slots=True)
class Left:
    promoted_person_id: int | None  # who got the freed place, if anyone


def is_open(action: Action, now: datetime) -> bool:
    return action.status is ActionStatus.OPEN and action.starts_at > now


async def joined_count(session: AsyncSession, action_id: int) -> int:
    count = await session.scalar(
        select(func.count(Signup.id)).where(
            Signup.action_id == action_id, Signup.status == SignupStatus.JOINED
        )
    )
    return count or 0


async def signup_of(session: AsyncSession, action_id: int, person_id: int) -> Signup | None:
    return await session.scalar(
        select(Signup).where(Signup.action_id == action_id, Signup.person_id == person_id)
    )


async def lock(session: AsyncSession, action: Action) -> None:
    """Hold the activity until commit, and read it again as it is now (status, capacity)."""
    await session.execute(
        select(Action)
        .where(Action.id == action.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def join(session: AsyncSession, action: Action, person: Person, now: datetime) -> Joined:
    """Take a place, or the next place on the waitlist when the activity is full."""
    await lock(session, action)
    if not is_open(action, now):
        return Joined.CLOSED
    signup = await signup_of(session, action.id, person.id)
    if signup is not None and signup.status is not SignupStatus.LEFT:
        return Joined.ALREADY
    full = action.capacity is not None and await joined_count(session, action.id) >= action.capacity
    status = SignupStatus.WAITLISTED if full else SignupStatus.JOINED
    if signup is None:
        session.add(Signup(action_id=action.id, person_id=person.id, status=status, created_at=now))
    else:  # came back after leaving: to the end of the queue, asked again
        signup.status, signup.created_at, signup.promoted_at = status, now, None
        signup.confirmed_at = None
    await session.flush()
    return Joined.WAITLISTED if full else Joined.JOINED


async def leave(session: AsyncSession, action: Action, person: Person, now: datetime) -> Left:
    """Give up a place (or a waitlist spot); the first on the waitlist moves up."""
    await lock(session, action)
    signup = await signup_of(session, action.id, person.id)
    if signup is None or signup.status is SignupStatus.LEFT:
        return Left(None)
    had_place = signup.status is SignupStatus.JOINED
    signup.status = SignupStatus.LEFT
    await session.flush()
    if not had_place or not is_open(action, now):
        return Left(None)
    first_waiting = await session.scalar(
        select(Signup)
        .where(Signup.action_id == action.id, Signup.status == SignupStatus.WAITLISTED)
        .order_by(Signup.created_at, Signup.id)
        .limit(1)
    )
    if first_waiting is None:
        return Left(None)
    first_waiting.status, first_waiting.promoted_at = SignupStatus.JOINED, now
    await session.flush()
    return Left(first_waiting.person_id)


async def still_coming(
    session: AsyncSession, action: Action, person: Person, coming: bool, now: datetime
) -> tuple[Answered, Left]:
    """The answer to "still coming?": "yes" is remembered, "no" gives the place up."""
    await lock(session, action)
    if not is_open(action, now):
        return Answered.STARTED, Left(None)
    signup = await signup_of(session, action.id, person.id)
    if signup is None or signup.status is not SignupStatus.JOINED:
        return Answered.NOT_SIGNED_UP, Left(None)
    if not coming:
        return Answered.NOTED, await leave(session, action, person, now)
    signup.confirmed_at = signup.confirmed_at or now
    await session.flush()
    return Answered.NOTED, Left(None)


async def attendance(session: AsyncSession, action_ids: list[int]) -> dict[int, Attendance]:
    """Who joined, confirmed and waits, per activity (one query for the whole list)."""
    if not action_ids:
        return {}
    rows = await session.execute(
        select(
            Signup.action_id,
            Signup.status,
            func.count(Signup.id),
            func.count(Signup.confirmed_at),
        )
        .where(Signup.action_id.in_(action_ids), Signup.status != SignupStatus.LEFT)
        .group_by(Signup.action_id, Signup.status)
    )
    found: dict[int, Attendance] = {}
    for action_id, status, count, confirmed in rows:
        seen = found.get(action_id, Attendance())
        if status is SignupStatus.JOINED:
            seen = Attendance(count, confirmed, seen.waiting)
        else:
            seen = Attendance(seen.joined, seen.confirmed, seen.waiting + count)
        found[action_id] = seen
    return found


async def upcoming(
    session: AsyncSession, neighbourhood_id: int, now: datetime, *, limit: int = 10
) -> list[Action]:
    return list(
        await session.scalars(
            select(Action)
            .where(
                Action.neighbourhood_id == neighbourhood_id,
                Action.status == ActionStatus.OPEN,
                Action.starts_at > now,
            )
            .order_by(Action.starts_at)
            .limit(limit)
        )
    )


async def of_initiative(
    session: AsyncSession, initiative_id: int, now: datetime, *, limit: int = 10
) -> list[Action]:
    return list(
        await session.scalars(
            select(Action)
            .where(
                Action.initiative_id == initiative_id,
                Action.status == ActionStatus.OPEN,
                Action.starts_at > now,
            )
            .order_by(Action.starts_at)
            .limit(limit)
        )
    )


async def mine(session: AsyncSession, person_id: int, now: datetime) -> list[tuple[Action, Signup]]:
    rows = await session.execute(
        select(Action, Signup)
        .join(Signup, Signup.action_id == Action.id)
        .where(
            Signup.person_id == person_id,
            Signup.status != SignupStatus.LEFT,
            Action.status == ActionStatus.OPEN,
            Action.starts_at > now,
        )
        .order_by(Action.starts_at)
    )
    return [(action, signup) for action, signup in rows]


def calendar_file(action: Action, now: datetime, domain: str = "wijkbot") -> bytes:
    """The activity as an iCalendar (.ics) file, for any calendar app."""
    calendar = Calendar()
    calendar.add("prodid", "-//Wijkbot//wijkbot//EN")
    calendar.add("version", "2.0")
    entry = Event()
    entry.add("uid", f"action-{action.id}@{domain}")
    entry.add("dtstamp", now)
    entry.add("dtstart", action.starts_at)
    entry.add("dtend", action.ends_at or action.starts_at + timedelta(hours=2))
    entry.add("summary", action.title)
    if action.place:
        entry.add("location", action.place)
    if action.description:
        entry.add("description", action.description)
    calendar.add_component(entry)
    return calendar.to_ical()
