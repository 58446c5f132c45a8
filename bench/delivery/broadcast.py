"""Benchmark 1: one broadcast to 10,000 residents at Telegram's limit, scaled up.

The sender paces itself to DELIVERY_RATE; the emulator enforces the same limit and
answers 429 to anything faster. The achieved rate is what the emulator accepted per
second from the first message to the last, as a share of the limit. A bare client
against the same emulator, measured in the same run, shows how far the harness itself
could go, so a shortfall can be told apart from a slow emulator.

Where a shortfall comes from: "stalls" is the share of the sending time lost to pauses
longer than two intervals (the sender's pacer makes up one interval of lateness, not
more); "at batch start" is the part of it in the first ten messages of each batch of
rows the sender claims; "batch gap ms" the typical pause between two batches.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.delivery.sender import SenderSettings

from . import ceiling, population
from .databases import Database
from .emulated import Tally, telegram
from .report import Outcome
from .sender_process import SenderConfig, Senders
from .watching import lost_detail, patience, statuses, until_count, until_sent

RATE_GOAL = 0.95
BATCH = SenderSettings().batch  # rows the sender claims at a time
START_WITHIN = 60.0  # seconds the sender may take to start and send its first message


@dataclass(frozen=True, slots=True)
class Run:
    database: Database
    workdir: Path
    env_file: Path
    recipients: int = 10_000
    scale: float = 10.0
    concurrency: int = 1
    profile: Path | None = None
    label: str = ""
    bare_client: bool = True  # also measure a bare client against the emulator
    paid: bool = False  # with ALLOW_PAID_BROADCAST: Telegram's 1000/s instead of 30/s
    senders: int = 1  # sender processes: the leader's and senders - 1 `send --extra`


async def run(spec: Run) -> Outcome:
    outcome = Outcome("broadcast", spec.label or spec.database.kind)
    engine = spec.database.engine()
    try:
        now = datetime.now(UTC)
        neighbourhood_id = await population.neighbourhood(engine, now)
        people = await population.residents(engine, neighbourhood_id, 1, spec.recipients, now)
        populated = time.perf_counter()
        _, enqueued = await population.broadcast(engine, neighbourhood_id, now)
        expanded = time.perf_counter()
        chats = [population.chat_of(i) for i in people]
        emulator = await telegram(spec.scale, chats)
        tally = Tally(emulator)
        config = SenderConfig(
            spec.database,
            emulator.url,
            spec.scale,
            spec.env_file,
            spec.workdir / f"sender-broadcast-{outcome.label.replace(' ', '-')}.log",
            spec.concurrency,
            spec.profile,
            spec.paid,
        )
        sender = Senders(config, spec.senders)
        try:
            launched = time.monotonic()
            await sender.start()
            await until_count(tally, sender, 1, within=START_WITHIN)
            cpu_at_first = sender.cpu_seconds()
            within = patience(spec.recipients, config.rate)
            finished = await until_sent(engine, tally, sender, within=within)
            cpu_at_end = sender.cpu_seconds()
        finally:
            await sender.stop()
            tally.update()
            await emulator.stop()
        rows = await statuses(engine)
    finally:
        await engine.dispose()
    bare = await ceiling.measure(population.chat_of(1)) if spec.bare_client else None

    rate = tally.rate
    cpu = None
    if cpu_at_first is not None and cpu_at_end is not None and tally.sent > 1:
        cpu = round(1000 * (cpu_at_end - cpu_at_first) / (tally.sent - 1), 2)
    lost = tally.lost(chats)
    duplicates = tally.duplicates()
    boundaries = tally.gaps_every(BATCH)
    duration = (tally.last_at or 0.0) - (tally.first_at or 0.0)
    interval = 1.0 / config.rate
    at_batch_start = tally.stalled(interval, batch=BATCH)
    anywhere = tally.stalled(interval)
    outcome.figures.update(
        {
            "recipients": spec.recipients,
            "senders": spec.senders,
            "limit/s": config.rate,
            "sent/s": round(rate, 1),
            "rate/limit": round(rate / config.rate, 3),
            "429s": tally.refused[429],
            "dupes": duplicates,
            "lost": lost,
            "bare/s": round(bare) if bare else None,
            "sent/bare": round(rate / bare, 3) if bare else None,
            "send s": round(duration, 1),
            "batch gap ms": round(1000 * statistics.median(boundaries)) if boundaries else None,
            "stalls": f"{anywhere / duration:.0%}" if duration else None,
            "at batch start": f"{at_batch_start / duration:.0%}" if duration else None,
            "cpu ms/msg": cpu,
            "start s": round((tally.first_at or launched) - launched, 1),
            "enqueue s": round(expanded - populated, 2),
        }
    )
    outcome.goal(  # first: the scale search reads it
        "rate >= 0.95 of the limit",
        rate / config.rate >= RATE_GOAL,
        f"{rate:.1f}/s of {config.rate:g}/s = {rate / config.rate:.3f}",
        correctness=False,
    )
    outcome.goal("nothing lost", lost == 0 and finished, lost_detail(lost, finished))
    outcome.goal("no duplicates", duplicates == 0, f"{duplicates} recipients got two or more")
    outcome.goal(
        "outbox all sent",
        rows == {"sent": enqueued} and enqueued == spec.recipients,
        f"enqueued {enqueued}, rows {dict(rows)}",
    )
    return outcome
