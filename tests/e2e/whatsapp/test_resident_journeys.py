"""A resident's journeys on WhatsApp, end to end through pywa, HTTP and the Cloud API emulator,
in Turkish and Arabic: onboard, propose, support, join, be reminded, be forgotten.

The emulator runs on the bot's clock, so its 24-hour window is the one the sender reckons
with: a reminder inside it comes free-form with its buttons, one after a day of silence
comes as its template, whose Open quick reply opens the menu entry.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.domain.models import Action, Initiative, InitiativeStatus
from bot.emulator.whatsapp import CloudAPIEmulator
from bot.i18n import translator
from tests.e2e.whatsapp.chat import journey_api, onboard, person_of, press, sweep, text_of
from tests.e2e.whatsapp.conftest import RunningWhatsApp
from tests.factories import action, initiative
from tests.traces import traces

AYSE, LAYLA = "905321234567", "212612345678"


@pytest.fixture
async def cloud_api(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[CloudAPIEmulator]:
    monkeypatch.setenv("WHATSAPP_DISPLAY_NUMBER", "+1 555 000 1234")  # read by whatsapp_bot
    async with journey_api(clock) as emu:
        yield emu


async def test_a_turkish_resident_proposes_step_by_step(
    whatsapp_bot: RunningWhatsApp, cloud_api: CloudAPIEmulator
) -> None:
    t = translator("tr")
    ayse = cloud_api.user(AYSE, "Ayşe Yılmaz")
    welcome = await onboard(ayse, "tr")
    assert "Ayşe" in welcome and "Yılmaz" not in welcome and "Taagdreef" in welcome

    asked = await press(ayse, t._("Propose an initiative"))
    assert t._("What is the name of your initiative?") in text_of(asked)
    await ayse.send("<b>Çay</b> & simit <3")
    described = await ayse.replies()
    describe = t._("Describe your initiative: what do you want to do, and for whom?")
    assert describe in text_of(described)
    again = await press(ayse, t._("Back"))  # back to the name, then forward again
    assert t._("What is the name of your initiative?") in text_of(again)
    await ayse.send("<b>Çay</b> & simit <3")
    await ayse.replies()
    await ayse.send_sticker()  # not something this step can use: asked again
    (hint,) = await ayse.replies()
    assert t._("I cannot use that kind of message here.") in hint.text and describe in hint.text
    await ayse.send("Komşularla çay içelim. 🫖")
    themes = await ayse.replies()
    assert [m.interactive_type for m in themes] == ["list"]  # six choices: a list
    await press(ayse, "Birlikte yaşamak")
    await press(ayse, "Taagdreef")
    await press(ayse, t._("Continue"))
    photo = await press(ayse, t._("Not known yet"))
    assert [m.interactive_type for m in photo] == ["button"]  # Skip and Back
    await ayse.send("hayır")  # a word where a photo is asked for
    (retry,) = await ayse.replies()
    assert t._("Please send a photo, or tap Skip.") in retry.text
    summary = await press(ayse, t._("Skip"))
    assert "<b>Çay</b> & simit <3" in text_of(summary)  # as typed, not as WhatsApp marks
    sent = await press(ayse, t._("Send"))
    assert "Overvecht" in text_of(sent)

    async with whatsapp_bot.app.sessions() as session:
        proposal = await session.scalar(
            select(Initiative).where(Initiative.title == "<b>Çay</b> & simit <3")
        )
        assert proposal is not None and proposal.status is InitiativeStatus.SUBMITTED
    assert [call for call in cloud_api.calls if not call.ok] == []


async def test_an_arabic_resident_supports_joins_is_reminded_and_is_forgotten(
    whatsapp_bot: RunningWhatsApp, cloud_api: CloudAPIEmulator
) -> None:
    app, ar = whatsapp_bot.app, translator("ar")
    wake = whatsapp_bot.runtime.background.sender.wake
    ayse, layla = cloud_api.user(AYSE, "Ayşe"), cloud_api.user(LAYLA, "Layla Haddad")
    await onboard(ayse, "tr")
    await onboard(layla, "ar")
    lead = await person_of(app, AYSE)
    assert lead is not None
    garden = await initiative(app, lead, "Garden")
    soon = app.clock.now() + timedelta(hours=5)  # within a day of Layla's last message
    later = app.clock.now().replace(day=3, hour=18, minute=30)  # after a day of silence
    for starts, title in ((soon, "Planting"), (later, "Watering")):
        await action(app, starts, title=title, place="Taagdreef 12", initiative_id=garden.id)

    await press(layla, ar._("Initiatives"))
    await press(layla, "Garden")
    supported = await press(layla, ar._("Support"))
    assert ar._("Thank you for your support! You will hear how it goes.") in text_of(supported)
    joined = await press(layla, ar._("Join: {title}", title="Planting"))
    assert "Planting" in text_of(joined)
    await press(layla, ar._("Join: {title}", title="Watering"))

    app.clock.set(soon - timedelta(hours=3))  # inside the window: free-form, with buttons
    assert await sweep(app, wake, "action_reminders") == 1
    reminder = await layla.replies()
    assert "Planting" in text_of(reminder) and "Taagdreef 12" in text_of(reminder)
    assert ar._("Are you still coming?") in text_of(reminder)
    assert [m.type for m in reminder] == ["interactive"]  # not a template
    confirmed = await press(layla, ar._("Yes, I am coming"))
    assert confirmed and all(m.status != "failed" for m in layla.received)

    app.clock.set(soon - timedelta(minutes=30))  # check-in is open: Ayşe shows the code
    tr = translator("tr")
    await press(ayse, tr._("My Wijkbot"))
    await press(ayse, "Garden")
    shown = await press(ayse, tr._("Check-in QR: {title}", title="Planting"))
    (code,) = [message for message in shown if message.type == "image"]
    assert code.image is not None and code.image.startswith(b"\x89PNG")  # uploaded first
    found = re.search(r"https://wa\.me/15550001234\?text=(\S+)", code.text)
    assert found is not None
    await layla.send(unquote(found[1]))  # scanned: WhatsApp opens with the text typed
    checked_in = await layla.replies()
    assert ar._("✅ You are checked in for {title}. Welcome!", title="Planting") in text_of(
        checked_in
    )

    app.clock.set(later - timedelta(hours=3))  # 26 hours after her last message
    assert not cloud_api.window_open(LAYLA)
    assert await sweep(app, wake, "action_reminders") == 1
    (templated,) = await layla.replies()
    assert templated.template is not None
    assert templated.template.name == "wijkbot_action_reminder"
    assert templated.template.language == "ar"
    name, message = templated.template.parameters
    assert name == "Layla" and "Watering" in message
    # Open, by its payload: it opens My Wijkbot though she left the initiative's page open
    await layla.press(templated.template.quick_replies[0])
    opened = await layla.replies()
    assert ar._("My Wijkbot") in text_of(opened) and "Watering" in text_of(opened)

    forget = ar._("forget, forget me").split(",")[0].strip()
    await layla.send(forget)  # the keyword, in her language
    asked = await layla.replies()
    assert ar._("Do you want Wijkbot to forget you? All your data will be erased.") in text_of(
        asked
    )
    done = await press(layla, ar._("Yes, forget me"))
    farewell = "Done. Wijkbot has forgotten you. Send /start if you ever want to come back."
    assert ar._(farewell) in text_of(done)

    for _ in range(50):  # the statuses of the last answer may still come in
        found = await traces(app.engine, LAYLA, "Layla", "Haddad")
        if not found:
            break
        await asyncio.sleep(0.1)
    assert found == []  # not her number, in any column of any table
    assert await person_of(app, LAYLA) is None
    async with app.sessions() as session:  # the neighbourhood's work stays
        kept = await session.get(Initiative, garden.id)
        assert kept is not None and kept.status is InitiativeStatus.APPROVED
        titles = set(await session.scalars(select(Action.title)))
        assert {"Planting", "Watering"} <= titles
    assert [call for call in cloud_api.calls if not call.ok] == []
    assert cloud_api.webhook_failures == 0
