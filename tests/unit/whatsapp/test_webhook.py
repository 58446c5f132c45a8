"""WhatsApp's webhook on both databases: verification, signatures, stored before the 200 (once,
per person in order), processed through the conversation, and statuses on the outbox rows."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.app import App
from bot.chat.replies import Answer, Reply
from bot.delivery.transport import Outcome, Result
from bot.domain.models import (
    Delivery,
    DeliveryStatus,
    Identity,
    Person,
    ReceivedUpdate,
    UpdateStatus,
)
from bot.handlers.owed import Owed
from bot.handlers.runtime import slow_down_text
from bot.handlers.whatsapp.reading import message_key
from bot.handlers.whatsapp.runtime import WhatsAppRuntime
from bot.handlers.whatsapp.webhook import SIGNATURE_HEADER, signature
from bot.i18n import Html, Translator, translator
from tests.conftest import make_settings
from tests.factories import resident
from tests.unit.whatsapp.payloads import AYSE, body, status, text
from tests.unit.whatsapp.test_settings import WHATSAPP

SECRET = WHATSAPP["whatsapp_app_secret"]
PATH = "/whatsapp/hook"


class Sent:
    """A render double after the plan's contract: one text message per reply."""

    def __init__(self, type: str, body: dict[str, Any]) -> None:
        self.type, self.body, self.file = type, body, None


def render(reply: Reply, t: Translator) -> list[Sent]:
    return [Sent("text", {"body": str(reply.text), "preview_url": False})]


class FakeApi:
    """Records what would be sent; no network."""

    errors = (RuntimeError,)

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    @staticmethod
    def outcome_of(error: Exception) -> Outcome:
        return Outcome(Result.REJECTED, error=str(error))

    async def send(self, wa_id: str, outgoing: Sent) -> str:
        self.sent.append((wa_id, outgoing.body["body"]))
        return f"wamid.out{len(self.sent)}"

    async def close(self) -> None:
        pass


@pytest.fixture
async def runtime(app: App) -> AsyncIterator[WhatsAppRuntime]:
    """The runtime's processor at work (no listener, no sender: the test posts itself)."""
    app.settings = make_settings(app.settings.database_url, **WHATSAPP)
    running = WhatsAppRuntime(app, FakeApi(), render=render)  # type: ignore[arg-type]
    stop = asyncio.Event()
    processing = asyncio.create_task(running.processor.run(stop))
    yield running
    stop.set()
    running.processor.wake()
    await asyncio.wait_for(processing, 10)


@pytest.fixture
async def client(runtime: WhatsAppRuntime) -> AsyncIterator[TestClient]:
    application = web.Application()
    runtime.add_routes(application)
    async with TestClient(TestServer(application)) as http:
        yield http


async def post(client: TestClient, payload: dict, secret: str = SECRET) -> int:
    raw = json.dumps(payload).encode()
    headers = {SIGNATURE_HEADER: signature(secret, raw), "Content-Type": "application/json"}
    response = await client.post(PATH, data=raw, headers=headers)
    return response.status


async def stored(app: App) -> list[ReceivedUpdate]:
    async with app.sessions() as session:
        return list(await session.scalars(select(ReceivedUpdate).order_by(ReceivedUpdate.id)))


async def test_meta_verifies_the_webhook_with_the_verify_token(client: TestClient) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": "verify-me",
        "hub.challenge": "1158201444",
    }
    answer = await client.get(PATH, params=query)
    assert answer.status == 200 and await answer.text() == "1158201444"
    wrong = await client.get(PATH, params={**query, "hub.verify_token": "guess"})
    assert wrong.status == 403 and "1158201444" not in await wrong.text()
    no_mode = await client.get(PATH, params={"hub.verify_token": "verify-me", "hub.challenge": "1"})
    assert no_mode.status == 403


