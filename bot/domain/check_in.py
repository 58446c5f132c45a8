"""Check-in on the day: a signed link per activity, shown as a QR code by its lead.

The link's start payload is `c<activity id>_<signature>`: the HMAC (with the same
secret as invites, over a text of its own so that neither can stand for the other)
names the activity and its start, so a moved activity's old code stops working and
a made-up one never works. At most 1 + 12 + 1 + 22 = 36 characters of
[A-Za-z0-9_-], within Telegram's 64 for a start parameter.

    opened before the window  ──> "not yet", nothing changes
    opened on the day         ──> signed up: checked in (once; again is "already")
                                  not signed up, waiting or offered a place:
                                  signed up and checked in when there is room, else "full"
    opened after the day      ──> "over", nothing changes

The window opens `OPENS_BEFORE` the start and closes at the end of the local day the
activity ends on. What is kept is the moment on the person's signup (`checked_in_at`):
who came to what, and when; it goes with the signup when the person is forgotten.

An activity "used check-in" when someone checked in: from then on its attendance and
no-shows are counted, and the thank-you afterwards goes to those who came.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import actions, roles
from bot.domain.errors import NotAllowed
from bot.domain.models import Action, ActionStatus, Initiative, Person, Signup, SignupStatus
from bot.domain.roles import Permission

PREFIX = "c"
OPENS_BEFORE = timedelta(hours=1)
_SIGNATURE_CHARS = 22
_PAYLOAD = re.compile(rf"{PREFIX}(\d{{1,12}})_([A-Za-z0-9_-]{{{_SIGNATURE_CHARS}}})")


class CheckedIn(StrEnum):
    """What became of opening a check-in link."""

    CHECKED_IN = "checked_in"
    JOINED = "joined"  # was not signed up (or waiting): signed up and checked in
    ALREADY = "already"
    FULL = "full"
    INVALID = "invalid"  # forged, altered, or the activity was moved or removed
    NOT_YET = "not_yet"
    OVER = "over"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Result:
    outcome: CheckedIn
    action: Action | None = None


def _signature(key: bytes, action: Action) -> str:
    message = f"check-in|{action.id}|{int(action.starts_at.timestamp())}"
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:_SIGNATURE_CHARS]


def payload_of(key: bytes, action: Action) -> str:
    return f"{PREFIX}{action.id}_{_signature(key, action)}"


def looks_like_check_in(payload: str) -> bool:
    return _PAYLOAD.fullmatch(payload) is not None


def window(action: Action, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """From `OPENS_BEFORE` the start to midnight after the (local) day it ends."""
    last_day = actions.end_of(action).astimezone(zone).date()
    closes = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)
    return action.starts_at - OPENS_BEFORE, closes


async def under_way(
    session: AsyncSession,
    now: datetime,
    zone: ZoneInfo,
    *,
    initiative_id: int | None = None,
    neighbourhood_id: int | None = None,
    limit: int = 5,
) -> list[Action]:
    """Activities that have begun and whose check-in is still open (today's), latest first:
    the lists of coming activities no longer show them, their lead still needs the code."""
    query = select(Action).where(
        Action.status == ActionStatus.OPEN,
        Action.starts_at <= now,
        Action.starts_at > now - timedelta(days=2),  # a day's window, and a long activity's
    )
    if initiative_id is not None:
        query = query.where(Action.initiative_id == initiative_id)
    if neighbourhood_id is not None:
        query = query.where(Action.neighbourhood_id == neighbourhood_id)
    found = await session.scalars(query.order_by(Action.starts_at.desc(), Action.id.desc()))
    return [item for item in found if now < window(item, zone)[1]][:limit]


async def may_show(session: AsyncSession, action: Action, person_id: int) -> bool:
    """The activity's lead (its initiative's owner) and the neighbourhood's coordinators."""
    if action.initiative_id is not None:
        owner = await session.scalar(
            select(Initiative.owner_id).where(Initiative.id == action.initiative_id)
        )
        if owner == person_id:
            return True
    return await roles.allowed(
        session, person_id, Permission.SEE_STATISTICS, action.neighbourhood_id
    )


async def link_for(session: AsyncSession, key: bytes, action: Action, person_id: int) -> str:
    """The start payload of the activity's check-in, for those who may show it."""
    if action.status is ActionStatus.CANCELLED or not await may_show(session, action, person_id):
        raise NotAllowed("check_in_code", action.neighbourhood_id)
    return payload_of(key, action)


async def check_in(
    session: AsyncSession, key: bytes, payload: str, person: Person, now: datetime, zone: ZoneInfo
) -> Result:
    """Check `person` in with a scanned link; a refused link changes nothing."""
    found = _PAYLOAD.fullmatch(payload)
    if found is None:
        return Result(CheckedIn.INVALID)
    action = await session.get(Action, int(found.group(1)))
    if action is None or not hmac.compare_digest(
        payload_of(key, action).encode(), payload.encode()
    ):
        return Result(CheckedIn.INVALID)
    if action.status is ActionStatus.CANCELLED:
        return Result(CheckedIn.CANCELLED, action)
    opens, closes = window(action, zone)
    if now < opens:
        return Result(CheckedIn.NOT_YET, action)
    if now >= closes:
        return Result(CheckedIn.OVER, action)
    await actions.lock(session, action)
    signup = await actions.signup_of(session, action.id, person.id)
    if signup is not None and signup.status in actions.HOLDING:
        if signup.checked_in_at is not None:
            return Result(CheckedIn.ALREADY, action)
        if signup.status is SignupStatus.OFFERED:  # the place held for them is theirs
            signup.promoted_at, signup.offer_ends_at = now, None
        signup.status, signup.checked_in_at = SignupStatus.JOINED, now
        await session.flush()
        return Result(CheckedIn.CHECKED_IN, action)
    if action.capacity is not None and (
        await actions.taken_count(session, action.id) >= action.capacity
    ):
        return Result(CheckedIn.FULL, action)
    if signup is None:
        session.add(
            Signup(
                action_id=action.id,
                person_id=person.id,
                status=SignupStatus.JOINED,
                created_at=now,
                checked_in_at=now,
            )
        )
    elif signup.status is SignupStatus.WAITLISTED:  # a place came free: theirs now
        signup.status, signup.promoted_at, signup.checked_in_at = SignupStatus.JOINED, now, now
    else:  # came back after leaving
        signup.status, signup.created_at, signup.checked_in_at = SignupStatus.JOINED, now, now
        signup.promoted_at = signup.confirmed_at = signup.offer_ends_at = None
    await session.flush()
    return Result(CheckedIn.JOINED, action)


@dataclass(frozen=True, slots=True)
class Turnout:
    """Of those signed up for an activity that used check-in: who came, who did not."""

    came: int
    did_not_come: int


async def turnout(session: AsyncSession, action_ids: list[int]) -> dict[int, Turnout]:
    """Per activity that used check-in (someone checked in); the others are left out."""
    if not action_ids:
        return {}
    rows = await session.execute(
        select(Signup.action_id, func.count(Signup.id), func.count(Signup.checked_in_at))
        .where(Signup.action_id.in_(action_ids), Signup.status == SignupStatus.JOINED)
        .group_by(Signup.action_id)
    )
    return {action_id: Turnout(came, joined - came) for action_id, joined, came in rows if came > 0}
