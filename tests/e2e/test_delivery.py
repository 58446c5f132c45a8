"""The sender through each runtime and the emulator: every failure kind, once and only once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.chat.replies import Reply
from bot.clock import ManualClock
from bot.delivery import outbox
from bot.delivery.kinds import KINDS, Kind
from bot.delivery.preferences import Category
from bot.delivery.sender import Sender, SenderSettings
from bot.domain.models import Delivery, DeliveryStatus, Person
from bot.emulator import BotAPIEmulator
from bot.handlers.botapi import BotApi
from bot.handlers.replying import BotApiTransport
from bot.i18n import N_, Html, translator
from tests.factories import resident

FAST = SenderSettings(per_second=1000, private_per_second=1000, group_per_minute=60_000)
HELLO = N_("Done: I will now write to you in {language}.")


async def resident_on(emulator: BotAPIEmulator, app: App, user_id: int, **kwargs: str) -> Person:
    """A resident who has a chat with the bot on the emulator."""
    emulator.user(user_id, language_code=kwargs.get("locale", "nl"))
    return await resident(app, user_id, **kwargs)


def sender_of(app: App, api: BotApi, settings: SenderSettings = FAST) -> Sender:
    return Sender(app.sessions, app.clock, BotApiTransport(api), settings, app.settings.zone)


@pytest.fixture(autouse=True)
def test_kinds() -> object:
    """Kinds of message in categories a person can opt out of, for these tests only."""
    KINDS["test_reminder"] = Kind("test_reminder", Category.REMINDERS, _hello)
    KINDS["test_nudge"] = Kind("test_nudge", Category.NUDGES, _hello)
    yield
    del KINDS["test_reminder"], KINDS["test_nudge"]


async def notify(
    app: App, person: Person, subject: str = "s", kind: str = "notice", **kwargs: object
) -> int:
    message = outbox.Message(
        person.id,
        kind,
        subject,
        payload={"msgid": HELLO, "params": {"language": "X"}},
        **kwargs,  # type: ignore[arg-type]
    )
    async with app.sessions.begin() as session:
        return await outbox.enqueue(session, [message], now=app.clock.now())


async def statuses(app: App) -> list[DeliveryStatus]:
    async with app.sessions() as session:
        return list(await session.scalars(select(Delivery.status).order_by(Delivery.id)))


async def test_enqueueing_twice_sends_once_in_the_language_of_sending_time(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator
) -> None:
    person = await resident_on(emulator, app, 501, locale="nl")
    assert await notify(app, person) == 1
    assert await notify(app, person) == 0  # same key: nothing new
    async with app.sessions.begin() as session:  # switches language before it goes out
        stored = await session.get(Person, person.id)
        assert stored is not None
        stored.locale = "ar"
    sender = sender_of(app, bot_api)
    assert await sender.send_due() == 1
    assert await sender.send_due() == 0
    user = emulator.user(501)
    (message,) = await user.replies()
    assert message.text == translator("ar")._(HELLO, language="X")
    assert await statuses(app) == [DeliveryStatus.SENT]


# python-telegram-bot itself reads RetryAfter.retry_after, which warns about its type change.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_429_waits_and_resends_never_drops(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    person = await resident_on(emulator, app, 502)
    await notify(app, person)
    emulator.storm(times=1, retry_after=1)
    sender = sender_of(app, bot_api)
    await sender.send_due()
    assert await statuses(app) == [DeliveryStatus.PENDING]
    assert await sender.send_due() == 0  # not before retry_after has passed
    clock.advance(timedelta(seconds=1))
    assert await sender.send_due() == 1  # after the sender, too, paused a real second
    assert await statuses(app) == [DeliveryStatus.SENT]
    assert len(emulator.user(502).messages) == 1
    async with app.sessions() as session:
        row = await session.scalar(select(Delivery))
        assert row is not None and row.attempts == 1


async def test_403_marks_the_person_unreachable_and_stops_sending(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator
) -> None:
    person = await resident_on(emulator, app, 503)
    emulator.block(503, notify=False)
    await notify(app, person, "first")
    sender = sender_of(app, bot_api)
    await sender.send_due()
    await notify(app, person, "second")
    await sender.send_due()
    assert await statuses(app) == [DeliveryStatus.UNREACHABLE, DeliveryStatus.UNREACHABLE]
    sends = [c for c in emulator.calls_for("sendMessage") if c.params.get("chat_id") == 503]
    assert len(sends) == 1  # the second was never tried
    async with app.sessions() as session:
        stored = await session.get(Person, person.id)
        assert stored is not None and stored.unreachable_at is not None


async def test_5xx_is_retried_with_backoff_then_given_up_with_the_reason(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    lucky, unlucky = await resident_on(emulator, app, 504), await resident_on(emulator, app, 505)
    await notify(app, lucky)
    emulator.fail("sendMessage", status=502, times=2)
    sender = sender_of(app, bot_api)
    for _ in range(3):
        await sender.send_due()
        clock.advance(timedelta(minutes=1))
    assert await statuses(app) == [DeliveryStatus.SENT]

    await notify(app, unlucky)
    emulator.fail("sendMessage", status=500, times=None, description="Internal Server Error")
    for _ in range(8):
        await sender.send_due()
        clock.advance(timedelta(minutes=15))
    emulator.clear_faults()
    async with app.sessions() as session:
        row = await session.scalar(select(Delivery).where(Delivery.person_id == unlucky.id))
        assert row is not None and row.status is DeliveryStatus.FAILED
        assert row.attempts == 6 and "Internal Server Error" in (row.last_error or "")


async def test_a_bad_request_fails_at_once_with_the_reason(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator
) -> None:
    person = await resident_on(emulator, app, 506)
    KINDS["test_broken"] = Kind("test_broken", Category.SERVICE, _unclosed_tag)
    try:
        async with app.sessions.begin() as session:
            await outbox.enqueue(
                session, [outbox.Message(person.id, "test_broken")], now=app.clock.now()
            )
        await sender_of(app, bot_api).send_due()
    finally:
        del KINDS["test_broken"]
    async with app.sessions() as session:
        row = await session.scalar(select(Delivery))
        assert row is not None and row.status is DeliveryStatus.FAILED
        # Telegram's reason; python-telegram-bot capitalises it.
        assert "can't parse entities" in (row.last_error or "").lower()


async def _unclosed_tag(ctx: object, delivery: object) -> Reply:
    return Reply(Html("<b>not closed"))


async def test_quiet_hours_defer_and_urgent_goes_through(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 3, 2, 22, 30, tzinfo=UTC))  # 23:30 in Amsterdam
    calm, hurried, asking = [await resident_on(emulator, app, i) for i in (507, 517, 527)]
    await notify(app, calm, "calm", kind="test_reminder")
    await notify(app, hurried, "urgent", kind="test_reminder", urgent=True)
    await notify(app, asking, "answer")  # an answer to something the person did
    sender = sender_of(app, bot_api)
    await sender.send_due()
    async with app.sessions() as session:
        rows = {r.subject: r for r in await session.scalars(select(Delivery))}
    assert rows["urgent"].status is DeliveryStatus.SENT
    assert rows["answer"].status is DeliveryStatus.SENT
    assert rows["calm"].status is DeliveryStatus.PENDING
    assert rows["calm"].next_attempt_at == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00 local
    clock.set(datetime(2026, 3, 3, 6, 59, tzinfo=UTC))
    assert await sender.send_due() == 0
    clock.set(datetime(2026, 3, 3, 7, 0, tzinfo=UTC))
    assert await sender.send_due() == 1
    assert await statuses(app) == [DeliveryStatus.SENT] * 3


async def test_opting_out_and_the_weekly_nudge_cap(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    person = await resident_on(emulator, app, 508)
    async with app.sessions.begin() as session:
        stored = await session.get(Person, person.id)
        assert stored is not None
        stored.opt_outs = ["reminders"]
        stored.nudges_per_week = 1
    async with app.sessions.begin() as session:
        messages = [
            outbox.Message(person.id, "test_reminder"),
            outbox.Message(person.id, "test_nudge", "a"),
            outbox.Message(person.id, "test_nudge", "b"),
        ]
        await outbox.enqueue(session, messages, now=app.clock.now())
    sender = sender_of(app, bot_api)
    for _ in range(3):  # one message per chat per batch
        await sender.send_due()
        clock.advance(timedelta(seconds=2))
    async with app.sessions() as session:
        rows = list(await session.scalars(select(Delivery).order_by(Delivery.id)))
    assert [(r.status, r.last_error) for r in rows] == [
        (DeliveryStatus.CANCELLED, "opted out"),
        (DeliveryStatus.SENT, None),
        (DeliveryStatus.CANCELLED, "weekly nudge cap"),
    ]
    assert len(emulator.user(508).messages) == 1


async def _hello(ctx: object, delivery: object) -> Reply:
    return Reply(Html("hello"))


async def test_rows_left_sending_by_a_crash_are_sent_after_restart(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator
) -> None:
    person = await resident_on(emulator, app, 509)
    await notify(app, person)
    async with app.sessions.begin() as session:  # a sender claimed it and died
        row = await session.scalar(select(Delivery))
        assert row is not None
        row.status = DeliveryStatus.SENDING
        row.next_attempt_at = app.clock.now() + timedelta(minutes=2)
    sender = sender_of(app, bot_api)
    assert await sender.recover() == 1
    assert await sender.send_due() == 1
    assert len(emulator.user(509).messages) == 1


async def test_a_scheduled_broadcast_goes_out_once_framed_in_each_language(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    from bot.domain import broadcasts
    from bot.domain.models import Area, Broadcast

    ann = await resident_on(emulator, app, 601, locale="nl", area="taagdreef")
    ali = await resident_on(emulator, app, 602, locale="ar", area="taagdreef")
    await resident_on(emulator, app, 603, locale="en", area="tigrisdreef")  # not in the audience
    at = clock.now() + timedelta(hours=1)
    async with app.sessions.begin() as session:
        taagdreef = await session.scalar(select(Area).where(Area.slug == "taagdreef"))
        assert taagdreef is not None and ann.neighbourhood_id is not None
        item = Broadcast(
            neighbourhood_id=ann.neighbourhood_id,
            text="Koffie <gratis> & taart",
            audience={"areas": [taagdreef.id]},
            created_at=clock.now(),
        )
        session.add(item)
        await session.flush()
        assert await broadcasts.audience_size(session, item) == 2
        broadcasts.schedule(item, at)
    sender = sender_of(app, bot_api)
    assert await sweep(app, "scheduled_broadcasts") == 0  # not yet
    clock.set(at)
    assert await sweep(app, "scheduled_broadcasts") == 2
    assert await sweep(app, "scheduled_broadcasts") == 0
    await sender.send_due()

    (dutch,) = emulator.user(601).messages
    (arabic,) = emulator.user(602).messages
    assert emulator.user(603).messages == []
    assert dutch.text.endswith("Koffie <gratis> & taart")  # shown as typed
    header = translator("ar")._(
        "Message from the coordinators of {neighbourhood}", neighbourhood="Overvecht"
    )
    assert header in arabic.text
    async with app.sessions() as session:
        report = await broadcasts.report(session, item.id)
    assert (report.sent, report.waiting, report.unreachable, report.failed) == (2, 0, 0, 0)
    assert ali.id != ann.id


async def test_a_cancelled_broadcast_is_not_sent(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    from bot.domain import broadcasts
    from bot.domain.models import Broadcast

    ann = await resident_on(emulator, app, 611)
    async with app.sessions.begin() as session:
        assert ann.neighbourhood_id is not None
        item = Broadcast(neighbourhood_id=ann.neighbourhood_id, text="x", created_at=clock.now())
        session.add(item)
        broadcasts.schedule(item, clock.now())
        assert broadcasts.cancel(item)
    assert await sweep(app, "scheduled_broadcasts") == 0
    assert emulator.user(611).messages == []


async def sweep(app: App, name: str) -> int:
    from bot.jobs.sweeps import SWEEPS

    async with app.sessions.begin() as session:
        return await SWEEPS[name](session, app.clock.now())
