"""One message can never stop the others: failing rows are marked, the sender is supervised.

The transport here is a recording stand-in at the sender's boundary; the same
stories run through the real runtimes in tests/e2e/test_sender_survives.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.app import App
from bot.chat.replies import File, Reply
from bot.delivery import outbox
from bot.delivery.kinds import KINDS, Kind, RenderContext
from bot.delivery.preferences import Category
from bot.delivery.sender import Sender, SenderSettings
from bot.delivery.transport import Outcome, Result
from bot.domain.models import Delivery, DeliveryStatus, Person
from bot.handlers.webhook import webhook_app
from bot.i18n import Html
from bot.jobs import scheduler
from bot.jobs.background import Background, Health, State
from tests.factories import resident

FAST = SenderSettings(per_second=1000, private_per_second=1000, group_per_minute=60_000)


class Recording:
    """A transport that sends everything except to `broken` chats, where it raises."""

    def __init__(self, *broken: int) -> None:
        self.broken = set(broken)
        self.sent: list[tuple[int, Reply]] = []

    async def deliver(self, chat_id: int, reply: Reply, *, paid: bool = False) -> Outcome:
        if chat_id in self.broken:
            raise ConnectionResetError("peer went away")  # not a Telegram outcome
        self.sent.append((chat_id, reply))
        return Outcome(Result.SENT, message_id=len(self.sent))


async def _too_long_caption(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    return Reply(Html("😀" * 600), picture=File("p.jpg", file_id="x"))  # 1200 of 1024


async def _broken_render(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    return Reply(Html(delivery.payload["missing"]))  # a bug: KeyError


async def _hello(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    return Reply(Html("hello"))


@pytest.fixture(autouse=True)
def test_kinds() -> Iterator[None]:
    KINDS["test_too_long"] = Kind("test_too_long", Category.SERVICE, _too_long_caption)
    KINDS["test_broken"] = Kind("test_broken", Category.SERVICE, _broken_render)
    KINDS["test_hello"] = Kind("test_hello", Category.SERVICE, _hello)
    yield
    del KINDS["test_too_long"], KINDS["test_broken"], KINDS["test_hello"]


async def enqueue(app: App, person: Person, kind: str) -> None:
    async with app.sessions.begin() as session:
        await outbox.enqueue(session, [outbox.Message(person.id, kind, kind)], now=app.clock.now())


async def outcomes(app: App) -> dict[str, tuple[DeliveryStatus, str | None]]:
    async with app.sessions() as session:
        rows = await session.execute(select(Delivery.kind, Delivery.status, Delivery.last_error))
        return {kind: (status, error) for kind, status, error in rows}


def sender(app: App, transport: Recording) -> Sender:
    return Sender(app.sessions, app.clock, transport, FAST, app.settings.zone)


async def test_unrenderable_rows_fail_with_their_reason_and_the_others_are_sent(app: App) -> None:
    people = [await resident(app, 9000 + n, first_name=f"P{n}") for n in range(3)]
    await enqueue(app, people[0], "test_too_long")
    await enqueue(app, people[1], "test_broken")
    await enqueue(app, people[2], "test_hello")
    transport = Recording()

    assert await sender(app, transport).send_due() == 3

    assert [chat for chat, _ in transport.sent] == [9002]
    found = await outcomes(app)
    assert found["test_hello"] == (DeliveryStatus.SENT, None)
    status, error = found["test_too_long"]
    assert status is DeliveryStatus.FAILED
    assert error == "TooLong: reply of 1200 UTF-16 units is over the limit of 1024"
    assert found["test_broken"] == (DeliveryStatus.FAILED, "KeyError")  # no data in the reason
    # A restarted sender finds nothing left to choke on.
    assert await sender(app, Recording()).send_due() == 0


async def test_a_transport_exception_on_one_row_does_not_stop_the_others(app: App) -> None:
    people = [await resident(app, 9100 + n) for n in range(3)]
    for person in people:
        await enqueue(app, person, "test_hello")
    transport = Recording(9101)

    assert await sender(app, transport).send_due() == 3

    assert sorted(chat for chat, _ in transport.sent) == [9100, 9102]
    async with app.sessions() as session:
        rows = (
            await session.execute(select(Delivery.person_id, Delivery.status, Delivery.last_error))
        ).all()
    by_person = {person_id: (status, error) for person_id, status, error in rows}
    assert by_person[people[1].id] == (DeliveryStatus.FAILED, "ConnectionResetError")
    assert by_person[people[0].id][0] is by_person[people[2].id][0] is DeliveryStatus.SENT


async def test_a_crashed_sender_is_restarted_with_backoff_and_logged(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    background = Background(app, Recording(), sweep_every=3600, backoff=(0.01, 0.02))
    runs = 0
    running = asyncio.Event()

    async def crashing_twice(stop: asyncio.Event) -> None:
        nonlocal runs
        runs += 1
        if runs <= 2:
            raise RuntimeError("database connection lost")
        running.set()
        await stop.wait()

    background.sender.run = crashing_twice  # type: ignore[method-assign]
    stop = asyncio.Event()
    with caplog.at_level(logging.ERROR, logger="bot.jobs.background"):
        task = asyncio.create_task(background.run(stop))
        await asyncio.wait_for(running.wait(), 10)
        health = background.health
        assert (health.sender, health.sender_restarts) == (State.RUNNING, 2)
        assert health.last_error == "RuntimeError" and health.ok
        stop.set()
        await asyncio.wait_for(task, 10)
    crashes = [r for r in caplog.records if r.getMessage() == "sender.crashed"]
    assert len(crashes) == 2 and crashes[0].levelno == logging.ERROR
    assert crashes[0].fields["error"] == "RuntimeError"  # type: ignore[attr-defined]
    assert "database connection lost" not in caplog.text
    assert background.health.sender is State.STOPPED


async def test_a_failing_sweep_is_logged_counted_and_runs_again(
    app: App, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def failing(session: object, now: object) -> int:
        raise ValueError("person 7 typed something")

    monkeypatch.setattr(scheduler, "SWEEPS", {"broken": failing})
    background = Background(app, Recording(), sweep_every=0.05)
    stop = asyncio.Event()
    with caplog.at_level(logging.ERROR, logger="bot.jobs.scheduler"):
        task = asyncio.create_task(background.run(stop))
        for _ in range(200):
            if background.health.sweep_failures >= 2:  # failed, and the scheduler went on
                break
            await asyncio.sleep(0.05)
        health = background.health
        assert health.scheduler is State.RUNNING and health.sender is State.RUNNING
        stop.set()
        await asyncio.wait_for(task, 10)
    assert health.sweep_failures >= 2 and health.last_sweep_error == "broken: ValueError"
    failures = [r for r in caplog.records if r.getMessage() == "sweep.failed"]
    assert failures and failures[0].fields == {"sweep": "broken", "error": "ValueError"}  # type: ignore[attr-defined]
    assert "typed something" not in caplog.text


async def test_healthz_shows_the_sender_and_answers_503_while_it_is_down(app: App) -> None:
    health = Health(sender=State.RUNNING, scheduler=State.RUNNING)
    application = webhook_app("http://x/hook", "s", app.intake, app.intake.record, health)
    async with TestClient(TestServer(application)) as client:
        fine = await client.get("/healthz")
        body = await fine.json()
        assert fine.status == 200
        assert body["status"] == "ok" and body["sender"] == "running"
        assert body["sender_restarts"] == 0

        health.sender, health.sender_restarts, health.crashes_in_a_row = State.RESTARTING, 1, 1
        health.last_error = "RuntimeError"
        down = await client.get("/healthz")
        body = await down.json()
        assert down.status == 503
        assert body["status"] == "sender_down" and body["sender"] == "restarting"
        assert body["sender_last_error"] == "RuntimeError"

        health.sender, health.crashes_in_a_row = State.RUNNING, 3  # up, but crashing in a loop
        health.running_since = time.monotonic()
        assert (await client.get("/healthz")).status == 503
        health.running_since = time.monotonic() - 61  # steady for a minute since
        assert (await client.get("/healthz")).status == 200
