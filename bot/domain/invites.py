"""Signed, expiring, one-time invitations to a role.

The link's payload is `i<nonce><signature>`: the nonce finds the invite row,
and the HMAC over the row's content proves the row was not altered and the
link not made up. Telegram allows 64 characters of [A-Za-z0-9_-] in a start
parameter; ours is 39.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import audit, roles
from bot.domain.errors import InviteProblem, InviteRefused
from bot.domain.models import Invite, Organisation, Person, Role, RoleGrant

PREFIX = "i"
_NONCE_CHARS = 16
_SIGNATURE_CHARS = 22


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
    """A new invite and the start payload that redeems it."""
    if role is Role.PARTNER and organisation_id is None:
        raise ValueError("a partner invite names an organisation")
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


async def redeem(
    session: AsyncSession, key: bytes, payload: str, person: Person, now: datetime
) -> RoleGrant:
    """Grant the invite's role to `person`, once; refuse forged, expired or used invites."""
    if not looks_like_invite(payload):
        raise InviteRefused(InviteProblem.INVALID)
    nonce = payload[1 : 1 + _NONCE_CHARS]
    invite = await session.scalar(select(Invite).where(Invite.nonce == nonce).with_for_update())
    if invite is None or not hmac.compare_digest(
        payload_of(key, invite).encode(), payload.encode()
    ):
        raise InviteRefused(InviteProblem.INVALID)
    if invite.used_at is not None:
        raise InviteRefused(InviteProblem.USED)
    if invite.expires_at <= now:
        raise InviteRefused(InviteProblem.EXPIRED)
    invite.used_at = now
    invite.used_by_id = person.id
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
