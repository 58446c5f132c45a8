"""Invites are signed, expire, work once; roles are scoped to a neighbourhood."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.config import SUPPORTED_LOCALES
from bot.domain import neighbourhoods, roles
from bot.domain.errors import InviteProblem, InviteRefused, NotAllowed
from bot.domain.models import Invite, Person, Role
from bot.domain.roles import Permission
from tests.chat import Chat, onboard
from tests.factories import new_invite, person_of, redeem


async def test_payload_fits_a_telegram_start_parameter(app: App) -> None:
    payload = await new_invite(app)
    assert len(payload) <= 64
    assert all(c.isalnum() or c in "-_" for c in payload)


async def test_forged_expired_and_used_invites_are_refused(app: App, clock: ManualClock) -> None:
    chat = Chat(app, 1, language_code="en")
    await onboard(chat)
    person = await person_of(app, 1)
    assert person is not None

    payload = await new_invite(app)
    forged = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    for bad in (forged, "i" + "x" * 38, "hello", ""):
        with pytest.raises(InviteRefused) as refused:
            await redeem(app, bad, person.id)
        assert refused.value.problem is InviteProblem.INVALID

    await redeem(app, payload, person.id)
    with pytest.raises(InviteRefused) as refused:
        await redeem(app, payload, person.id)
    assert refused.value.problem is InviteProblem.USED

    late = await new_invite(app)
    clock.advance(timedelta(hours=72, seconds=1))
    with pytest.raises(InviteRefused) as refused:
        await redeem(app, late, person.id)
    assert refused.value.problem is InviteProblem.EXPIRED


async def test_a_changed_row_invalidates_the_link(app: App) -> None:
    chat = Chat(app, 2, language_code="en")
    await onboard(chat)
    person = await person_of(app, 2)
    assert person is not None
    payload = await new_invite(app, Role.COORDINATOR)
    async with app.sessions.begin() as session:  # someone edits the database row
        invite = await session.scalar(select(Invite))
        assert invite is not None
        invite.role = Role.ADMIN
    with pytest.raises(InviteRefused):
        await redeem(app, payload, person.id)


async def test_roles_are_scoped_to_their_neighbourhood(app: App) -> None:
    async with app.sessions.begin() as session:
        other = await neighbourhoods.load(
            session,
            neighbourhoods.parse(
                {
                    "slug": "lansingerland",
                    "name": "Lansingerland",
                    "areas": [{"slug": "berkel", "name": "Berkel"}],
                    "themes": [
                        {
                            "slug": "green",
                            "names": dict.fromkeys(SUPPORTED_LOCALES, "Groen"),
                        }
                    ],
                }
            ),
            app.clock.now(),
        )
        overvecht = await neighbourhoods.by_slug(session, "overvecht")
        assert overvecht is not None
        person = Person(locale="nl", created_at=app.clock.now(), last_seen_at=app.clock.now())
        session.add(person)
        await session.flush()
        await roles.grant(session, person, Role.COORDINATOR, overvecht.id, now=app.clock.now())
        await session.flush()
        await roles.require(session, person.id, Permission.BROADCAST, overvecht.id)
        with pytest.raises(NotAllowed):
            await roles.require(session, person.id, Permission.BROADCAST, other.id)
        with pytest.raises(NotAllowed):
            await roles.require(session, person.id, Permission.GRANT_ROLES, overvecht.id)
        await roles.grant(session, person, Role.PARTNER, other.id, now=app.clock.now())
        await session.flush()
        assert await roles.allowed(session, person.id, Permission.UPDATE_COMMITMENTS, other.id)
        assert not await roles.allowed(session, person.id, Permission.BROADCAST, other.id)


async def test_invite_by_chat_before_onboarding(app: App) -> None:
    payload = await new_invite(app, Role.COORDINATOR)
    chat = Chat(app, 3, language_code="en")
    await chat.send(f"/start {payload}")
    assert "You are now a coordinator in Overvecht." in chat.text
    assert "Which language" in chat.text
    await chat.press("English")
    await chat.press("Taagdreef")
    await chat.press("✅")
    assert "Welcome" in chat.text
    await chat.send(f"/start {payload}")
    assert "already been used" in chat.text and "Welcome back" in chat.text
