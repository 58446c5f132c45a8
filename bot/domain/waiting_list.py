"""Waiting-list offers: a freed place is held for the first person waiting, who says yes or no.

    offered ──yes, before offer_ends_at──> joined: the place is theirs
            ──no──────────────────────────> left ──> the place is offered to the next
            ──no answer by offer_ends_at──> left (`expire`, a sweep) ──> offered to the next

An answer and the expiry take the activity's lock, as joining and leaving do, so
a place is never given twice: the one it is held for may take it until the
offer ends, and nobody else may. An offer past its end cannot be taken even
before the sweep has come by; the sweep only tidies up and offers the place on.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.actions import Offer, fill, is_open, lock, signup_of
from bot.domain.models import Action, Person, Signup, SignupStatus

EXPIRE_BATCH = 200  # activities per sweep run; the next run takes the rest


class Answer(StrEnum):
    TAKEN = "taken"
    DECLINED = "declined"
    ALREADY = "already"  # the place is theirs already (a second tap on "yes")
    GONE = "gone"  # not offered to them (any more): the offer ended, or they left
    STARTED = "started"  # cancelled, completed or already begun


async def answer(
    session: AsyncSession,
    action: Action,
    person: Person,
    take: bool,
    now: datetime,
    *,
    offer_ends_at: datetime | None = None,
) -> tuple[Answer, tuple[Offer, ...]]:
    """Take or decline the place offered; with `offer_ends_at`, only that very offer.

    Returns what happened and, when the place was declined, to whom it went next.
    """
    await lock(session, action)
    if not is_open(action, now):
        return Answer.STARTED, ()
    signup = await signup_of(session, action.id, person.id)
    if signup is not None and signup.status is SignupStatus.JOINED:
        return Answer.ALREADY, ()
    if (
        signup is None
        or signup.status is not SignupStatus.OFFERED
        or signup.offer_ends_at is None
        or signup.offer_ends_at <= now
        or (offer_ends_at is not None and signup.offer_ends_at != offer_ends_at)
    ):
        return Answer.GONE, ()
    signup.offer_ends_at = None
    if take:
        signup.status, signup.promoted_at = SignupStatus.JOINED, now
        await session.flush()
        return Answer.TAKEN, ()
    signup.status = SignupStatus.LEFT
    await session.flush()
    return Answer.DECLINED, await fill(session, action, now)


async def expire(session: AsyncSession, now: datetime) -> tuple[Offer, ...]:
    """Offers nobody answered in time: given up, and the place offered to the next."""
    ended = and_(
        Signup.status == SignupStatus.OFFERED,
        Signup.offer_ends_at.is_not(None),
        Signup.offer_ends_at <= now,
    )
    action_ids = list(
        await session.scalars(
            select(Signup.action_id).where(ended).group_by(Signup.action_id).limit(EXPIRE_BATCH)
        )
    )
    offers: list[Offer] = []
    for action_id in action_ids:
        action = await session.get(Action, action_id)
        if action is None:
            continue
        await lock(session, action)
        await session.execute(
            update(Signup)
            .where(Signup.action_id == action_id, ended)
            .values(status=SignupStatus.LEFT, offer_ends_at=None)
            .execution_options(synchronize_session=False)
        )
        offers += await fill(session, action, now)
    return tuple(offers)


async def queue_places(
    session: AsyncSession, person_id: int, action_ids: list[int]
) -> dict[int, int]:
    """The person's place in each waiting list (1 is next), by activity."""
    if not action_ids:
        return {}
    ahead = aliased(Signup)
    rows = await session.execute(
        select(Signup.action_id, func.count(ahead.id))
        .join(
            ahead,
            and_(
                ahead.action_id == Signup.action_id,
                ahead.status == SignupStatus.WAITLISTED,
                or_(
                    ahead.created_at < Signup.created_at,
                    and_(ahead.created_at == Signup.created_at, ahead.id <= Signup.id),
                ),
            ),
        )
        .where(
            Signup.person_id == person_id,
            Signup.status == SignupStatus.WAITLISTED,
            Signup.action_id.in_(action_ids),
        )
        .group_by(Signup.action_id)
    )
    return {action_id: place for action_id, place in rows}
