"""Activities people join: capacity, a first-come waitlist, and a place in the calendar.

Capacity holds when many people press "Join" at the same moment: joining and
leaving first lock the activity, and only then read its status and count its
places. PostgreSQL locks the activity's row (`SELECT ... FOR UPDATE`); SQLite,
which has no row locks, runs every transaction as `BEGIN IMMEDIATE` (see
`bot.domain.dialect`), so the whole transaction already holds the write lock.
Either way the next person's count waits for the previous person's commit.

A place given up is not handed out but offered, to the first on the waiting
list, and held for them while they decide (see `bot.domain.waiting_list`):

    joined ──leave──> left          the place is free ──> `fill`:
    waitlisted ──fill──> offered ──yes──> joined
                                 ──no, or no answer in time──> left, `fill` again

A held place counts as taken: nobody joins past an offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from icalendar import Calendar, Event
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.models import Action, ActionStatus, Person, Signup, SignupStatus


class Joined(StrEnum):
    JOINED = "joined"
    WAITLISTED = "waitlisted"
    ALREADY = "already"
    CLOSED = "closed"  # cancelled, completed or already begun


ACTION_LENGTH = timedelta(hours=2)  # when an activity has no end time
OFFER_FOR = timedelta(hours=12)  # how long a freed place is held for the one it is offered to
HOLDING = (SignupStatus.JOINED, SignupStatus.OFFERED)  # a place taken, or held while offered


@dataclass(frozen=True, slots=True)
class Offer:
    """A freed place held for the first person waiting, until `ends_at`."""

    action_id: int
    person_id: int
    signup_id: int
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Left:
    offers: tuple[Offer, ...] = ()  # the place given up, offered on


def is_open(action: Action, now: datetime) -> bool:
    return action.status is ActionStatus.OPEN and action.starts_at > now


def end_of(action: Action) -> datetime:
    return action.ends_at or action.starts_at + ACTION_LENGTH


def ended_before(moment: datetime) -> ColumnElement[bool]:
    """SQL: the activity was over before `moment` (`end_of`, for a set of activities)."""
    return or_(
        and_(Action.ends_at.is_not(None), Action.ends_at < moment),
        and_(Action.ends_at.is_(None), Action.starts_at < moment - ACTION_LENGTH),
    )


def offer_ends(now: datetime, starts_at: datetime) -> datetime:
    """12 hours to answer, but never past the start: at most half the time that is left
    (in whole seconds, so that a button can name the offer exactly)."""
    return (now + min(OFFER_FOR, (starts_at - now) / 2)).replace(microsecond=0)


async def taken_count(session: AsyncSession, action_id: int) -> int:
    count = await session.scalar(
        select(func.count(Signup.id)).where(
            Signup.action_id == action_id, Signup.status.in_(HOLDING)
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
    full = action.capacity is not None and await taken_count(session, action.id) >= action.capacity
    status = SignupStatus.WAITLISTED if full else SignupStatus.JOINED
    if signup is None:
        session.add(Signup(action_id=action.id, person_id=person.id, status=status, created_at=now))
    else:  # came back after leaving: to the end of the queue, asked again
        signup.status, signup.created_at, signup.promoted_at = status, now, None
        signup.confirmed_at = signup.offer_ends_at = None
    await session.flush()
    return Joined.WAITLISTED if full else Joined.JOINED


async def leave(session: AsyncSession, action: Action, person: Person, now: datetime) -> Left:
    """Give up a place, an offered place or a waitlist spot; a freed place is offered on."""
    await lock(session, action)
    signup = await signup_of(session, action.id, person.id)
    if signup is None or signup.status is SignupStatus.LEFT:
        return Left()
    signup.status, signup.offer_ends_at = SignupStatus.LEFT, None
    await session.flush()
    return Left(await fill(session, action, now))


async def fill(session: AsyncSession, action: Action, now: datetime) -> tuple[Offer, ...]:
    """Offer every free place to the next in the queue (under the activity's lock)."""
    if not is_open(action, now):
        return ()
    free = (
        None if action.capacity is None else action.capacity - await taken_count(session, action.id)
    )
    if free is not None and free <= 0:
        return ()
    query = (
        select(Signup)
        .where(Signup.action_id == action.id, Signup.status == SignupStatus.WAITLISTED)
        .order_by(Signup.created_at, Signup.id)
    )
    waiting = await session.scalars(query.limit(free) if free is not None else query)
    ends_at = offer_ends(now, action.starts_at)
    offers = []
    for signup in waiting:
        signup.status, signup.offer_ends_at = SignupStatus.OFFERED, ends_at
        offers.append(Offer(action.id, signup.person_id, signup.id, ends_at))
    await session.flush()
    return tuple(offers)


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
