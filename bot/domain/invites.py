"""Signed, expiring, one-time invitations to a role.

The link's payload is `i<nonce><signature>`: the nonce finds the invite row,
and the HMAC over the row's content proves the row was not altered and the
link not made up. Telegram allows 64 characters of [A-Za-z0-9_-] in a start
parameter; ours is 39.

"Works once" holds however many people open the link at the same moment: the
redeeming transaction claims the row with one conditional UPDATE

    UPDATE invites SET used_at = now, used_by_id = person
     WHERE id = ... AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now

and only the one whose statement changed a row gets the role; on both
databases the second UPDATE waits for the first and then finds the row used.
An invite can be revoked until it is used; a person may have at most
`MAX_OPEN_PER_CREATOR` unused invites out at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.domain import audit, roles
from bot.domain.errors import InviteProblem, InviteRefused, TooManyOpenInvites
from bot.domain.models import Invite, Organisation, Person, Role, RoleGrant

PREFIX = "i"
_NONCE_CHARS = 16
_SIGNATURE_CHARS = 22
MAX_OPEN_PER_CREATOR = 10


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _signature(key: bytes, invite: Invite) -> str:
    message = "|".join(
        str(part)
        for part in (
            invite.nonce,
            invite.role.value,
            invite.neighbourhood_id,
            invite.organisation_id or "",
            int(invite.expires_at.timestamp()),
        )
    )
    return _b64(hmac.new(key, message.encode(), hashlib.sha256).digest())[:_SIGNATURE_CHARS]


def payload_of(key: bytes, invite: Invite) -> str:
    return f"{PREFIX}{invite.nonce}{_signature(key, invite)}"


def looks_like_invite(payload: str) -> bool:
    return payload.startswith(PREFIX) and len(payload) == 1 + _NONCE_CHARS + _SIGNATURE_CHARS


async def organisation_named(session: AsyncSession, name: str, now: datetime) -> Organisation:
    organisation = await session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, created_at=now)
        session.add(organisation)
        await session.flush()
    return organisation


async def create(
    session: AsyncSession,
    key: bytes,
    *,
    role: Role,
    neighbourhood_id: int,
    now: datetime,
    ttl: timedelta,
    organisation_id: int | None = None,
    created_by_id: int | None = None,
) -> tuple[Invite, str]:
    """A new invite and the start payload that redeems it.

    The caller checks who may invite (`roles.require_to_invite`); a person (not the
    command line) with `MAX_OPEN_PER_CREATOR` unused invites out gets `TooManyOpenInvites`.
    """
    if role is Role.PARTNER and organisation_id is None:
        raise ValueError("a partner invite names an organisation")
    if created_by_id is not None:
        await ensure_room(session, created_by_id, now)
    invite = Invite(
        nonce=_b64(secrets.token_bytes(12))[:_NONCE_CHARS],
        role=role,
        neighbourhood_id=neighbourhood_id,
        organisation_id=organisation_id,
        created_by_id=created_by_id,
        created_at=now,
        expires_at=(now + ttl).replace(microsecond=0),
    )
    session.add(invite)
    await session.flush()
    audit.record(
        session,
        now,
        "invite.created",
        actor_id=created_by_id,
        neighbourhood_id=neighbourhood_id,
        subject=("invite", invite.id),
        role=role.value,
    )
    return invite, payload_of(key, invite)


def _is_open(now: datetime) -> ColumnElement[bool]:
    return and_(Invite.used_at.is_(None), Invite.revoked_at.is_(None), Invite.expires_at > now)


async def open_count(session: AsyncSession, created_by_id: int, now: datetime) -> int:
    count = await session.scalar(
        select(func.count(Invite.id)).where(Invite.created_by_id == created_by_id, _is_open(now))
    )
    return count or 0


async def ensure_room(session: AsyncSession, created_by_id: int, now: datetime) -> None:
    """Refuse a new invite to someone who has `MAX_OPEN_PER_CREATOR` unused ones out."""
    if await open_count(session, created_by_id, now) >= MAX_OPEN_PER_CREATOR:
        raise TooManyOpenInvites(MAX_OPEN_PER_CREATOR)


async def open_invites(
    session: AsyncSession, now: datetime, *, neighbourhood_id: int | None = None
) -> list[Invite]:
    """Invites that can still be used, oldest first; in one neighbourhood, or everywhere."""
    query = select(Invite).where(_is_open(now)).order_by(Invite.created_at, Invite.id)
    if neighbourhood_id is not None:
        query = query.where(Invite.neighbourhood_id == neighbourhood_id)
    return list(await session.scalars(query))


async def _claim(session: AsyncSession, invite: Invite, now: datetime, **values: object) -> bool:
    """Set `values` on the invite only if it is still open; True when this call did it.

    One conditional statement and its row count: the database decides who was first.
    """
    claimed = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id, _is_open(now))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    for name, value in values.items():
        set_committed_value(invite, name, value)
    return True


async def revoke(
    session: AsyncSession, invite: Invite, now: datetime, *, revoked_by_id: int | None = None
) -> bool:
    """Make an unused invite unusable; False when it was used, revoked or expired already."""
    if not await _claim(session, invite, now, revoked_at=now):
        return False
    audit.record(
        session,
        now,
        "invite.revoked",
        actor_id=revoked_by_id,
        neighbourhood_id=invite.neighbourhood_id,
        subject=("invite", invite.id),
        role=invite.role.value,
    )
    return True


async def redeem(
    session: AsyncSession, key: bytes, payload: str, person: Person, now: datetime
) -> RoleGrant:
    """Grant the invite's role to `person`, once; refuse forged, expired, revoked, used ones."""
    if not looks_like_invite(payload):
        raise InviteRefused(InviteProblem.INVALID)
    nonce = payload[1 : 1 + _NONCE_CHARS]
    invite = await session.scalar(select(Invite).where(Invite.nonce == nonce))
    if invite is None or not hmac.compare_digest(
        payload_of(key, invite).encode(), payload.encode()
    ):
        raise InviteRefused(InviteProblem.INVALID)
    if not await _claim(session, invite, now, used_at=now, used_by_id=person.id):
        await session.refresh(invite)  # as whoever was first left it
        if invite.used_at is not None:
            raise InviteRefused(InviteProblem.USED)
        if invite.revoked_at is not None:
            raise InviteRefused(InviteProblem.REVOKED)
        raise InviteRefused(InviteProblem.EXPIRED)
    if person.neighbourhood_id is None:
        person.neighbourhood_id = invite.neighbourhood_id
    grant = await roles.grant(
        session,
        person,
        invite.role,
        invite.neighbourhood_id,
        now=now,
        organisation_id=invite.organisation_id,
        granted_by_id=invite.created_by_id,
    )
    audit.record(
        session,
        now,
        "invite.redeemed",
        actor_id=person.id,
        neighbourhood_id=invite.neighbourhood_id,
        subject=("invite", invite.id),
    )
    return grant
