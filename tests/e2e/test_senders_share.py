"""Several senders at once: one shared rate, each message once, a stopped sender's rows back.

sender A ──┐                          ┌── emulator: paid broadcasts at PAID/s,
sender B ──┼── send_pace ('paid') ──> │   a burst of only 10: a sender that kept
           └── deliveries (SKIP LOCKED) └── its own rate would be told 429
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter

from sqlalchemy import event, func, select, update

from bot.app import App
from bot.delivery import outbox
from bot.delivery.marks import SentMarks
from bot.delivery.pacing import BURST, SharedPace
from bot.delivery.sender import Sender, SenderSettings
from bot.domain.dialect import sender_lock
from bot.domain.models import Broadcast, Delivery, DeliveryStatus
from bot.emulator import BotAPIEmulator
from bot.handlers.botapi import BotApi
from bot.handlers.replying import BotApiTransport
from bot.i18n import N_
from tests.factories import resident

PAID = 100.0  # messages a second for paid broadcasts, in the emulator and in the senders
TOLERATED = 20  # the emulator's burst: two senders each at PAID/s would overdraw it by ~30
RECIPIENTS = 100
HELLO = N_("Done: I will now write to you in {language}.")


def paid_sender(app: App, api: BotApi) -> Sender:
    settings = SenderSettings(
        per_second=30,
        paid_per_second=PAID,
        private_per_second=1000,
        concurrency=4,
        batch=15,  # each claims a part
        paid_broadcast=True,
    )
    return Sender(app.sessions, app.clock, BotApiTransport(api), settings, app.settings.zone)


async def paid_broadcast_to(app: App, emulator: BotAPIEmulator, count: int) -> None:
    people = []
    for user_id in range(7001, 7001 + count):
        emulator.user(user_id, language_code="nl")
        people.append(await resident(app, user_id))
    async with app.sessions.begin() as session:
        item = Broadcast(
            neighbourhood_id=people[0].neighbourhood_id, text="x", created_at=app.clock.now()
        )
        session.add(item)
        await session.flush()
        messages = [
            outbox.Message(
                person.id,
                "notice",
                "paid",
                payload={"msgid": HELLO, "params": {"language": "X"}},
                broadcast_id=item.id,
            )
            for person in people
        ]
        assert await outbox.enqueue(session, messages, now=app.clock.now()) == count


async def test_two_senders_share_the_paid_rate_and_send_each_message_once(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator
) -> None:
    emulator.set_limits(paid_per_second=PAID, paid_burst=TOLERATED, private_burst=1)
    await paid_broadcast_to(app, emulator, RECIPIENTS)
    senders = [paid_sender(app, bot_api), paid_sender(app, bot_api)]

    async def drain(sender: Sender) -> int:
        sent = 0
        while handled := await sender.send_due():
            sent += handled
        return sent

    started = time.monotonic()
    handled = await asyncio.gather(*(drain(sender) for sender in senders))
    elapsed = time.monotonic() - started

    sends = [call for call in emulator.calls if call.method == "sendMessage"]
    refused = Counter(call.error_code for call in sends if not call.ok)
    accepted = Counter(int(call.params["chat_id"]) for call in sends if call.ok)
    assert refused == Counter()  # together they never went faster than Telegram allows
    assert sorted(accepted) == list(range(7001, 7001 + RECIPIENTS))
    assert set(accepted.values()) == {1}  # each resident once
    assert all(call.params.get("allow_paid_broadcast") for call in sends)
    assert sum(handled) == RECIPIENTS and min(handled) > 0  # both took part
    assert elapsed >= (RECIPIENTS - BURST - TOLERATED) / PAID
    async with app.sessions() as session:
        left = await session.scalar(
            select(func.count()).where(Delivery.status != DeliveryStatus.SENT)
        )
    assert left == 0


async def test_a_429_pauses_every_sender_on_that_pace(app: App) -> None:
    first, second = (SharedPace(app.sessions, "global", 1000.0) for _ in range(2))
    await first.wait_turn()
    await first.pause(0.3)
    waited = await second.wait_turn()
    assert waited >= 0.25


async def test_slots_of_two_pacers_never_overlap(app: App) -> None:
    rate = 400.0
    pacers = [SharedPace(app.sessions, "global", rate) for _ in range(2)]
    for _ in range(3):  # both reserving at the same moment, three times
        await asyncio.gather(*(pace._reserve(20) for pace in pacers))
    # The slots themselves, not when a busy machine got round to them: no two closer than
    # the rate allows, whichever sender holds them.
    slots = sorted(slot for pace in pacers for slot in pace._slots)
    assert len(slots) == 120
    assert min(b - a for a, b in itertools.pairwise(slots)) >= 0.999 / rate


async def test_rows_of_a_running_sender_stay_and_of_a_stopped_one_come_back(
    app: App, bot_api: BotApi, emulator: BotAPIEmulator
) -> None:
    await paid_broadcast_to(app, emulator, 3)
    running, stopped, recovering = (paid_sender(app, bot_api) for _ in range(3))
    async with app.sessions.begin() as session:
        ids = list(await session.scalars(select(Delivery.id).order_by(Delivery.id)))
        for row, owner in zip(ids, (running, stopped, stopped), strict=True):
            await session.execute(
                update(Delivery)
                .where(Delivery.id == row)
                .values(status=DeliveryStatus.SENDING, sender=owner.id)
            )
    async with sender_lock(app.engine, running.id):
        if app.engine.dialect.name == "postgresql":
            assert await recovering.recover() == 2  # the stopped sender's two rows
            assert await recovering.recover() == 0
        else:  # one process sends on SQLite: any other sender has stopped
            assert await recovering.recover() == 3
            return
    assert await recovering.recover() == 1  # now the other one stopped too
    async with app.sessions() as session:
        assert set(await session.scalars(select(Delivery.status))) == {DeliveryStatus.PENDING}


async def test_sent_marks_finished_together_share_one_transaction(
    app: App, emulator: BotAPIEmulator
) -> None:
    await paid_broadcast_to(app, emulator, 8)
    async with app.sessions() as session:
        ids = list(await session.scalars(select(Delivery.id)))
    commits: list[object] = []
    count = commits.append  # one bound method, to remove the same listener
    event.listen(app.engine.sync_engine, "commit", count)
    try:
        marks = SentMarks(app.engine)
        now = app.clock.now()
        await asyncio.gather(*(marks.sent(row, now, 100 + row) for row in ids))
    finally:
        event.remove(app.engine.sync_engine, "commit", count)
    assert 1 <= len(commits) < len(ids)  # the first alone, the others together
    async with app.sessions() as session:
        rows = (await session.execute(select(Delivery.status, Delivery.sent_message_id))).all()
    assert sorted(rows) == sorted((DeliveryStatus.SENT, 100 + row) for row in ids)
