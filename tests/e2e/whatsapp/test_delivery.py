"""Pushed messages to WhatsApp people: the sender, WhatsApp's transport (pywa over HTTP) and
the Cloud API emulator with the templates' registry, its statuses webhook recorded on the
outbox rows as the channel records them.

Both sides read one clock: the emulator's `now()` is the test's ManualClock, so the
24-hour window is the same for the bot and for "Meta".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from pydantic import SecretStr
from sqlalchemy import select

from bot.app import App, build_app
from bot.chat.replies import Button, Reply
from bot.cli import _runtimes
from bot.clock import ManualClock
from bot.delivery import broadcasting, outbox
from bot.delivery.kinds import KINDS, Kind, RenderContext
from bot.delivery.preferences import Category
from bot.delivery.sender import WINDOW, Sender, SenderSettings
from bot.delivery.transport import TELEGRAM, WHATSAPP, PushTransport, Transport
from bot.domain.models import (
    Broadcast,
    BroadcastStatus,
    Delivery,
    DeliveryStatus,
    Identity,
    Person,
    SendPace,
)
from bot.emulator import BotAPIEmulator
from bot.emulator.whatsapp import CloudAPIEmulator
from bot.emulator.whatsapp.models import ReceivedMessage
from bot.handlers.botapi import BotApi
from bot.handlers.replying import BotApiTransport
from bot.handlers.whatsapp import receipts, webhook
from bot.handlers.whatsapp.api import WhatsAppApi
from bot.handlers.whatsapp.reading import Status, message_key
from bot.handlers.whatsapp.templates import registry_for_emulator
from bot.handlers.whatsapp.transport import WhatsAppTransport
from bot.i18n import N_, Html, translator
from tests.conftest import make_settings
from tests.e2e.conftest import free_port
from tests.factories import resident

FAST = SenderSettings(
    per_second=1000,
    private_per_second=1000,
    group_per_minute=60_000,
    whatsapp_per_second=1000,
    whatsapp_pair_per_second=1000,
)
HELLO = N_("Done: I will now write to you in {language}.")
VERIFY = "verify-token"
HOOK = "/whatsapp/hook"


def _choices(count: int) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(f"Choice {n}", f"t:{n}"),) for n in range(1, count + 1))


async def _two_choices(ctx: RenderContext, delivery: Delivery) -> Reply:
    return Reply(Html("Coming on Saturday?"), _choices(2))


async def _many_choices(ctx: RenderContext, delivery: Delivery) -> Reply:
    return Reply(Html("Which activity?"), _choices(6))


@pytest.fixture(autouse=True)
def test_kinds() -> object:
    """Kinds with buttons, for these tests only (inside the window: no template needed)."""
    KINDS["test_buttons"] = Kind("test_buttons", Category.SERVICE, _two_choices)
    KINDS["test_list"] = Kind("test_list", Category.SERVICE, _many_choices)
    yield
    del KINDS["test_buttons"], KINDS["test_list"]


@dataclass
class WhatsApp:
    """The emulator, the bot's client of it and the statuses webhook the bot serves."""

    emu: CloudAPIEmulator
    api: WhatsAppApi
    app: App

    def transport(self) -> WhatsAppTransport:
        return WhatsAppTransport(self.api)

    def sender(self, *, telegram: Transport | None = None) -> Sender:
        transports: dict[str, Transport | PushTransport] = {WHATSAPP: self.transport()}
        if telegram is not None:
            transports[TELEGRAM] = telegram
        return Sender(self.app.sessions, self.app.clock, transports, FAST, self.app.settings.zone)

    async def person(
        self, wa_id: str, *, wrote_ago: timedelta | None, locale: str = "nl", name: str = "Ola"
    ) -> Person:
        """A resident on WhatsApp who last wrote `wrote_ago` (None: never), as both the
        bot (identities.last_inbound_at) and the emulator know."""
        user = self.emu.user(wa_id, name)
        now = self.app.clock.now()
        wrote = None if wrote_ago is None else now - wrote_ago
        if wrote is not None:
            user.person.last_inbound = wrote.timestamp()
        person = await resident(self.app, int(wa_id), locale=locale, first_name=name)
        async with self.app.sessions.begin() as session:
            identity = await session.scalar(select(Identity).where(Identity.person_id == person.id))
            assert identity is not None
            identity.messenger = WHATSAPP
            identity.external_id = wa_id
            identity.last_inbound_at = wrote
        return person


