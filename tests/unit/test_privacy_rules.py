"""What is shown to whom (as the privacy statement says), and how many proposals may wait."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from bot.app import App
from bot.config import SUPPORTED_LOCALES
from bot.domain.initiatives import WAITING_LIMIT
from bot.domain.models import Delivery, Initiative, InitiativeStatus, Person
from bot.flows.menu import privacy_statement
from bot.i18n import translator
from tests.chat import Chat, coordinator, onboard
from tests.factories import initiative, person_of, resident


async def test_residents_see_a_leads_name_only_when_the_lead_agreed(app: App) -> None:
    lead = await resident(app, 70, first_name="Hatice")
    await initiative(app, lead, "Garden")
    neighbour = Chat(app, 71, language_code="en")
    await onboard(neighbour)
    fatima = await coordinator(app)

    await neighbour.press("Initiatives")
    await neighbour.press("Garden")
    assert "Growing vegetables" in neighbour.text and "Hatice" not in neighbour.text
    await fatima.send("/cancel")
    await fatima.press("Initiatives")
    await fatima.press("Garden")
    assert "Led by Hatice" in fatima.text  # coordinators of the neighbourhood see it

    async with app.sessions.begin() as session:
        await session.execute(
            update(Person).where(Person.id == lead.id).values(show_full_name=True)
        )
    await neighbour.press("Garden", answers_back=2)
    assert "Led by Hatice" in neighbour.text


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_statement_says_residents_do_not_see_names(locale: str) -> None:
    t = translator(locale)
    text = privacy_statement(t)
    said = t._(
        "Coordinators of your neighbourhood can see your first name and what you "
        "take part in. Other residents do not see your name, also not on an initiative "
        "you lead. We do not share your data with anyone else."
    )
    assert said in text
    if locale != "en":
        assert "Other residents" not in said  # translated, not the English fallback


async def test_a_person_may_have_only_a_few_proposals_waiting(app: App) -> None:
    chat = Chat(app, 72, language_code="en")
    await onboard(chat)
    person = await person_of(app, 72)
    assert person is not None
    for number in range(WAITING_LIMIT):
        await initiative(app, person, f"Idea {number}", status=InitiativeStatus.SUBMITTED)
    await coordinator(app)
    await chat.press("Propose an initiative")
    await chat.send("Repair café")
    await chat.send("Fixing things together on Saturdays.")
    await chat.press("Living together")
    await chat.press("Taagdreef")
    await chat.press("Continue")
    await chat.press("Not known yet")
    await chat.press("Skip")
    assert "Is everything right?" in chat.text
    await chat.press("Send")

    assert f"You already have {WAITING_LIMIT} proposals waiting for review" in chat.text
    assert "kept as a draft" in chat.text and "Send" in " ".join(chat.labels)
    async with app.sessions() as session:
        draft = await session.scalar(select(Initiative).where(Initiative.title == "Repair café"))
        pinged = await session.scalar(
            select(func.count(Delivery.id)).where(Delivery.kind == "review_request")
        )
    assert draft is not None and draft.status is InitiativeStatus.DRAFT and pinged == 0
