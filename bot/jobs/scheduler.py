"""APScheduler running the sweeps; the outbox, not the scheduler, remembers what is due.

Jobs are recurring sweeps defined in code (re-created at start), so the
scheduler holds no state worth persisting: persistent schedules, such as a
coordinator's broadcast for Friday 10:00, are rows in the database that a
sweep picks up when their time has come.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.clock import Clock
from bot.domain import operations
from bot.jobs.retention import Retention, retention_sweep
from bot.jobs.sweeps import SWEEPS
from bot.logs import event

log = logging.getLogger(__name__)
Sweep = Callable[[AsyncSession, datetime], Awaitable[int]]
SWEEP_SECONDS = 60
RETENTION_SECONDS = 3600.0  # retention periods are days: hourly is precise enough


async def guarded_sweep(
    name: str,
    sweep: Sweep,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    on_enqueued: Callable[[], None],
    on_failure: Callable[[str, Exception], None],
) -> int:
    """A sweep as the scheduler runs it: a failure is logged by type, counted, and the next
    run comes as planned (a sweep is idempotent, so it catches up then). Each run, good or
    bad, is written down for `wijkbot admin status` (and timed for /metrics)."""
    started = time.perf_counter()
    try:
        added = await metrics.timed(
            metrics.SWEEP_SECONDS.labels(sweep=name),
            run_sweep(name, sweep, sessions, clock, on_enqueued),
        )
        metrics.SWEEP_LAST_RUN.labels(sweep=name).set_to_current_time()
        await _record(sessions, clock, name, time.perf_counter() - started, added)
        return added
    except asyncio.CancelledError:
        # Stopping. Cancelled while handling a failure, the cancellation would carry that
        # failure (and its message, which may hold what someone typed) into the scheduler's
        # own log: it goes on alone.
        raise asyncio.CancelledError() from None
    except Exception as exc:
        event(log, "sweep.failed", logging.ERROR, sweep=name, error=type(exc).__name__)
        metrics.SWEEP_FAILURES.labels(sweep=name).inc()
        on_failure(name, exc)
        await _record(sessions, clock, name, time.perf_counter() - started, 0, type(exc).__name__)
        return 0


async def _record(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    name: str,
    seconds: float,
    added: int,
    error: str | None = None,
) -> None:
    """Write the run down; not being able to (the database is away) is only logged."""
    try:
        async with sessions.begin() as session:
            await operations.record_sweep(session, name, clock.now(), seconds, added, error)
    except Exception as exc:
        event(log, "sweep.record_failed", logging.WARNING, sweep=name, error=type(exc).__name__)


async def run_sweep(
    name: str,
    sweep: Sweep,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    on_enqueued: Callable[[], None],
) -> int:
    async with sessions.begin() as session:
        added = await sweep(session, clock.now())
    if added:
        event(log, "sweep.enqueued", sweep=name, messages=added)
        on_enqueued()
    return added


def make_scheduler(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    on_enqueued: Callable[[], None],
    *,
    every: float = SWEEP_SECONDS,
    on_failure: Callable[[str, Exception], None],
    retention: Retention | None = None,
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    jobs = [(name, sweep, every) for name, sweep in SWEEPS.items()]
    jobs.append(("retention", retention_sweep(retention or Retention()), RETENTION_SECONDS))
    for name, sweep, seconds in jobs:
        scheduler.add_job(
            guarded_sweep,
            IntervalTrigger(seconds=seconds),
            args=(name, sweep, sessions, clock, on_enqueued, on_failure),
            id=name,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
    return scheduler
