"""The Prometheus metrics of a Wijkbot process, in one place (docs/operations.md explains each).

Counters and histograms are moved where the work happens (the intake's processor,
the sender, the sweeps, the leader); the gauges that describe the database (the
intake's backlog, the outbox by status and kind) are set by a query when
`/metrics` is scraped, so they are the same whichever process answers:

    webhook / polling ──> UPDATES_RECEIVED
    processor ─────────> UPDATES_PROCESSED · UPDATES_FAILED · STEP_SECONDS
    sender ────────────> SENDS{result} · LIMIT_WAIT_SECONDS{limit}
    scheduler ─────────> SWEEP_SECONDS{sweep} · SWEEP_FAILURES{sweep} · SWEEP_LAST_RUN{sweep}
    leader ────────────> LEADER
    scrape ────────────> INTAKE_BACKLOG · INTAKE_OLDEST_SECONDS · OUTBOX_ROWS{status,kind}
                         · DATABASE_UP

Labels only ever take a few fixed values (a result, a sweep's name, a message
kind, a status): never an id, a chat or anything a person typed.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from typing import TypeVar

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram
from prometheus_client import generate_latest as _generate_latest

T = TypeVar("T")
CONTENT_TYPE = CONTENT_TYPE_LATEST

UPDATES_RECEIVED = Counter(
    "wijkbot_updates_received", "Updates this process received from Telegram (webhook or polling)"
)
UPDATES_PROCESSED = Counter(
    "wijkbot_updates_processed", "Updates whose step this process ran and committed"
)
UPDATES_FAILED = Counter(
    "wijkbot_updates_failed", "Steps that raised (the update is retried, or failed after 3 tries)"
)
STEP_SECONDS = Histogram(
    "wijkbot_step_seconds",
    "Time one update's step took, from its transaction's start to its commit",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
INTAKE_BACKLOG = Gauge(
    "wijkbot_intake_backlog", "Updates stored and not yet done (pending or processing)"
)
INTAKE_OLDEST_SECONDS = Gauge(
    "wijkbot_intake_oldest_seconds", "Age of the oldest update not yet done (0: none waits)"
)
OUTBOX_ROWS = Gauge("wijkbot_outbox_rows", "Rows in the outbox", ["status", "kind"])
SENDS = Counter(
    "wijkbot_sends",
    "Messages the sender tried to send, by what Telegram answered",
    ["result"],  # sent, 429, 403, 4xx, 5xx (also time-outs and network errors), error
)
LIMIT_WAIT_SECONDS = Counter(
    "wijkbot_limit_wait_seconds",
    "Time the sender waited for Telegram's limits",
    ["limit"],  # global (messages a second, and a 429's pause), paid (broadcasts), chat
)
SWEEP_SECONDS = Histogram(
    "wijkbot_sweep_seconds",
    "Time one run of a sweep took",
    ["sweep"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
SWEEP_FAILURES = Counter("wijkbot_sweep_failures", "Sweep runs that raised", ["sweep"])
SWEEP_LAST_RUN = Gauge(
    "wijkbot_sweep_last_run_timestamp_seconds", "When a sweep last ended without error", ["sweep"]
)
DATABASE_UP = Gauge(
    "wijkbot_database_up", "1 when the database answered the last scrape's queries, else 0"
)
LEADER = Gauge(
    "wijkbot_leader", "1 while this process holds the leader lock (schedules and sends), else 0"
)


async def timed(histogram: Histogram, work: Awaitable[T]) -> T:
    """Await `work`, observing how long it took (also when it raises)."""
    started = time.perf_counter()
    try:
        return await work
    finally:
        histogram.observe(time.perf_counter() - started)


def generate_latest() -> bytes:
    """Every metric of this process in Prometheus' text format (with the process_* ones)."""
    return _generate_latest(REGISTRY)
