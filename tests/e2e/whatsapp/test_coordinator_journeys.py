"""Coordinators and partners on WhatsApp, end to end through pywa and the Cloud API emulator:
review requests pushed to a coordinator, decisions told to the resident, an invite made in
the chat as a wa.me link that the partner opens, and a commitment reminded (as its template
after a day of silence, whose Open lists the commitments) and updated.

The deployment knows its WhatsApp number (WHATSAPP_DISPLAY_NUMBER), so invites carry a
wa.me link whose text is "start <payload>".
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.delivery.coordinators import notify_coordinators
from bot.domain import initiatives
from bot.domain.models import (
    Commitment,
    CommitmentStatus,
    Initiative,
    InitiativeStatus,
    Person,
    Role,
    RoleGrant,
)
from bot.emulator.whatsapp import CloudAPIEmulator
from bot.i18n import translator
from tests.e2e.whatsapp.chat import (
    invited,
    journey_api,
    onboard,
    person_of,
    press,
    sweep,
    text_of,
    titles,
)
from tests.e2e.whatsapp.conftest import RunningWhatsApp
from tests.factories import initiative

CEM, AYSE, PIETER = "31611110001", "905321110002", "31622220003"
NUMBER = "15550001234"  # the business number people write to


@pytest.fixture
async def cloud_api(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[CloudAPIEmulator]:
    monkeypatch.setenv("WHATSAPP_DISPLAY_NUMBER", "+1 555 000 1234")  # read by whatsapp_bot
    async with journey_api(clock) as emu:
        assert emu.display_phone_number == NUMBER
        yield emu


async def submitted(bot: RunningWhatsApp, proposer: Person, title: str) -> int:
    """A proposal sent for review, as the propose flow's Send does; the coordinators are
    told through the outbox."""
    app = bot.app
    draft = await initiative(app, proposer, title, status=InitiativeStatus.DRAFT)
    async with app.sessions.begin() as session:
        item = await session.get(Initiative, draft.id)
        assert item is not None
        await initiatives.submit(session, item, app.clock.now())
        await notify_coordinators(session, item, app.clock.now())
    bot.runtime.background.sender.wake()
    return draft.id


async def test_a_coordinator_reviews_on_whatsapp_and_the_resident_hears(
    whatsapp_bot: RunningWhatsApp, cloud_api: CloudAPIEmulator
) -> None:
    app, tr = whatsapp_bot.app, translator("tr")
    cem, ayse = cloud_api.user(CEM, "Cem"), cloud_api.user(AYSE, "Ayşe")
    welcome = await invited(cem, app, Role.COORDINATOR)  # "start <payload>", as typed by wa.me
    assert any("Review proposals" in title for m in welcome for title in titles(m))
    await onboard(ayse, "tr")
    proposer = await person_of(app, AYSE)
    assert proposer is not None

    tea = await submitted(whatsapp_bot, proposer, "Çay saati")
    (request,) = await cem.replies()  # pushed, free-form with its buttons
    assert "New proposal to review: “Çay saati” by Ayşe." in request.text
    assert request.buttons and any("Approve" in title for title in request.buttons)
    shown = await press(cem, "Open")
    assert "Çay saati" in text_of(shown) and "Proposed by Ayşe" in text_of(shown)
    approved = await press(cem, "Approve")
    assert "Approved: “Çay saati”" in text_of(approved)
    (news,) = await ayse.replies()
    expected = "Good news! Your proposal “{title}” is approved. Neighbours can now find and "
    assert tr._(expected + "support it.", title="Çay saati") in news.text

    app.clock.advance(timedelta(minutes=1))
    barbecue = await submitted(whatsapp_bot, proposer, "Barbecue")
    await cem.replies()
    await press(cem, "Review proposals")  # from the menu, while the review flow is open
    await press(cem, "Barbecue")
    asked = await press(cem, "Reject")
    assert "Why is the proposal not approved?" in text_of(asked)
    await cem.send("Not in the park, please.")
    assert "Sent to the proposer of “Barbecue”." in text_of(await cem.replies())
    (reason,) = await ayse.replies()
    assert "Barbecue" in reason.text and "Not in the park, please." in reason.text

    async with app.sessions() as session:
        decided = {
            item.id: item.status
            for item in await session.scalars(
                select(Initiative).where(Initiative.id.in_([tea, barbecue]))
            )
        }
    assert decided == {tea: InitiativeStatus.APPROVED, barbecue: InitiativeStatus.REJECTED}
    assert [call for call in cloud_api.calls if not call.ok] == []


async def test_a_partner_joins_by_a_wa_me_invite_and_keeps_a_commitment(
    whatsapp_bot: RunningWhatsApp, cloud_api: CloudAPIEmulator
) -> None:
    app, nl = whatsapp_bot.app, translator("nl")
    wake = whatsapp_bot.runtime.background.sender.wake
    cem, pieter = cloud_api.user(CEM, "Cem"), cloud_api.user(PIETER, "Pieter")
    await invited(cem, app, Role.COORDINATOR)
    await press(cem, "Invite a partner")
    await press(cem, "A partner organisation")
    await cem.send("Mitros")
    made = text_of(await cem.replies())
    found = re.search(r"https://wa\.me/(\d+)\?\S+", made)
    assert found is not None and found[1] == NUMBER  # WhatsApp only: one link, for WhatsApp
    assert "t.me" not in made
    (typed,) = parse_qs(urlparse(found[0]).query)["text"]

    await pieter.send(typed)  # what the opened link put in the chat, sent
    joined = await pieter.replies(count=2)  # the role, then the language question
    assert nl._(
        "You are now a partner in {neighbourhood}, for {organisation}.",
        neighbourhood="Overvecht",
        organisation="Mitros",
    ) in text_of(joined)
    await press(pieter, "Nederlands")
    await press(pieter, "Taagdreef")
    menu = await press(pieter, nl._("I agree"), count=2)
    assert any(nl._("Our commitments") in title for m in menu for title in titles(m))

    await press(cem, "Commitments")
    await press(cem, "New commitment")
    await press(cem, "Mitros")
    await cem.send("Lampen in de passage repareren")
    await cem.replies()
    due = (app.clock.now() + timedelta(days=3)).astimezone(app.settings.zone)
    await cem.send(f"{due.day}-{due.month}-{due.year}")
    assert "Saved: Lampen in de passage repareren" in text_of(await cem.replies())

    app.clock.advance(timedelta(hours=25))  # Pieter has not written for a day
    assert await sweep(app, wake, "commitment_reminders") == 1
    (reminder,) = await pieter.replies()  # so the reminder comes as its template
    assert reminder.template is not None and reminder.template.language == "nl"
    assert reminder.template.name == "wijkbot_commitment_due"
    assert "Lampen in de passage repareren" in reminder.template.parameters[1]
    await pieter.press(reminder.template.quick_replies[0])  # Open: Our commitments
    listed = await pieter.replies()
    assert "Lampen in de passage repareren" in text_of(listed)
    await press(pieter, "Lampen in de passage repareren")
    busy = await press(pieter, nl._("In progress"))
    assert nl._("in progress") in text_of(busy)
    await press(pieter, nl._("Add a progress note"))
    await pieter.send("Twee van de vijf lampen zijn vervangen.")
    noted = text_of(await pieter.replies())
    assert "Twee van de vijf lampen zijn vervangen." in noted
    done = await press(pieter, nl._("Done"))
    assert nl._("Saved.") in text_of(done)

    partner = await person_of(app, PIETER)
    assert partner is not None
    async with app.sessions() as session:
        kept = await session.scalar(
            select(Commitment).where(Commitment.what == "Lampen in de passage repareren")
        )
        grant = await session.scalar(select(RoleGrant).where(RoleGrant.person_id == partner.id))
    assert kept is not None and kept.status is CommitmentStatus.DONE
    assert grant is not None and grant.role is Role.PARTNER
    assert [call for call in cloud_api.calls if not call.ok] == []
