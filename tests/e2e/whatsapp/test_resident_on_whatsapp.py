"""A resident on WhatsApp, end to end through pywa, HTTP and the Cloud API emulator."""

from __future__ import annotations

import json

import aiohttp
from sqlalchemy import func, select

from bot.domain.models import Identity, ReceivedUpdate
from bot.emulator.whatsapp import CloudAPIEmulator, sign
from bot.i18n import LANGUAGE_NAMES, translator
from tests.e2e.whatsapp.chat import choice, person_of
from tests.e2e.whatsapp.conftest import RunningWhatsApp

AYSE = "905321234567"


async def test_a_resident_onboards_in_turkish_and_types_unut_to_be_forgotten(
    whatsapp_bot: RunningWhatsApp, cloud_api: CloudAPIEmulator
) -> None:
    t = translator("tr")
    ayse = cloud_api.user(AYSE, "Ayşe Yılmaz")
    await ayse.send("Merhaba")
    question = await ayse.replies()
    assert any(translator("nl")._("Which language do you want to use?") in m.text for m in question)

    await ayse.press(choice(question, LANGUAGE_NAMES["tr"]))
    buurt = await ayse.replies()
    assert any(t._("Which buurt do you live in?") in m.text for m in buurt)

    await ayse.press(choice(buurt, "Vechtzoom-Zuid"))
    consent = await ayse.replies()
    assert any(t._("Do you agree that Wijkbot stores this?") in m.text for m in consent)

    await ayse.press(choice(consent, t._("I agree")))
    welcome = await ayse.replies()
    text = "\n".join(m.text for m in welcome)
    assert "Ayşe" in text and "Yılmaz" not in text  # the first name only
    assert "Vechtzoom-Zuid" in text
    resident = await person_of(whatsapp_bot.app, AYSE)
    assert resident is not None and resident.locale == "tr" and resident.onboarded
    async with whatsapp_bot.app.sessions() as session:
        identity = await session.scalar(select(Identity).where(Identity.external_id == AYSE))
        assert identity is not None and identity.chat_id == int(AYSE)
        assert identity.last_inbound_at == whatsapp_bot.app.clock.now()

    await ayse.send("Unut")  # WhatsApp has no commands: the keyword, in Turkish
    confirm = await ayse.replies()
    asked = t._("Do you want Wijkbot to forget you? All your data will be erased.")
    assert any(asked in m.text for m in confirm), [m.text for m in confirm]
    await ayse.press(choice(confirm, t._("Yes, forget me")))
    farewell = await ayse.replies()
    done = t._("Done. Wijkbot has forgotten you. Send /start if you ever want to come back.")
    assert any(done in m.text for m in farewell), [m.text for m in farewell]
    assert await person_of(whatsapp_bot.app, AYSE) is None
    async with whatsapp_bot.app.sessions() as session:
        left = await session.scalar(select(func.count()).select_from(Identity))
        kept = (
            await session.execute(select(ReceivedUpdate.chat_key, ReceivedUpdate.payload))
        ).all()
        assert left == 0
        assert AYSE not in json.dumps([list(row) for row in kept])  # not even as a chat key
    assert [call for call in cloud_api.calls if not call.ok] == []
    assert cloud_api.webhook_failures == 0


async def test_the_webhook_refuses_a_forged_post_and_stores_a_repeat_once(
    whatsapp_bot: RunningWhatsApp, cloud_api: CloudAPIEmulator
) -> None:
    ali = cloud_api.user("31612345678", "Ali")
    sent = await ali.send("/start")
    await ali.replies()
    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "contacts": [{"profile": {"name": "Ali"}, "wa_id": ali.wa_id}],
                            "messages": [sent],
                        },
                    }
                ],
            }
        ],
    }
    raw = json.dumps(body).encode()
    async with aiohttp.ClientSession() as http:
        forged = await http.post(
            whatsapp_bot.hook_url, data=raw, headers={"X-Hub-Signature-256": "sha256=00"}
        )
        assert forged.status == 401
        signed = sign(cloud_api.app_secret, raw)
        again = await http.post(
            whatsapp_bot.hook_url, data=raw, headers={"X-Hub-Signature-256": signed}
        )
        assert again.status == 200
        health = await http.get(f"http://{whatsapp_bot.app.settings.listen}/healthz")
        assert health.status == 200
    await ali.assert_no_reply()  # Meta's retry is not a second message
    async with whatsapp_bot.app.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(ReceivedUpdate)
            .where(ReceivedUpdate.messenger == "whatsapp")
        )
    assert count == 1
