"""The leader's work: the scheduler's sweeps and the sender, until stopped or deposed, supervised.

    run ──> wait to lead ──> scheduler (sweeps) + supervised sender ──> lost/stopped ──> run
     └── anything raised (database away) ──> log, back off 1 s .. 60 s, again

    supervised sender: run ──crash──> ERROR sender.crashed, back off, run again (recover()
                       puts the rows it held back in the queue)

A sweep that raises is logged and counted, and runs again at its next
interval. `Health` is what `GET /healthz` shows: an on-call engineer sees a
sender that keeps crashing there (503), not only in the logs.

The background stands on the infrastructure alone (settings, clock, engine,
sessions) and the messengers' transports (one per `Identity.messenger`; a single
one is Telegram's): not on the composition root, the conversations or the
Telegram intake. With both channels, the one sender sends to both.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.config import READY_BACKLOG
from bot.delivery.sender import Sender, SenderSettings
from bot.delivery.transport import PushTransport, Transport
from bot.domain.infrastructure import Infrastructure
from bot.jobs.leader import Leadership, LeadershipLost
from bot.jobs.retention import Retention
from bot.jobs.scheduler import make_scheduler
from bot.logs import event

log = logging.getLogger(__name__)
CRASH_LOOP = 3  # crashes in a row, each soon after its start: the sender counts as down
STEADY = 60.0  # seconds a sender ran before crashing for its crash to start the backoff over


class State(StrEnum):
    STARTING = "starting"
    STANDBY = "standby"  # another process leads; this one takes over when it dies
    RUNNING = "running"
    RESTARTING = "restarting"  # crashed; waiting out its backoff
    STOPPED = "stopped"


@dataclass(slots=True)
class Health:
    """The background's state as `/healthz` reports it (types of errors, never their text)."""

    sender: State = State.STARTING
    scheduler: State = State.STARTING
    sender_restarts: int = 0
    crashes_in_a_row: int = 0
    last_error: str | None = None
    sweep_failures: int = 0
    last_sweep_error: str | None = None
    running_since: float = field(default_factory=time.monotonic)
    backlog_limit: int = READY_BACKLOG  # updates waiting above which /readyz says "not ready"

    @property
    def ok(self) -> bool:
        """False while the sender is down, or restarting in a loop and not steady since."""
        if self.sender is State.RESTARTING:
            return False
        steady = time.monotonic() - self.running_since > STEADY
        return self.crashes_in_a_row < CRASH_LOOP or steady

    def report(self) -> dict[str, Any]:
        return {
            "sender": self.sender.value,
            "sender_restarts": self.sender_restarts,
            "sender_last_error": self.last_error,
            "scheduler": self.scheduler.value,
            "sweep_failures": self.sweep_failures,
            "last_sweep_error": self.last_sweep_error,
        }


Transports = Transport | Mapping[str, Transport | PushTransport]


def sender_for(parts: Infrastructure, transports: Transports) -> Sender:
    settings = parts.settings
    return Sender(
        parts.sessions,
        parts.clock,
        transports,
        SenderSettings(
            per_second=settings.delivery_rate,
            paid_per_second=settings.delivery_paid_rate,
            private_per_second=settings.delivery_private_rate,
            group_per_minute=settings.delivery_group_per_minute,
            concurrency=settings.delivery_concurrency,
            paid_broadcast=settings.allow_paid_broadcast,
            whatsapp_per_second=settings.delivery_whatsapp_rate,
            whatsapp_pair_per_second=settings.delivery_whatsapp_pair_rate,
            whatsapp_pair_burst=settings.delivery_whatsapp_pair_burst,
        ),
        settings.zone,
    )


class Background:
    def __init__(
        self,
        parts: Infrastructure,
        transports: Transports,
        *,
        sweep_every: float = 60.0,
        backoff: tuple[float, float] = (1.0, 60.0),
    ) -> None:
        self.parts = parts
        self.sender = sender_for(parts, transports)
        self.sweep_every = sweep_every
        self.backoff = backoff
        self.leadership = Leadership(parts.engine, retry=parts.settings.leader_retry)
        self.health = Health(backlog_limit=parts.settings.ready_backlog)

    def add_transport(self, messenger: str, transport: Transport | PushTransport) -> None:
        """The sender sends to this messenger's people too (one sender for all channels)."""
        self.sender.transports[messenger] = transport

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            self.health.scheduler = self.health.sender = State.STANDBY
            try:
                if not await self.leadership.acquire(stop):
                    break
                await self._lead(stop)
                failures = 0
            except Exception as exc:  # e.g. the database went away: try again, never give up
                failures += 1
                self.health.scheduler = self.health.sender = State.RESTARTING
                self.health.last_error = type(exc).__name__
                delay = self._delay(failures)
                event(log, "background.crashed", logging.ERROR, error=type(exc).__name__)
                await _sleep(stop, delay)
        self.health.scheduler = self.health.sender = State.STOPPED

    async def send_only(self, stop: asyncio.Event) -> None:
        """An extra sender beside the leader's: no scheduler, no leader lock; it shares the
        rate and the outbox with the other senders through the database."""
        self.health.scheduler = State.STANDBY
        await self._supervise_sender(stop)
        self.health.sender = State.STOPPED

    async def _lead(self, stop: asyncio.Event) -> None:
        """Sweeps and sender while this process leads; returns when stopped or deposed."""
        scheduler = make_scheduler(
            self.parts.sessions,
            self.parts.clock,
            self.sender.wake,
            every=self.sweep_every,
            on_failure=self._sweep_failed,
            retention=Retention.from_settings(self.parts.settings),
        )
        scheduler.start()
        self.health.scheduler = State.RUNNING
        sending = asyncio.create_task(self._supervise_sender(stop))
        try:
            await self.leadership.hold(stop)
            await sending  # a graceful stop: the batch in hand is finished first
        except LeadershipLost:
            sending.cancel()  # another process may lead now: stop at once, then try again
            await asyncio.wait([sending])  # (suppressing CancelledError would swallow ours)
        finally:
            sending.cancel()  # done already, unless we were cancelled (a crash): then now
            scheduler.shutdown(wait=False)
            await self.leadership.release()

    async def _supervise_sender(self, stop: asyncio.Event) -> None:
        health = self.health
        while not stop.is_set():
            health.sender, health.running_since = State.RUNNING, time.monotonic()
            try:
                await self.sender.run(stop)
                return
            except Exception as exc:
                if time.monotonic() - health.running_since > STEADY:
                    health.crashes_in_a_row = 0
                health.crashes_in_a_row += 1
                health.sender_restarts += 1
                health.last_error = type(exc).__name__
                health.sender = State.RESTARTING
                delay = self._delay(health.crashes_in_a_row)
                event(
                    log,
                    "sender.crashed",
                    logging.ERROR,
                    error=health.last_error,
                    restarts=health.sender_restarts,
                    retry_in=delay,
                )
                await _sleep(stop, delay)

    def _sweep_failed(self, name: str, exc: Exception) -> None:
        self.health.sweep_failures += 1
        self.health.last_sweep_error = f"{name}: {type(exc).__name__}"

    def _delay(self, failures: int) -> float:
        first, cap = self.backoff
        return min(cap, first * 2 ** (failures - 1))


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    """Wait `seconds`, or less when `stop` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
