"""/metrics and /readyz of a running Wijkbot in webhook mode, scraped as Prometheus would.

Every metric docs/operations.md names is on /metrics and moves when its thing
happens: updates received, processed and failed, step latency, the intake's
backlog and its oldest age, the outbox by status and kind, sends by result
(sent, 429, 403, 4xx, 5xx), time waiting for limits, sweep durations, leader.
Counters are per process (and the tests share one), so each check is a difference.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete, text

from bot.clock import ManualClock
from bot.delivery import outbox
from bot.domain.models import ReceivedUpdate, UpdateStatus
from bot.emulator import BotAPIEmulator
from bot.i18n import N_
from bot.jobs.sweeps import SWEEPS
from tests.e2e.chat import onboard
from tests.e2e.conftest import RunningBot, running_webhook_bot
from tests.factories import resident

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
HELLO = N_("Done: I will now write to you in {language}.")
PAYLOAD = {"msgid": HELLO, "params": {"language": "X"}}
READY_BACKLOG = 5


@pytest.fixture
async def watched_bot(
    database_url: str, emulator: BotAPIEmulator, clock: ManualClock, runtime: str
) -> AsyncIterator[RunningBot]:
    """A webhook bot whose chats get a message every 2 s, ready up to 5 updates waiting."""
    async with running_webhook_bot(
        database_url,
        emulator,
        clock,
        runtime,
        delivery_private_rate=0.5,
        ready_backlog=READY_BACKLOG,
    ) as running:
        yield running


async def scrape(bot: RunningBot) -> Samples:
    async with aiohttp.ClientSession() as http:
        response = await http.get(f"http://{bot.settings.listen}/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        body = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def ready(bot: RunningBot) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http:
        response = await http.get(f"http://{bot.settings.listen}/readyz")
        return response.status, await response.json()


async def until(condition: Any, within: float = 15.0) -> None:
    for _ in range(int(within / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not reached in time")


async def test_every_metric_is_scraped_and_moves(
    watched_bot: RunningBot, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    bot = watched_bot
    assert bot.app is not None and bot.runtime is not None

    async def swept() -> bool:  # every sweep runs once at the start
        samples = await scrape(bot)
        return all(
            value(samples, "wijkbot_sweep_seconds_count", sweep=name) >= 1
            and value(samples, "wijkbot_sweep_last_run_timestamp_seconds", sweep=name) > 0
            for name in [*SWEEPS, "retention"]
        )

    await until(swept)
    before = await scrape(bot)
    assert value(before, "wijkbot_leader") == 1.0  # the only process: it leads

    # A resident onboards (4 steps), then sends /help, whose step raises once and is
    # retried after a pause.
    user = emulator.user(7101, first_name="Noor", language_code="nl")
    await onboard(user, "nl")
    conversation = bot.app.conversation
    handle, raised = conversation.handle, []

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        if not raised:
            raised.append(True)
            raise RuntimeError("a bug in one step")
        return await handle(*args, **kwargs)

    conversation.handle = flaky  # type: ignore[method-assign]
    await user.send("/help")

    async def failed_once() -> bool:
        return bool(raised)

    await until(failed_once)
    clock.advance(timedelta(seconds=5))  # the retry's pause
    assert await user.replies(timeout=10)
    answered = await scrape(bot)
    for name, moved in (
        ("wijkbot_updates_received_total", 5),
        ("wijkbot_updates_processed_total", 5),
        ("wijkbot_updates_failed_total", 1),
        ("wijkbot_step_seconds_count", 6),  # five steps and the one that raised
    ):
        assert value(answered, name) - value(before, name) == moved, name
    assert value(answered, "wijkbot_step_seconds_sum") > value(before, "wijkbot_step_seconds_sum")

    # Six pushed messages, Telegram answering 403, 400, 500 and 429 to the first four; a
    # seventh to a chat that just had one waits for that chat's interval.
    people = [await resident(bot.app, 7200 + n) for n in range(6)]
    for person in people:
        emulator.user(person.identities[0].chat_id)
    emulator.faults.fail("sendMessage", 403, times=1)
    emulator.faults.fail("sendMessage", 400, times=1)
    emulator.faults.fail("sendMessage", 500, times=1)
    emulator.faults.fail("sendMessage", 429, times=1, retry_after=1)
    await notify(bot, [(person.id, "first") for person in people])
    await notify(bot, [(people[-1].id, "second")])
    bot.runtime.background.sender.wake()

    async def all_tried() -> bool:
        return len(emulator.calls_for("sendMessage")) >= 6

    await until(all_tried)
    for _ in range(3):  # the 429's row and the chat's second message come due
        clock.advance(timedelta(seconds=3))
        bot.runtime.background.sender.wake()
        await asyncio.sleep(1.0)

    async def settled() -> bool:
        samples = await scrape(bot)
        sent = value(samples, "wijkbot_sends_total", result="sent")
        return sent - value(before, "wijkbot_sends_total", result="sent") >= 4

    await until(settled, within=20)
    after = await scrape(bot)
    for result in ("sent", "429", "403", "4xx", "5xx"):
        moved = value(after, "wijkbot_sends_total", result=result) - value(
            before, "wijkbot_sends_total", result=result
        )
        assert moved >= 1, result
    for limit in ("global", "chat"):
        waited = value(after, "wijkbot_limit_wait_seconds_total", limit=limit) - value(
            before, "wijkbot_limit_wait_seconds_total", limit=limit
        )
        assert waited > 0, limit
    assert value(after, "wijkbot_outbox_rows", status="sent", kind="notice") >= 4
    assert value(after, "wijkbot_outbox_rows", status="failed", kind="notice") == 1  # the 400
    assert value(after, "wijkbot_outbox_rows", status="unreachable", kind="notice") == 1
    assert value(after, "wijkbot_outbox_rows", status="pending", kind="notice") <= 1  # the 5xx
    assert value(after, "wijkbot_database_up") == 1.0
    assert value(after, "process_cpu_seconds_total") > 0
    assert value(after, "wijkbot_intake_backlog") == 0
    assert "Noor" not in str(after)  # labels are kinds and results, never a person


async def test_readyz_is_503_while_the_backlog_is_over_the_limit_or_the_schema_behind(
    watched_bot: RunningBot, clock: ManualClock
) -> None:
    bot = watched_bot
    assert bot.app is not None

    async def started() -> bool:  # not ready until the scheduler and sender run
        return (await ready(bot))[0] == 200

    await until(started)
    status, body = await ready(bot)
    assert status == 200 and body["status"] == "ready", body
    assert set(body["checks"]) == {"database", "schema", "background", "backlog"}
    assert body["checks"]["background"]["leader"] is True

    # Updates that cannot be processed (no payload) stay in the backlog, the oldest a minute.
    async with bot.app.sessions.begin() as session:
        for n in range(READY_BACKLOG + 1):
            session.add(stuck_update(9000 + n, clock.now() - timedelta(seconds=60 - n)))
    status, body = await ready(bot)
    assert status == 503 and body["status"] == "not_ready"
    backlog = body["checks"]["backlog"]
    assert backlog == {"ok": False, "waiting": 6, "limit": 5, "oldest_seconds": 60.0}
    assert body["checks"]["database"]["ok"] and body["checks"]["schema"]["ok"]
    samples = await scrape(bot)
    assert value(samples, "wijkbot_intake_backlog") == 6
    assert value(samples, "wijkbot_intake_oldest_seconds") == 60.0

    async with bot.app.sessions.begin() as session:  # back to the limit: ready again
        await session.execute(delete(ReceivedUpdate).where(ReceivedUpdate.update_id == 9000))
    status, body = await ready(bot)
    assert status == 200 and body["checks"]["backlog"]["waiting"] == READY_BACKLOG

    head = body["checks"]["schema"]["revision"]
    async with bot.app.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        status, body = await ready(bot)
        assert status == 503
        assert body["checks"]["schema"] == {"ok": False, "revision": "0001", "expected": head}
    finally:
        async with bot.app.engine.begin() as connection:
            await connection.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head}
            )
    assert (await ready(bot))[0] == 200


def stuck_update(update_id: int, received_at: Any) -> ReceivedUpdate:
    return ReceivedUpdate(
        messenger="telegram",
        update_id=update_id,
        chat_key="telegram:backlog",
        payload=None,
        status=UpdateStatus.PENDING,
        attempts=0,
        received_at=received_at,
    )


async def notify(bot: RunningBot, recipients: list[tuple[int, str]]) -> None:
    assert bot.app is not None
    messages = [
        outbox.Message(person_id, "notice", subject, payload=PAYLOAD)
        for person_id, subject in recipients
    ]
    async with bot.app.sessions.begin() as session:
        await outbox.enqueue(session, messages, now=bot.app.clock.now())
