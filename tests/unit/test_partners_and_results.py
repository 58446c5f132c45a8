"""Partners keep commitments; results are published and celebrated; invites from the chat."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.chat import links
from bot.domain.models import Commitment, CommitmentStatus, Delivery, Result, Support
from bot.jobs.sweeps import commitment_reminders
from tests.chat import Chat, onboard, person_with
from tests.factories import initiative, person_of, resident


async def kinds(app: App) -> list[tuple[str, int, str]]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(Delivery.kind, Delivery.person_id, Delivery.period).order_by(Delivery.id)
        )
        return [tuple(row) for row in rows]


async def test_the_commitment_cycle(app: App) -> None:
    coordinator = await person_with(app, "coordinator", 800)
    partner = await person_with(app, "partner", 801)  # of Mitros
    await coordinator.press("Commitments")
    await coordinator.press("New commitment")
    await coordinator.press("Mitros")
    await coordinator.send("Fix the lights in the Taagdreef passage")
    await coordinator.send("5-3-2026")  # three days after the test clock's Monday
    assert "Saved: Fix the lights" in coordinator.text
    assert (
        "Mitros: Fix the lights in the Taagdreef passage (due Thursday, March 5, 2026, open)"
        in coordinator.text
    )

    async with app.sessions.begin() as session:
        assert await commitment_reminders(session, app.clock.now()) == 1
        assert await commitment_reminders(session, app.clock.now()) == 0
    partner_person = await person_of(app, 801)
    coordinator_person = await person_of(app, 800)
    assert partner_person is not None and coordinator_person is not None
    assert await kinds(app) == [("commitment_due", partner_person.id, "due")]

    app.clock.advance(timedelta(days=4))  # overdue now
    async with app.sessions.begin() as session:
        assert await commitment_reminders(session, app.clock.now()) == 2
    app.clock.advance(timedelta(days=1))
    async with app.sessions.begin() as session:
        assert await commitment_reminders(session, app.clock.now()) == 0  # weekly at most
    assert [kind for kind, _, _ in await kinds(app)] == [
        "commitment_due",
        "commitment_overdue",
        "overdue_summary",
    ]

    await partner.press("Our commitments")
    assert "⚠️" in partner.text
    await partner.press("Fix the lights")
    await partner.press("In progress")
    await partner.press("Add a progress note")
    await partner.send("Electrician comes on Monday.")
    assert "Latest note: Electrician comes on Monday." in partner.text
    await partner.press("Done")
    async with app.sessions() as session:
        stored = await session.scalar(select(Commitment))
    assert stored is not None and stored.status is CommitmentStatus.DONE
    app.clock.advance(timedelta(days=7))
    async with app.sessions.begin() as session:
        assert await commitment_reminders(session, app.clock.now()) == 0  # done: quiet


async def test_another_organisations_partner_cannot_see_or_change_it(app: App) -> None:
    coordinator = await person_with(app, "coordinator", 810)
    await coordinator.press("Commitments")
    await coordinator.press("New commitment")
    await coordinator.send("Bo-Ex")  # a new organisation, typed
    await coordinator.send("Paint the benches")
    await coordinator.send("20-3-2026")
    partner = await person_with(app, "partner", 811)  # of Mitros
    await partner.press("Our commitments")
    assert "Paint the benches" not in partner.text and "None yet." in partner.text


async def test_a_result_is_celebrated_with_the_followers(app: App) -> None:
    coordinator = await person_with(app, "coordinator", 820)
    lead = await resident(app, 821)
    fan = await resident(app, 822)
    garden = await initiative(app, lead, "Garden")
    async with app.sessions.begin() as session:
        session.add(Support(initiative_id=garden.id, person_id=fan.id, created_at=app.clock.now()))
    await coordinator.press("Publish a result")
    await coordinator.press("Garden")
    await coordinator.send("First harvest shared with 30 neighbours")
    await coordinator.send("thirty")
    assert "Please type a number" in coordinator.text
    await coordinator.send("30")
    await coordinator.press("Skip")
    assert "Published! 2 followers hear it now" in coordinator.text
    async with app.sessions() as session:
        result = await session.scalar(select(Result))
    assert result is not None and result.number == 30
    assert sorted(
        person for kind, person, _ in await kinds(app) if kind == "celebration_result"
    ) == sorted([lead.id, fan.id])


async def test_a_lead_publishes_for_their_own_initiative(app: App) -> None:
    chat = Chat(app, 830, language_code="en")
    await onboard(chat)
    lead = await person_of(app, 830)
    assert lead is not None
    await initiative(app, lead, "My garden")
    await chat.send("/result")
    assert "My garden" in chat.labels and "The neighbourhood as a whole" not in chat.labels


async def test_an_invite_made_in_the_chat_works(app: App) -> None:
    app.conversation.start_links["telegram"] = links.telegram("wijkbot_test_bot")
    coordinator = await person_with(app, "coordinator", 840)
    await coordinator.press("Invite a partner")
    await coordinator.press("A partner organisation")
    await coordinator.send("Buurtteam Overvecht")
    link = re.search(r"https://t\.me/wijkbot_test_bot\?start=(\S+)", coordinator.text)
    assert link is not None
    guest = Chat(app, 841, language_code="en")
    await guest.send(f"/start {link[1]}")
    assert "You are now a partner in Overvecht, for Buurtteam Overvecht." in guest.text


async def test_statistics_are_three_charts_and_an_export(app: App) -> None:
    import io
    import zipfile

    from PIL import Image

    coordinator = await person_with(app, "coordinator", 850)
    lead = await resident(app, 851)
    await initiative(app, lead, "Garden")
    await coordinator.press("Statistics")
    replies = coordinator.answers[-1].replies
    pictures = [reply.picture for reply in replies if reply.picture is not None]
    assert len(pictures) == 3
    for picture in pictures:
        assert picture.data is not None
        assert Image.open(io.BytesIO(picture.data)).format == "PNG"
    export = next(reply.document for reply in replies if reply.document is not None)
    assert export is not None and export.data is not None
    names = zipfile.ZipFile(io.BytesIO(export.data)).namelist()
    assert sorted(names) == ["activities.csv", "initiatives.csv", "participation.csv"]
    ann = await person_with(app, "resident", 852)
    await ann.send("/stats")
    assert "Sorry, only coordinators" in ann.text
