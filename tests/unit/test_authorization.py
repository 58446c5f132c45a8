"""Every privileged action against every role: only the right people, in the right place."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.chat.events import Event
from bot.config import SUPPORTED_LOCALES
from bot.domain import neighbourhoods
from bot.domain.models import Initiative, InitiativeStatus, Role
from tests.chat import Chat
from tests.factories import initiative, resident
from tests.unit.test_invites_and_roles import new_invite
from tests.unit.test_onboarding import onboard

LANSINGERLAND = {
    "slug": "lansingerland",
    "name": "Lansingerland",
    "areas": [{"slug": "berkel", "name": "Berkel"}],
    "themes": [{"slug": "green", "names": dict.fromkeys(SUPPORTED_LOCALES, "Groen")}],
}
REFUSED = (
    "Sorry, only coordinators",
    "Sorry, you are not allowed",
    "Results are published by coordinators and initiative leads.",
)

# action -> the roles that may start it. A coordinator elsewhere may, for their own
# neighbourhood only: the forged-button tests below show they cannot reach Overvecht.
COORDINATORS = {"coordinator", "admin", "coordinator elsewhere"}
MATRIX = {
    "/review": COORDINATORS,
    "/broadcast": COORDINATORS,
    "/invite": COORDINATORS,
    "/commitments": {"partner", *COORDINATORS},
    "/result": COORDINATORS,
}
ROLES = ("resident", "partner", "coordinator elsewhere", "coordinator", "admin")


async def person_with(app: App, role: str, user_id: int) -> Chat:
    chat = Chat(app, user_id, language_code="en")
    if role == "resident":
        await onboard(chat)
        return chat
    if role == "coordinator elsewhere":
        async with app.sessions.begin() as session:
            await neighbourhoods.load(session, neighbourhoods.parse(LANSINGERLAND), app.clock.now())
        payload = await new_invite_in(app, "lansingerland")
    else:
        extra = {"organisation_id": await organisation(app)} if role == "partner" else {}
        payload = await new_invite(app, Role(role), **extra)
    await chat.send(f"/start {payload}")
    await chat.press("English")
    if role != "coordinator elsewhere":
        await chat.press("Taagdreef")
    else:
        await chat.press("Berkel")
    await chat.press("✅")
    return chat


async def organisation(app: App) -> int:
    from bot.domain import invites

    async with app.sessions.begin() as session:
        return (await invites.organisation_named(session, "Mitros", app.clock.now())).id


async def new_invite_in(app: App, slug: str) -> str:
    from datetime import timedelta

    from bot.domain import invites

    async with app.sessions.begin() as session:
        place = await neighbourhoods.by_slug(session, slug)
        assert place is not None
        _, payload = await invites.create(
            session,
            b"test-invite-secret",
            role=Role.COORDINATOR,
            neighbourhood_id=place.id,
            now=app.clock.now(),
            ttl=timedelta(hours=1),
        )
    return payload


@pytest.mark.parametrize("role", ROLES)
async def test_privileged_commands_by_role(app: App, role: str) -> None:
    chat = await person_with(app, role, 500)
    for command, allowed in MATRIX.items():
        await chat.send(command)
        refused = any(phrase in chat.text for phrase in REFUSED)
        assert refused is (role not in allowed), (role, command, chat.text)


async def test_a_forged_approve_from_another_neighbourhood_changes_nothing(app: App) -> None:
    owner = await resident(app, 600)
    proposal = await initiative(app, owner, "Overvecht garden", status=InitiativeStatus.SUBMITTED)
    outsider = await person_with(app, "coordinator elsewhere", 601)
    await outsider.send("/review")
    assert "Nothing is waiting" in outsider.text  # Overvecht's proposals are not shown
    version = outsider.button("Done").payload.split(":")[1]
    await outsider.event(Event.button(f"r:{version}:open:{proposal.id}"))
    assert "Sorry, you are not allowed to do that." in outsider.text
    async with app.sessions() as session:
        stored = await session.get(Initiative, proposal.id)
    assert stored is not None and stored.status is InitiativeStatus.SUBMITTED


async def test_a_forged_button_from_a_resident_is_a_stale_button(app: App) -> None:
    owner = await resident(app, 610)
    proposal = await initiative(app, owner, "Garden", status=InitiativeStatus.SUBMITTED)
    ann = Chat(app, 611, language_code="en")
    await onboard(ann)
    answer = await ann.event(Event.button(f"r:1:approve:{proposal.id}"))
    assert answer.notice == "This button is no longer active."
    async with app.sessions() as session:
        statuses = list(await session.scalars(select(Initiative.status)))
    assert statuses == [InitiativeStatus.SUBMITTED]
