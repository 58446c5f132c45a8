"""Proposing an initiative: every step, bad input, drafts, editing from the summary."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.domain.models import Delivery, Initiative, InitiativeStatus, Role, WhenKind
from tests.chat import Chat, onboard
from tests.factories import new_invite, person_of


async def the_draft(app: App, user_id: int) -> Initiative:
    person = await person_of(app, user_id)
    assert person is not None
    async with app.sessions() as session:
        found = await session.scalar(select(Initiative).where(Initiative.owner_id == person.id))
    assert found is not None
    return found


async def test_a_whole_proposal_reaches_the_coordinators(app: App) -> None:
    coordinator = Chat(app, 900, language_code="nl")
    await coordinator.send(f"/start {await new_invite(app, Role.COORDINATOR)}")
    await coordinator.press("Nederlands")
    await coordinator.press("Taagdreef")
    await coordinator.press("✅")

    chat = Chat(app, 30, first_name="Ann", language_code="en")
    await onboard(chat)
    await chat.press("Propose an initiative")
    assert "What is the name of your initiative?" in chat.text and "at most 80" in chat.text
    await chat.send("Moestuin <Taagdreef> & co")
    assert "Describe your initiative" in chat.text
    await chat.send("We grow vegetables together.\u200f 🌱")
    await chat.press("Living together")
    await chat.press("Taagdreef")
    await chat.press("Volunteers")
    await chat.press("A space")
    assert "✅ Volunteers" in chat.labels and "✅ A space" in chat.labels
    await chat.press("Continue")
    await chat.send("lots")
    assert "Please type a number" in chat.text
    await chat.send("6")
    await chat.press("On one day")
    await chat.send("1-3-2026")
    assert "That date has passed." in chat.text
    await chat.send("31-2-2026")
    assert "I cannot read that date" in chat.text
    await chat.send("21-3-2026")
    assert "photo" in chat.text
    await chat.send("no photo")
    assert "Please send a photo, or tap Skip." in chat.text
    await chat.press("Skip")
    summary = chat.text
    assert "<b>Name:</b> Moestuin &lt;Taagdreef&gt; &amp; co" in summary  # escaped
    assert "6 volunteers, A space" in summary and "Saturday, March 21, 2026" in summary

    await chat.press("Name")  # change a field from the summary, then come back to it
    await chat.send("Moestuin Taagdreef")
    assert "Your proposal" in chat.text and "Moestuin Taagdreef" in chat.text
    await chat.press("Send")
    assert "has gone to the coordinators of Overvecht" in chat.text

    item = await the_draft(app, 30)
    assert item.status is InitiativeStatus.SUBMITTED and item.title == "Moestuin Taagdreef"
    assert item.description == "We grow vegetables together.\u200f 🌱"  # stored as typed
    assert item.help_wanted == {"volunteers": True, "space": True, "volunteer_count": 6}
    assert item.when_kind is WhenKind.DATE and str(item.starts_on) == "2026-03-21"
    async with app.sessions() as session:
        requests = list(
            await session.scalars(select(Delivery).where(Delivery.kind == "review_request"))
        )
    coordinator_person = await person_of(app, 900)
    assert coordinator_person is not None
    assert [r.person_id for r in requests] == [coordinator_person.id]


async def test_empty_invisible_and_overlong_answers_are_refused(app: App) -> None:
    chat = Chat(app, 31, language_code="en")
    await onboard(chat)
    await chat.send("/propose")
    await chat.send("   ")
    assert "That was empty" in chat.text
    await chat.send("\u200b\u200f\u2060")  # zero-width and direction marks only
    assert "That was empty" in chat.text
    await chat.send("x" * 81)
    assert "That is 81 characters (an emoji counts as 2); at most 80 fit." in chat.text
    await chat.send_other("sticker")
    assert "I cannot use that kind of message here." in chat.text
    await chat.send("*Bold* _idea_ <script>")
    assert "Describe your initiative" in chat.text
    await chat.send("y" * 1001)
    assert "That is 1001 characters (an emoji counts as 2); at most 1000 fit." in chat.text
    item = await the_draft(app, 31)
    assert item.title == "*Bold* _idea_ <script>" and item.description == ""


async def test_a_draft_is_kept_and_offered_again(app: App) -> None:
    chat = Chat(app, 32, language_code="en")
    await onboard(chat)
    await chat.press("Propose an initiative")
    await chat.send("Repair café")
    await chat.send("/cancel")
    assert "kept as a draft" in chat.text
    await chat.press("Propose an initiative")
    assert "You have an unfinished proposal: “Repair café”" in chat.text
    await chat.press("Continue")
    assert "Describe your initiative" in chat.text  # the first thing still missing
    await chat.send("/cancel")
    await chat.press("Propose an initiative")
    await chat.press("Start again")
    assert "What is the name of your initiative?" in chat.text
    item = await the_draft(app, 32)
    assert item.status is InitiativeStatus.DRAFT and item.title == ""


async def test_a_period_needs_an_end_after_its_start(app: App) -> None:
    chat = Chat(app, 33, language_code="en")
    await onboard(chat)
    await chat.press("Propose an initiative")
    await chat.send("Summer games")
    await chat.send("Games on the square every week.")
    await chat.press("Health")
    await chat.press("The whole neighbourhood")
    await chat.press("Continue")
    await chat.press("During a period")
    await chat.send("1-6-2026")
    assert "Until which date" in chat.text
    await chat.send("31-5-2026")
    assert "That date has passed" in chat.text
    await chat.send("31-8-2026")
    await chat.press("Skip")
    assert "Monday, June 1, 2026 until Monday, August 31, 2026" in chat.text
    item = await the_draft(app, 33)
    assert item.area_id is None and item.when_kind is WhenKind.PERIOD