async def test_a_wrong_or_missing_signature_is_refused_and_nothing_is_stored(
    client: TestClient, app: App
) -> None:
    payload = body(text("merhaba"))
    assert await post(client, payload, secret="not-the-app-secret") == 401
    unsigned = await client.post(PATH, data=json.dumps(payload))
    assert unsigned.status == 401
    raw = json.dumps(payload).encode()
    tampered = raw.replace(b"merhaba", b"vergeet")
    forged = await client.post(
        PATH, data=tampered, headers={SIGNATURE_HEADER: signature(SECRET, raw)}
    )
    assert forged.status == 401
    assert await stored(app) == []


async def test_messages_are_stored_before_the_200_once_each_and_answered(
    client: TestClient, app: App, runtime: WhatsAppRuntime
) -> None:
    payload = body(text("merhaba", wamid="wamid.A"))
    assert await post(client, payload) == 200
    [row] = await stored(app)  # stored when Meta hears 200
    assert (row.messenger, row.update_id, row.chat_key) == (
        "whatsapp",
        message_key("wamid.A"),
        f"wa:{AYSE}",
    )
    assert await post(client, payload) == 200  # Meta's retry of the same webhook
    await _all_done(app, 1)
    [row] = await stored(app)
    assert row.status is UpdateStatus.DONE and row.payload is None and row.answer is None
    api: FakeApi = runtime.api  # type: ignore[assignment]
    assert [wa_id for wa_id, _ in api.sent] == [AYSE]  # the language question, once
    async with app.sessions() as session:
        identity = await session.scalar(select(Identity).where(Identity.messenger == "whatsapp"))
        assert identity is not None
        assert (identity.external_id, identity.chat_id) == (AYSE, int(AYSE))
        assert identity.last_inbound_at == app.clock.now()
        person = await session.get(Person, identity.person_id)
        assert person is not None and person.first_name == "Ayşe"


async def test_a_persons_messages_of_one_body_are_handled_in_order(
    client: TestClient, app: App, runtime: WhatsAppRuntime
) -> None:
    said = [
        text("/start", wamid="wamid.1"),
        text("/help", wamid="wamid.2"),
        text("/cancel", wamid="wamid.3"),
    ]
    assert await post(client, body(*said)) == 200
    await _all_done(app, 3)
    rows = await stored(app)
    assert [row.update_id for row in rows] == [message_key(f"wamid.{n}") for n in (1, 2, 3)]
    assert [row.processed_at for row in rows] == sorted(row.processed_at for row in rows)  # type: ignore[type-var]
    api: FakeApi = runtime.api  # type: ignore[assignment]
    assert len(api.sent) >= 3


async def _all_done(app: App, count: int) -> None:
    for _ in range(500):
        rows = await stored(app)
        if sum(row.status is UpdateStatus.DONE and row.answer is None for row in rows) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not all {count} updates were done and answered")


async def _pushed(app: App, person_id: int, wamid: str) -> int:
    now = app.clock.now()
    async with app.sessions.begin() as session:
        row = Delivery(
            key=f"{person_id}|news|{wamid}",
            person_id=person_id,
            kind="weekly_digest",
            status=DeliveryStatus.SENT,
            next_attempt_at=now,
            created_at=now,
            sent_at=now,
            sent_message_id=message_key(wamid),
        )
        session.add(row)
    return row.id


async def _row(app: App, delivery_id: int) -> Delivery:
    async with app.sessions() as session:
        row = await session.get(Delivery, delivery_id)
        assert row is not None
        return row


async def test_statuses_are_recorded_on_the_outbox_rows(client: TestClient, app: App) -> None:
    person = await resident(app, 7001)
    news = await _pushed(app, person.id, "wamid.NEWS")
    late = await _pushed(app, person.id, "wamid.LATE")
    said = [
        status("wamid.NEWS", "read"),
        status("wamid.NEWS", "delivered"),
        status("wamid.UNKNOWN", "read"),
    ]
    assert await post(client, body(statuses=said)) == 200
    row = await _row(app, news)
    assert (row.receipt, row.status) == ("read", DeliveryStatus.SENT)  # never backwards

    failed = status("wamid.LATE", "failed", code=131053, title="Media upload error")
    assert await post(client, body(statuses=[failed])) == 200
    row = await _row(app, late)
    assert (row.receipt, row.status, row.last_error) == (
        "failed",
        DeliveryStatus.FAILED,
        "131053 Media upload error",
    )
    async with app.sessions() as session:
        someone = await session.get(Person, person.id)
        assert someone is not None and someone.unreachable_at is None  # only this message failed