@pytest.fixture
async def whatsapp(app: App, clock: ManualClock) -> AsyncIterator[WhatsApp]:
    emu = CloudAPIEmulator(
        templates=registry_for_emulator(), now=lambda: clock.now().timestamp(), settle=0.05
    )
    await emu.start()
    settings = app.settings.model_copy(
        update={
            "whatsapp_api_url": emu.url,
            "whatsapp_api_version": emu.api_version,
            "whatsapp_phone_number_id": emu.phone_number_id,
            "whatsapp_token": SecretStr(emu.token),
        }
    )
    api = WhatsAppApi(settings)

    async def nothing(
        items: list[dict[str, Any]],
    ) -> None:  # people's messages: not these tests' part
        return None

    async def record(statuses: Sequence[Status]) -> None:
        await receipts.record_statuses(app.sessions, statuses, app.clock.now())

    hook = web.Application()
    webhook.add_routes(
        hook,
        HOOK,
        verify_token=VERIFY,
        app_secret=emu.app_secret,
        receive=nothing,
        record_statuses=record,
    )
    runner = web.AppRunner(hook, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await emu.subscribe(f"http://127.0.0.1:{port}{HOOK}", VERIFY)
    try:
        yield WhatsApp(emu, api, app)
    finally:
        await api.close()
        await emu.stop()
        await runner.cleanup()


async def notify(app: App, person: Person, subject: str = "s", kind: str = "notice") -> int:
    message = outbox.Message(
        person.id, kind, subject, payload={"msgid": HELLO, "params": {"language": "X"}}
    )
    async with app.sessions.begin() as session:
        return await outbox.enqueue(session, [message], now=app.clock.now())


async def rows(app: App) -> list[Delivery]:
    async with app.sessions() as session:
        return list(await session.scalars(select(Delivery).order_by(Delivery.id)))


def accepted(emu: CloudAPIEmulator, wa_id: str) -> list[ReceivedMessage]:
    """What the Cloud API accepted for this person (failed ones too), oldest first."""
    return [message for message in emu.messages if message.to == wa_id]


async def test_inside_the_window_free_form_with_reply_buttons_and_a_list(
    whatsapp: WhatsApp,
) -> None:
    ola = await whatsapp.person("31611110001", wrote_ago=timedelta(hours=2))
    await notify(whatsapp.app, ola, "a", kind="test_buttons")
    await notify(whatsapp.app, ola, "b", kind="test_list")
    sender = whatsapp.sender()
    await sender.send_due()  # one message per person per batch
    whatsapp.app.clock.advance(timedelta(seconds=1))
    await sender.send_due()
    await whatsapp.emu.wait_webhooks()

    buttons, listed = whatsapp.emu.received("31611110001")
    assert buttons.interactive_type == "button"
    assert [b["reply"]["id"] for b in buttons.content["action"]["buttons"]] == ["t:1", "t:2"]
    assert listed.interactive_type == "list"
    ids = [row["id"] for s in listed.content["action"]["sections"] for row in s["rows"]]
    assert ids == [f"t:{n}" for n in range(1, 7)]
    sent = await rows(whatsapp.app)
    assert [row.status for row in sent] == [DeliveryStatus.SENT] * 2
    assert [row.receipt for row in sent] == ["delivered"] * 2  # the statuses found their rows


async def test_outside_the_window_the_kinds_template_in_the_persons_language(
    whatsapp: WhatsApp,
) -> None:
    # Wrote 23 h 55 min ago: the window is still open for Meta, but too close to its end.
    ola = await whatsapp.person(
        "31611110002", wrote_ago=WINDOW - timedelta(minutes=5), locale="pl", name="Ola"
    )
    never = await whatsapp.person("31611110003", wrote_ago=None, locale="tr", name="Ayşe")
    await notify(whatsapp.app, ola)
    await notify(whatsapp.app, never)
    await whatsapp.sender().send_due()
    await whatsapp.emu.wait_webhooks()

    for wa_id, locale, name in (("31611110002", "pl", "Ola"), ("31611110003", "tr", "Ayşe")):
        (message,) = whatsapp.emu.received(wa_id)
        assert message.type == "template"
        assert message.content["name"] == "wijkbot_notice"
        assert message.content["language"]["code"] == locale
        name_given, text = message.content["components"][0]["parameters"]
        assert name_given["text"] == name
        assert text["text"] == translator(locale)._(HELLO, language="X")
    assert [row.receipt for row in await rows(whatsapp.app)] == ["delivered", "delivered"]


async def paces(app: App) -> dict[str, float]:
    async with app.sessions() as session:
        found = await session.execute(select(SendPace.name, SendPace.next_at))
        return {key: value for key, value in found.all()}


async def test_130429_pauses_whatsapps_pace_only_and_the_row_goes_once_later(
    whatsapp: WhatsApp,
) -> None:
    wa_ids = [f"3161111001{n}" for n in range(3)]
    for wa_id in wa_ids:
        await notify(whatsapp.app, await whatsapp.person(wa_id, wrote_ago=timedelta(hours=1)))
    whatsapp.emu.fail(130429, times=1)
    sender = whatsapp.sender()
    started = time.time()
    await sender.send_due()
    statuses = sorted(row.status.value for row in await rows(whatsapp.app))
    assert statuses == ["pending", "sent", "sent"]  # the refused one waits; the others went
    shared = await paces(whatsapp.app)
    assert shared[WHATSAPP] >= started + 1.0  # every sender of WhatsApp paused a second
    assert "global" not in shared and "paid" not in shared  # Telegram's pace untouched
    assert await sender.send_due() == 0  # not due before the pause is over

    whatsapp.app.clock.advance(timedelta(seconds=1))
    assert await sender.send_due() == 1
    await whatsapp.emu.wait_webhooks()
    assert [row.status for row in await rows(whatsapp.app)] == [DeliveryStatus.SENT] * 3
    assert [len(whatsapp.emu.received(wa_id)) for wa_id in wa_ids] == [1, 1, 1]
    assert len(whatsapp.emu.messages) == 3  # nothing sent twice: the refused call was not taken


async def test_131056_defers_only_that_persons_row(whatsapp: WhatsApp) -> None:
    busy = await whatsapp.person("31611110021", wrote_ago=timedelta(hours=1))
    other = await whatsapp.person("31611110022", wrote_ago=timedelta(hours=1))
    await notify(whatsapp.app, busy)
    whatsapp.emu.fail(131056, times=1)
    sender = whatsapp.sender()
    started = time.time()
    await sender.send_due()
    (row,) = await rows(whatsapp.app)
    assert row.status is DeliveryStatus.PENDING and row.attempts == 0
    assert (await paces(whatsapp.app)).get(WHATSAPP, 0.0) < started + 1.0  # no pause for all
    await notify(whatsapp.app, other)
    await notify(whatsapp.app, busy, "second")
    assert await sender.send_due() == 2  # the other person's goes now; busy's second waits
    assert len(whatsapp.emu.received("31611110022")) == 1
    assert whatsapp.emu.received("31611110021") == []  # held for its pair-rate wait
    assert sorted(r.status.value for r in await rows(whatsapp.app)) == [
        "pending",
        "pending",
        "sent",
    ]

    busy_chat = int("31611110021")
    while True:  # later: the pair rate runs on real time, so it is told the wait is over
        whatsapp.app.clock.advance(timedelta(seconds=10))
        sender.pairs.hold(busy_chat, 0)
        if not await sender.send_due():
            break
    assert [r.status for r in await rows(whatsapp.app)] == [DeliveryStatus.SENT] * 3
    assert len(whatsapp.emu.received("31611110021")) == 2


async def test_131047_failed_status_sends_the_row_again_once_as_its_template(
    whatsapp: WhatsApp,
) -> None:
    # The bot saw the person write an hour ago; Meta's window is closed all the same.
    ola = await whatsapp.person("31611110031", wrote_ago=timedelta(hours=1))
    whatsapp.emu.user("31611110031").person.last_inbound = None
    await notify(whatsapp.app, ola)
    sender = whatsapp.sender()
    await sender.send_due()
    await whatsapp.emu.wait_webhooks()
    (row,) = await rows(whatsapp.app)
    assert row.status is DeliveryStatus.PENDING  # put back by the failed status
    assert (row.last_error or "").startswith("131047")

    while await sender.send_due():
        pass
    await whatsapp.emu.wait_webhooks()
    free_form, template = accepted(whatsapp.emu, "31611110031")
    assert (free_form.type, free_form.status) == ("text", "failed")
    assert template.type == "template" and template.content["name"] == "wijkbot_notice"
    (row,) = await rows(whatsapp.app)
    assert (row.status, row.receipt, row.last_error) == (DeliveryStatus.SENT, "delivered", None)
    assert whatsapp.emu.received("31611110031") == [template]  # once


async def test_131026_marks_the_person_unreachable_and_later_rows_are_skipped(
    whatsapp: WhatsApp,
) -> None:
    ola = await whatsapp.person("31611110041", wrote_ago=timedelta(hours=1))
    whatsapp.emu.user("31611110041").block()
    await notify(whatsapp.app, ola, "first")
    sender = whatsapp.sender()
    await sender.send_due()
    await whatsapp.emu.wait_webhooks()  # 200 first; then the failed status says 131026
    (row,) = await rows(whatsapp.app)
    assert row.status is DeliveryStatus.UNREACHABLE
    assert (row.last_error or "").startswith("131026")
    async with whatsapp.app.sessions() as session:
        stored = await session.get(Person, ola.id)
        assert stored is not None and stored.unreachable_at is not None

    await notify(whatsapp.app, ola, "second")
    await sender.send_due()
    assert [r.status for r in await rows(whatsapp.app)] == [DeliveryStatus.UNREACHABLE] * 2
    assert len(accepted(whatsapp.emu, "31611110041")) == 1  # the second was never tried


async def test_131026_answered_at_once_is_unreachable_too(whatsapp: WhatsApp) -> None:
    ola = await whatsapp.person("31611110042", wrote_ago=timedelta(hours=1))
    await notify(whatsapp.app, ola)
    whatsapp.emu.fail(131026, times=1)
    await whatsapp.sender().send_due()
    (row,) = await rows(whatsapp.app)
    assert row.status is DeliveryStatus.UNREACHABLE
    assert (row.last_error or "").startswith("131026")


async def test_a_broadcast_to_a_telegram_and_a_whatsapp_person_each_get_theirs_once(
    whatsapp: WhatsApp, bot_api: BotApi, emulator: BotAPIEmulator
) -> None:
    app = whatsapp.app
    emulator.user(4101, language_code="nl")
    jan = await resident(app, 4101, first_name="Jan")
    ola = await whatsapp.person("31611110051", wrote_ago=None)
    async with app.sessions.begin() as session:
        item = Broadcast(
            neighbourhood_id=jan.neighbourhood_id,
            text="Buurtbarbecue zaterdag om 17:00.",
            audience={},
            status=BroadcastStatus.DRAFT,
            created_at=app.clock.now(),
        )
        session.add(item)
        await session.flush()
        assert await broadcasting.expand(session, item, app.clock.now()) == 2
    sender = whatsapp.sender(telegram=BotApiTransport(bot_api))
    while await sender.send_due():
        pass
    await whatsapp.emu.wait_webhooks()

    (telegram,) = await emulator.user(4101).replies()
    assert "Buurtbarbecue zaterdag om 17:00." in telegram.text
    (template,) = whatsapp.emu.received("31611110051")  # never wrote: the template
    assert template.content["name"] == "wijkbot_broadcast"
    assert (
        "Buurtbarbecue zaterdag om 17:00."
        in template.content["components"][0]["parameters"][1]["text"]
    )
    assert len(emulator.calls_for("sendMessage")) == 1
    assert len(whatsapp.emu.messages) == 1
    assert [r.status for r in await rows(app)] == [DeliveryStatus.SENT] * 2
    assert ola.id != jan.id


async def test_with_both_channels_the_leading_sender_sends_to_both(
    database_url: str, clock: ManualClock
) -> None:
    settings = make_settings(
        database_url,
        channels="telegram,whatsapp",
        whatsapp_phone_number_id="1234567890",
        whatsapp_token="token",
        whatsapp_app_secret="secret",
        whatsapp_verify_token="verify",
    )
    app = build_app(settings, clock)
    try:
        telegram, whatsapp = _runtimes(settings, app)
        transports = telegram.background.sender.transports
        assert isinstance(transports[TELEGRAM], BotApiTransport)
        assert transports[WHATSAPP] is whatsapp.transport
        assert whatsapp.background.sender.transports == {WHATSAPP: whatsapp.transport}
        await whatsapp.api.close()
    finally:
        await app.close()


async def test_a_failure_told_before_the_row_is_marked_sent_still_finds_its_row(
    whatsapp: WhatsApp,
) -> None:
    app = whatsapp.app
    ola = await whatsapp.person("31611110061", wrote_ago=timedelta(hours=1))
    await notify(app, ola)
    failed = Status("wamid.late", "failed", "31611110061", 131026, "Message undeliverable")
    recording = asyncio.create_task(
        receipts.record_statuses(app.sessions, [failed], app.clock.now())
    )
    await asyncio.sleep(0.1)  # the sender marks its row only now
    async with app.sessions.begin() as session:
        row = await session.scalar(select(Delivery))
        assert row is not None
        row.status, row.sent_message_id = DeliveryStatus.SENT, message_key("wamid.late")
    assert await recording == 1
    (row,) = await rows(app)
    assert (row.status, row.receipt) == (DeliveryStatus.UNREACHABLE, "failed")
