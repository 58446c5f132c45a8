"""What an operator's tools ask a running Wijkbot over HTTP: alive, ready, and its metrics.

    GET /healthz   alive: 200 {"status": "ok", "pending_updates": 3, "sender": "running", ...}
                   503 {"status": "unavailable"} (no database), {"status": "sender_down", ...}
    GET /readyz    ready for traffic: the database answers, its schema is current, the
                   scheduler and sender run on the leader (or this process stands by),
                   and the intake's backlog is at most READY_BACKLOG:
                   200 {"status": "ready", "checks": {...}} or 503 {"status": "not_ready", ...}
    GET /metrics   Prometheus' text format (bot/metrics.py; docs/operations.md)

In webhook mode these are routes of the webhook server; in polling mode (and in
`wijkbot send`) they get a server of their own on METRICS_PORT. Bodies hold
states, counts and the types of errors, never their text.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cache

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.clock import Clock
from bot.config import READY_BACKLOG, ConfigError
from bot.domain import db, operations
from bot.jobs.background import Health, State
from bot.logs import event

log = logging.getLogger(__name__)
head_revision = cache(db.head_revision)  # the migrations shipped do not change while running


@dataclass(frozen=True, slots=True)
class Probes:
    """What the endpoints look at: the database, and this process's scheduler and sender
    (None: a process that neither schedules nor sends)."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    background: Health | None

    @property
    def backlog_limit(self) -> int:
        return self.background.backlog_limit if self.background else READY_BACKLOG


def add_routes(application: web.Application, probes: Probes) -> None:
    async def health(_: web.Request) -> web.Response:
        try:
            async with probes.sessions() as session:
                pending = (await operations.backlog(session)).waiting
        except Exception:  # the database is down: tell the load balancer
            return web.json_response({"status": "unavailable"}, status=503)
        body: dict[str, object] = {"status": "ok", "pending_updates": pending}
        if probes.background is not None:
            body.update(probes.background.report())
            if not probes.background.ok:
                body["status"] = "sender_down"
                return web.json_response(body, status=503)
        return web.json_response(body)

    async def ready(_: web.Request) -> web.Response:
        checks = await readiness(probes)
        ok = all(check.get("ok") for check in checks.values())
        body = {"status": "ready" if ok else "not_ready", "checks": checks}
        return web.json_response(body, status=200 if ok else 503)

    async def scrape(_: web.Request) -> web.Response:
        await refresh(probes)
        body = metrics.generate_latest()
        return web.Response(body=body, headers={"Content-Type": metrics.CONTENT_TYPE})

    application.router.add_get("/healthz", health)
    application.router.add_get("/readyz", ready)
    application.router.add_get("/metrics", scrape)


async def readiness(probes: Probes) -> dict[str, dict[str, object]]:
    """Each check with `ok` and what it saw; the database's failure is its error's type."""
    checks: dict[str, dict[str, object]] = {}
    try:
        async with probes.sessions() as session:
            backlog = await operations.backlog(session)
            revision = await db.revision_in(session)
    except Exception as exc:
        checks["database"] = {"ok": False, "error": type(exc).__name__}
        return checks
    checks["database"] = {"ok": True}
    head = head_revision()
    checks["schema"] = {"ok": revision == head, "revision": revision, "expected": head}
    if probes.background is not None:
        checks["background"] = _background_check(probes.background)
    checks["backlog"] = {
        "ok": backlog.waiting <= probes.backlog_limit,
        "waiting": backlog.waiting,
        "limit": probes.backlog_limit,
        "oldest_seconds": round(backlog.oldest_seconds(probes.clock.now()), 1),
    }
    return checks


def _background_check(health: Health) -> dict[str, object]:
    """A standby is ready; the leader is ready while its scheduler and sender run."""
    leading = health.sender in (State.RUNNING, State.RESTARTING)
    if leading:
        ok = health.ok and health.scheduler is State.RUNNING
    else:
        ok = health.sender is State.STANDBY
    return {
        "ok": ok,
        "leader": leading,
        "sender": health.sender.value,
        "scheduler": health.scheduler.value,
        "sender_last_error": health.last_error,
    }


async def refresh(probes: Probes) -> None:
    """Set the gauges that describe the database (the same from every process)."""
    try:
        async with probes.sessions() as session:
            backlog = await operations.backlog(session)
            outbox = await operations.outbox_counts(session)
    except Exception as exc:
        metrics.DATABASE_UP.set(0)
        event(log, "metrics.database_failed", logging.WARNING, error=type(exc).__name__)
        return
    metrics.DATABASE_UP.set(1)
    metrics.INTAKE_BACKLOG.set(backlog.waiting)
    metrics.INTAKE_OLDEST_SECONDS.set(backlog.oldest_seconds(probes.clock.now()))
    metrics.OUTBOX_ROWS.clear()  # a status and kind with no rows left is no longer shown
    for status, kind, count in outbox:
        metrics.OUTBOX_ROWS.labels(status=status, kind=kind).set(count)


@contextlib.asynccontextmanager
async def serving(probes: Probes, host: str, port: int) -> AsyncIterator[None]:
    """/healthz, /readyz and /metrics on a server of their own (polling mode, `send`)."""
    application = web.Application()
    add_routes(application, probes)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:  # not the database's fault (the command line's default reading)
            raise ConfigError(f"METRICS_PORT: cannot listen on {host}:{port}: {exc}") from None
        event(log, "metrics.listening", listen=f"{host}:{port}")
        yield
    finally:
        await runner.cleanup()
