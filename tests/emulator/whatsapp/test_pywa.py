"""A real pywa_async client against the emulator: its base URL pointed at `emu.api_url`
(pywa sets `session.base_url` to graph.facebook.com in its constructor, so it is set on
the same httpx session afterwards), messages read back by the simulated person, and a
signed webhook received on a small aiohttp server."""

from __future__ import annotations

import httpx
import pytest
from pywa.errors import ReEngagementMessage, TemplateNotExists, TooManyMessages
from pywa_async import WhatsApp, types

from bot.emulator.whatsapp import CloudAPIEmulator, Limits
from tests.emulator.whatsapp import HookServer

ANN = "31612345678"


@pytest.fixture
async def wa(emu: CloudAPIEmulator):
    session = httpx.AsyncClient(timeout=10)
    client = WhatsApp(emu.phone_number_id, emu.token, session=session, api_version=emu.api_version)
    session.base_url = emu.api_url  # after the constructor, which sets graph.facebook.com
    yield client
    await session.aclose()


async def test_text_buttons_list_image_template(emu: CloudAPIEmulator, wa: WhatsApp):
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    await wa.api.send_message(
        emu.phone_number_id, ANN, None, "individual", "text", {"body": "Welkom *Ann*"}
    )
    await wa.send_message(
        ANN, "Doe je mee?", buttons=[types.Button("Ja", "yes"), types.Button("Nee", "no")]
    )
    rows = [types.SectionRow("Tuin", "p:1", "Zaterdag"), types.SectionRow("Koken", "p:2")]
    await wa.send_message(
        ANN, "Kies", buttons=types.SectionList("Projecten", [types.Section("Groen", rows)])
    )
    uploaded = await wa.api.upload_media(emu.phone_number_id, b"\x89PNG pic", "image/png", "a.png")
    await wa.api.send_message(
        emu.phone_number_id, ANN, None, "individual", "image",
        {"id": uploaded["id"], "caption": "Foto"},
    )  # fmt: skip
    template = {
        "name": "reopen",
        "language": {"code": "nl"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}],
    }
    await wa.api.send_message(emu.phone_number_id, ANN, None, "individual", "template", template)

    text, button, listed, image, reopen = await ann.replies(count=5)
    assert (text.type, text.text) == ("text", "Welkom *Ann*")
    assert button.buttons == ["Ja", "Nee"] and button.button_ids == ["yes", "no"]
    assert listed.list_button == "Projecten"
    assert [(r.id, r.title, r.description) for r in listed.rows] == [
        ("p:1", "Tuin", "Zaterdag"),
        ("p:2", "Koken", None),
    ]
    assert (image.image, image.caption) == (b"\x89PNG pic", "Foto")
    assert reopen.template is not None and reopen.template.parameters == ["Ann"]
    pressed = await ann.press("Koken")
    assert pressed["interactive"]["list_reply"]["id"] == "p:2"


async def test_errors_become_pywa_exceptions(emu: CloudAPIEmulator, wa: WhatsApp):
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    bad = {"name": "unknown", "language": {"code": "nl"}}
    with pytest.raises(TemplateNotExists):
        await wa.api.send_message(emu.phone_number_id, ANN, None, "individual", "template", bad)
    emu.limits = Limits(pair_per_second=1 / 6, pair_burst=1)
    await wa.send_message(ANN, "een")
    with pytest.raises(TooManyMessages):
        await wa.send_message(ANN, "twee")


async def test_media_from_a_person_is_downloaded_by_pywa(emu: CloudAPIEmulator, wa: WhatsApp):
    ann = emu.user(ANN, "Ann")
    sent = await ann.send_image(b"\xff\xd8 a photo", caption="Lamp")
    url = await wa.get_media_url(sent["image"]["id"])
    assert await wa.get_media_bytes(url.url) == b"\xff\xd8 a photo"
    await wa.mark_message_as_read(sent["id"])
    assert emu.read_receipts == [sent["id"]]


async def test_signed_webhook_reaches_an_aiohttp_server(
    emu: CloudAPIEmulator, wa: WhatsApp, hook: HookServer
):
    ann = emu.user(ANN, "Ann")
    await ann.send("Hoi")
    sent = await wa.send_message(ANN, "Dag Ann")
    await ann.replies()
    await emu.wait_webhooks()
    assert hook.bad_signatures == 0
    assert [m["text"]["body"] for m in hook.messages] == ["Hoi"]
    assert hook.statuses_of(sent.id) == ["sent", "delivered", "read"]


async def test_outside_the_window_pywa_sees_success_then_a_failed_status(
    emu: CloudAPIEmulator, wa: WhatsApp, hook: HookServer
):
    emu.user(ANN, "Ann")  # never wrote
    sent = await wa.send_message(ANN, "Hallo?")
    await emu.wait_webhooks()
    [failed] = hook.statuses
    assert (failed["id"], failed["status"]) == (sent.id, "failed")
    error = failed["errors"][0]
    assert ReEngagementMessage.__error_codes__ == (error["code"],)


async def test_webhook_payloads_parse_with_pywas_own_types(emu: CloudAPIEmulator, wa: WhatsApp):
    ann = emu.user(ANN, "Ann")
    async with HookServer(emu.app_secret) as hook:
        await emu.subscribe(hook.url, hook.verify_token)
        await ann.send("hoi")
        await wa.send_message(ANN, "Kies", buttons=[types.Button("Ja", "yes")])
        rows = [types.SectionRow("Tuin", "p:1")]
        await wa.send_message(
            ANN, "Lijst", buttons=types.SectionList("Open", [types.Section("G", rows)])
        )
        await ann.replies()
        await ann.press("Ja")
        await ann.press("Tuin")
        await ann.send_image(b"\xff\xd8 photo", caption="Lamp")
        await ann.send_location(52.09, 5.12)
        ann.block()
        await wa.send_message(ANN, "weg")
        await emu.wait_webhooks()
    parsed = []
    for payload in hook.payloads:
        value = payload["entry"][0]["changes"][0]["value"]
        if "statuses" in value:
            status = types.MessageStatus.from_update(client=wa, update=payload)
            parsed.append(("status", str(status.status), status.error and status.error.code))
            continue
        kind = value["messages"][0]["type"]
        if kind == "interactive":
            reply = value["messages"][0]["interactive"]["type"]
            cls = types.CallbackButton if reply == "button_reply" else types.CallbackSelection
            callback = cls.from_update(client=wa, update=payload)
            parsed.append((kind, callback.data, callback.from_user.wa_id))
        else:
            message = types.Message.from_update(client=wa, update=payload)
            parsed.append((kind, str(message.type), message.from_user.bsuid))
    bsuid = emu.user(ANN).person.user_id
    assert ("text", "text", bsuid) in parsed
    assert ("interactive", "yes", ANN) in parsed and ("interactive", "p:1", ANN) in parsed
    assert ("image", "image", bsuid) in parsed and ("location", "location", bsuid) in parsed
    assert ("status", "read", None) in parsed
    assert parsed[-1] == ("status", "failed", 131026)
