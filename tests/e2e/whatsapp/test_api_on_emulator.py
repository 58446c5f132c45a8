"""The WhatsApp client (pywa_async over HTTP) against the emulator: messages, uploads, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.chat.replies import File
from bot.delivery.transport import Result
from bot.emulator.media import make_png
from bot.emulator.whatsapp import CloudAPIEmulator
from bot.handlers.whatsapp.api import WhatsAppApi, outcome_of
from tests.e2e.whatsapp.conftest import whatsapp_settings


@dataclass
class Out:
    type: str
    body: dict[str, Any]
    file: File | None = field(default=None)


@pytest.fixture
async def api(database_url: str, cloud_api: CloudAPIEmulator) -> AsyncIterator[WhatsAppApi]:
    client = WhatsAppApi(whatsapp_settings(database_url, cloud_api))
    yield client
    await client.close()


async def test_a_text_and_an_uploaded_image_reach_the_person(
    api: WhatsAppApi, cloud_api: CloudAPIEmulator
) -> None:
    ola = cloud_api.user("48600100200", "Ola")
    await ola.send("hej")  # opens the 24-hour window
    wamid = await api.send(ola.wa_id, Out("text", {"body": "Cześć *Ola*", "preview_url": False}))
    picture = File("chart.png", data=make_png(4, 4), mime="image/png")
    second = await api.send(ola.wa_id, Out("image", {"caption": "Wykres"}, picture))
    text, image = await ola.replies(count=2)
    assert (text.id, text.text) == (wamid, "Cześć *Ola*")
    assert (image.id, image.caption) == (second, "Wykres")
    assert image.image == picture.data  # uploaded first, sent by its media id
    assert len(cloud_api.calls_for("media")) == 1


async def test_whatsapps_refusals_become_the_senders_outcomes(
    api: WhatsAppApi, cloud_api: CloudAPIEmulator
) -> None:
    ola = cloud_api.user("48600100200", "Ola")
    await ola.send("hej")
    four = [{"type": "reply", "reply": {"id": str(n), "title": f"Option {n}"}} for n in range(4)]
    too_many = {"type": "button", "body": {"text": "Pick"}, "action": {"buttons": four}}
    with pytest.raises(api.errors) as refused:
        await api.send(ola.wa_id, Out("interactive", too_many))
    rejected = outcome_of(refused.value)
    assert rejected.result is Result.REJECTED and rejected.error.startswith("131009 ")

    cloud_api.fail(130429)
    with pytest.raises(api.errors) as throttled:
        await api.send(ola.wa_id, Out("text", {"body": "x"}))
    assert outcome_of(throttled.value).result is Result.RETRY_AFTER

    cloud_api.fail(131000)  # Meta's 500
    with pytest.raises(api.errors) as broken:
        await api.send(ola.wa_id, Out("text", {"body": "x"}))
    assert outcome_of(broken.value).result is Result.TRANSIENT
