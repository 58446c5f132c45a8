"""Every privileged action against every role: only the right people, in the right place."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.chat.events import Event
from bot.domain.models import Initiative, InitiativeStatus
from tests.chat import Chat, onboard, person_with
from tests.factories import initiative, resident

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
    "/goals": COORDINATORS,
}
ROLES = ("resident", "partner", "coordinator elsewhere", "coordinator", "admin")


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
