"""The leader's work: the scheduler's sweeps and the sender, until stopped or deposed."""

from __future__ import annotations

import asyncio
import contextlib

from bot.app import App
from bot.delivery.sender import Sender, SenderSettings
from bot.delivery.transport import Transport
from bot.jobs.leader import Leadership, LeadershipLost
from bot.jobs.scheduler import make_scheduler


def sender_for(app: App, transport: Transport) -> Sender:
    settings = app.settings
    return Sender(
        app.sessions,
        app.clock,
        transport,
        SenderSettings(
            per_second=settings.delivery_rate,
            private_per_second=settings.delivery_private_rate,
            group_per_minute=settings.delivery_group_per_minute,
            concurrency=settings.delivery_concurrency,
            paid_broadcast=settings.allow_paid_broadcast,
        ),
        settings.zone,
    )


class Background:
    def __init__(self, app: App, transport: Transport, *, sweep_every: float = 60.0) -> None:
        self.app = app
        self.sender = sender_for(app, transport)
        self.sweep_every = sweep_every
        self.leadership = Leadership(app.engine)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if not await self.leadership.acquire(stop):
                return
            scheduler = make_scheduler(
                self.app.sessions, self.app.clock, self.sender.wake, every=self.sweep_every
            )
            scheduler.start()
            sending = asyncio.create_task(self.sender.run(stop))
            try:
                await self.leadership.hold(stop)
                await sending  # a graceful stop: the batch in hand is finished first
            except LeadershipLost:
                sending.cancel()  # another process may lead now: stop at once, then try again
                with contextlib.suppress(asyncio.CancelledError):
                    await sending
            finally:
                sending.cancel()  # done already, unless we were cancelled (a crash): then now
                scheduler.shutdown(wait=False)
                await self.leadership.release()
