"""SIGTERM to a real `wijkbot run` (polling, METRICS_PORT): the work in flight ends, nothing more.

    SIGTERM ──> no more getUpdates ──> the answer and the message in flight are finished
            ──> the rest of the sender's batch goes back to pending ──> leader lock
                released ──> exit 0, within SHUTDOWN_TIMEOUT
    a send that hangs ──> cancelled after SHUTDOWN_TIMEOUT, still exit 0 (and every log
                          line, with LOG_FORMAT=json, one JSON object); the answer
                          stays owed in the database for the next process (its lease
                          runs out: tests/e2e/test_durable_answers.py)

Telegram is the emulator, slowed down so that there is something in flight.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.delivery import outbox
from bot.domain.models import Delivery, DeliveryStatus, ReceivedUpdate, UpdateStatus
from bot.emulator import BotAPIEmulator
from bot.i18n import N_
from tests.e2e.processes import Process, until
from tests.factories import resident

PAYLOAD = {"msgid": N_("Done: I will now write to you in {language}."), "params": {"language": "X"}}


@pytest.fixture
async def wijkbot(
    emulator: BotAPIEmulator, database_url: str, runtime: str, seeded: App
) -> AsyncIterator[Process]:
    process = Process(emulator, database_url, runtime)
    try:
        yield process
    finally:
        await process.kill()


async def notify(app: App, person_ids: list[int]) -> None:
    messages = [
        outbox.Message(person_id, "notice", "s", payload=PAYLOAD) for person_id in person_ids
    ]
    async with app.sessions.begin() as session:  # due now, by the process's (real) clock
        await outbox.enqueue(session, messages, now=datetime.now(UTC))


async def deliveries(app: App, kind: str | None = None) -> dict[str, int]:
    """The outbox by status (of one kind: a sweep may add messages for the residents too)."""
    query = select(Delivery.status, func.count()).group_by(Delivery.status)
    if kind is not None:
        query = query.where(Delivery.kind == kind)
    async with app.sessions() as session:
        return {
            DeliveryStatus(status).value: count for status, count in await session.execute(query)
        }


async def answers_owed(app: App) -> int:
    async with app.sessions() as session:
        owed = await session.scalar(
            select(func.count()).where(
                ReceivedUpdate.status == UpdateStatus.DONE, ReceivedUpdate.answer.is_not(None)
            )
        )
        return int(owed or 0)


async def test_sigterm_finishes_the_answer_and_the_message_in_flight_then_exits_0(
    wijkbot: Process, emulator: BotAPIEmulator, seeded: App
) -> None:
    await wijkbot.start()
    status, body = await wijkbot.get("/metrics")  # polling mode: on METRICS_PORT
    assert status == 200 and "wijkbot_leader 1.0" in body

    people = [await resident(seeded, 8100 + n) for n in range(3)]
    for person in people:
        emulator.user(person.identities[0].chat_id)
    user = emulator.user(8200, first_name="Sanne", language_code="nl")
    emulator.faults.delay("sendMessage", 2.0)  # every message takes 2 s to go out
    await user.send("/start")
    await notify(seeded, [person.id for person in people])

    async def both_in_flight() -> bool:  # the answer is owed and the batch claimed
        notices = await deliveries(seeded, "notice")
        return await answers_owed(seeded) == 1 and notices.get("sending") == 3

    await until(both_in_flight)
    took = await wijkbot.terminate(within=15)
    assert wijkbot.process is not None and wijkbot.process.returncode == 0, wijkbot.logs

    (answer,) = await user.replies(timeout=1)  # the answer in flight arrived
    assert answer.buttons[0][0] == "Nederlands"  # the language question
    assert await answers_owed(seeded) == 0  # and is marked sent
    outbox = await deliveries(seeded)  # in flight: sent; the rest of the batch: back
    assert outbox["sent"] == 1 and "sending" not in outbox and outbox["pending"] >= 2, outbox
    assert took < 10, took  # two sends of 2 s in parallel, not the whole batch of 3
    for line in ("bot.stopping", "delivery.released rows=", "leader.released", "bot.stopped"):
        assert line in wijkbot.logs, line
    assert wijkbot.logs.index("leader.released") < wijkbot.logs.index("bot.stopped")
    assert "Sanne" not in wijkbot.logs


async def test_a_send_that_hangs_is_cut_off_after_the_shutdown_timeout_logged_as_json(
    wijkbot: Process, emulator: BotAPIEmulator, seeded: App
) -> None:
    wijkbot.env.update(SHUTDOWN_TIMEOUT="2", LOG_FORMAT="json")
    await wijkbot.start()
    user = emulator.user(8300, first_name="Joris", language_code="nl")
    emulator.faults.delay("sendMessage", 60.0)
    await user.send("/start")

    async def owed() -> bool:
        return await answers_owed(seeded) == 1

    await until(owed)
    took = await wijkbot.terminate(within=20)
    assert wijkbot.process is not None and wijkbot.process.returncode == 0, wijkbot.logs
    assert 2 <= took < 15, took
    lines = [json.loads(line) for line in wijkbot.logs.splitlines()]  # every line is JSON
    events = {line["event"]: line for line in lines}
    assert events["bot.started"]["mode"] == "polling" and events["bot.stop_forced"]["after"] == 2
    assert {"leader.acquired", "metrics.listening", "bot.stopping", "bot.stopped"} <= set(events)
    assert "Joris" not in wijkbot.logs and emulator.token.split(":")[1] not in wijkbot.logs
    assert await answers_owed(seeded) == 1  # still owed: the next process sends it