async def test_an_undeliverable_message_marks_the_person_unreachable(
    client: TestClient, app: App
) -> None:
    person = await resident(app, 7002)
    pushed = await _pushed(app, person.id, "wamid.BLOCKED")
    failed = status("wamid.BLOCKED", "failed", code=131026, title="Message undeliverable")
    assert await post(client, body(statuses=[failed])) == 200
    row = await _row(app, pushed)
    assert (row.receipt, row.status, row.last_error) == (
        "failed",
        DeliveryStatus.UNREACHABLE,
        "131026 Message undeliverable",
    )
    async with app.sessions() as session:
        someone = await session.get(Person, person.id)
        assert someone is not None and someone.unreachable_at == app.clock.now()
    late = status("wamid.BLOCKED", "delivered")
    assert await post(client, body(statuses=[late])) == 200
    assert (await _row(app, pushed)).receipt == "failed"  # a failure is final


async def test_a_signed_body_that_is_not_json_is_a_400(client: TestClient) -> None:
    raw = b"not json"
    answer = await client.post(PATH, data=raw, headers={SIGNATURE_HEADER: signature(SECRET, raw)})
    assert answer.status == 400


async def test_a_notice_is_a_text_only_when_the_answer_has_no_replies(
    runtime: WhatsAppRuntime,
) -> None:
    api: FakeApi = runtime.api  # type: ignore[assignment]
    await runtime.deliver(Owed(int(AYSE), Answer([], notice="Saved <3 & co")))
    assert api.sent == [(AYSE, "Saved &lt;3 &amp; co")]  # escaped for the renderer's HTML
    await runtime.deliver(Owed(int(AYSE), Answer([Reply(Html("Done"))], notice="Saved")))
    assert api.sent[1:] == [(AYSE, "Done")]
    await runtime.deliver(Owed(int(AYSE), Answer([], notice=None)))
    assert len(api.sent) == 2


async def test_the_flood_controls_notice_is_sent_in_the_default_language(
    runtime: WhatsAppRuntime,
) -> None:
    api: FakeApi = runtime.api  # type: ignore[assignment]
    await runtime.deliver(Owed(int(AYSE)))
    assert api.sent == [(AYSE, slow_down_text(translator("nl")))]


async def test_an_answer_to_someone_unreachable_is_dropped_other_failures_are_raised(
    runtime: WhatsAppRuntime,
) -> None:
    api: FakeApi = runtime.api  # type: ignore[assignment]
    answer = Answer([Reply(Html("Hi"))])

    async def blocked(wa_id: str, outgoing: Sent) -> str:
        raise RuntimeError("131026")

    api.send = blocked  # type: ignore[method-assign]
    api.outcome_of = lambda error: Outcome(Result.UNREACHABLE)  # type: ignore[method-assign]
    await runtime.deliver(Owed(int(AYSE), answer))  # dropped, as a 403 on Telegram
    api.outcome_of = lambda error: Outcome(Result.TRANSIENT)  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await runtime.deliver(Owed(int(AYSE), answer))  # kept owed, tried again later


async def test_a_flood_is_told_once_and_logged_without_the_number(
    client: TestClient, app: App, runtime: WhatsAppRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    """A WhatsApp chat id is the person's phone number: the intake's flood warning names the
    channel, never the chat."""
    runtime.intake.per_chat_cap = 2
    caplog.set_level("INFO")
    said = [text(f"hi {n}", wamid=f"wamid.F{n}") for n in range(4)]
    assert await post(client, body(*said)) == 200
    [flooded] = [r for r in caplog.records if r.getMessage() == "intake.flooded"]
    assert flooded.fields == {"messenger": "whatsapp"}  # type: ignore[attr-defined]
    logged = [f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in caplog.records]
    assert not [line for line in logged if AYSE[-9:] in line]
    rows = await stored(app)
    assert len(rows) == 4 and sum(row.error is not None for row in rows) == 2
