"""Who is coming: the answer to "still coming?" and the counts an activity's lead sees
(with, on the day, how many checked in).

A day before, the 24-hour reminder asks "still coming?": "yes" is remembered
(`confirmed_at`, which leads and coordinators see counted), "no" gives the
place up as leaving does, so it is offered to the waiting list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.actions import Left, is_open, leave, lock, signup_of
from bot.domain.models import Action, Person, Signup, SignupStatus


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
    came: int = 0  # of those who joined, checked in on the day (bot.domain.check_in)

    @property
    def unanswered(self) -> int:
        return self.joined - self.confirmed


async def still_coming(
    session: AsyncSession, action: Action, person: Person, coming: bool, now: datetime
) -> tuple[Answered, Left]:
    """The answer to "still coming?": "yes" is remembered, "no" gives the place up."""
    await lock(session, action)
    if not is_open(action, now):
        return Answered.STARTED, Left()
    signup = await signup_of(session, action.id, person.id)
    if signup is None or signup.status is not SignupStatus.JOINED:
        return Answered.NOT_SIGNED_UP, Left()
    if not coming:
        return Answered.NOTED, await leave(session, action, person, now)
    signup.confirmed_at = signup.confirmed_at or now
    await session.flush()
    return Answered.NOTED, Left()


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
            func.count(Signup.checked_in_at),
        )
        .where(
            Signup.action_id.in_(action_ids),
            Signup.status.in_([SignupStatus.JOINED, SignupStatus.WAITLISTED]),
        )
        .group_by(Signup.action_id, Signup.status)
    )
    found: dict[int, Attendance] = {}
    for action_id, status, count, confirmed, came in rows:
        seen = found.get(action_id, Attendance())
        if status is SignupStatus.JOINED:
            seen = Attendance(count, confirmed, seen.waiting, came)
        else:
            seen = Attendance(seen.joined, seen.confirmed, seen.waiting + count, seen.came)
        found[action_id] = seen
    return found
