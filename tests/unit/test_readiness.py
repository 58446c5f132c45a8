"""/readyz and /metrics when something is wrong: no database, a sender down, a standby."""

from __future__ import annotations

import time

from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.clock import SystemClock
from bot.domain import db
from bot.handlers.intake import Intake
from bot.handlers.webhook import webhook_app
from bot.jobs.background import Health, State


async def readyz(application: object) -> tuple[int, dict[str, object]]:
    async with TestClient(TestServer(application)) as client:  # type: ignore[arg-type]
        response = await client.get("/readyz")
        return response.status, await response.json()


async def test_no_database_is_not_ready_and_metrics_say_so() -> None:
    engine = db.make_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        intake = Intake(db.make_sessions(engine), SystemClock())
        application = webhook_app("http://x/hook", "s", intake, intake.record)
        status, body = await readyz(application)
        assert status == 503
        assert body == {
            "status": "not_ready",
            "checks": {"database": {"ok": False, "error": "ConnectionRefusedError"}},
        }
        async with TestClient(TestServer(application)) as client:
            scraped = await (await client.get("/metrics")).text()
            assert "wijkbot_database_up 0.0" in scraped
            assert (await client.get("/healthz")).status == 503
    finally:
        await engine.dispose()


async def test_the_leader_is_ready_while_its_scheduler_and_sender_run(app: App) -> None:
    health = Health(sender=State.RUNNING, scheduler=State.RUNNING, backlog_limit=10)
    application = webhook_app("http://x/hook", "s", app.intake, app.intake.record, health)
    status, body = await readyz(application)
    assert status == 200
    assert body["checks"]["background"] == {  # type: ignore[index]
        "ok": True,
        "leader": True,
        "sender": "running",
        "scheduler": "running",
        "sender_last_error": None,
    }
    assert body["checks"]["backlog"]["limit"] == 10  # type: ignore[index]

    health.sender, health.last_error = State.RESTARTING, "RuntimeError"
    status, body = await readyz(application)
    assert status == 503 and body["checks"]["background"]["ok"] is False  # type: ignore[index]

    health.sender, health.crashes_in_a_row = State.RUNNING, 3  # crashing in a loop
    health.running_since = time.monotonic()
    assert (await readyz(application))[0] == 503

    health.sender = health.scheduler = State.STANDBY  # another process leads: ready
    status, body = await readyz(application)
    assert status == 200 and body["checks"]["background"]["leader"] is False  # type: ignore[index]

    health.sender = health.scheduler = State.STARTING  # not yet leading nor standing by
    assert (await readyz(application))[0] == 503
