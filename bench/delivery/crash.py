"""Benchmark 3: `kill -9` the sender at random moments during a broadcast, and restart it.

The outbox marks each row the moment its outcome is known, so a crash can only repeat
the message that was in flight: with DELIVERY_CONCURRENCY=1 at most one per crash. A
restarted sender puts the rows a dead one had claimed back in the queue, so nothing is
lost. Each kill comes a random time (seeded) after the restarted sender's first
message, so it lands anywhere: in a claim, a render, an HTTP request or a commit.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import population
from .databases import BenchError, Database
from .emulated import Tally, telegram
from .report import Outcome
from .sender_process import SenderConfig, SenderProcess
from .watching import lost_detail, patience, statuses, until_count, until_sent

START_WITHIN = 60.0  # seconds a (re)started sender may take to send its first message


@dataclass(frozen=True, slots=True)
class Run:
    database: Database
    workdir: Path
    env_file: Path
    recipients: int = 10_000
    scale: float = 10.0
    crashes: int = 5
    longest_run: float = 3.0  # a crashed sender lives up to this long after its first send
    seed: int = 2026


async def run(spec: Run) -> Outcome:
    outcome = Outcome("crash-resume", spec.database.kind)
    chance = random.Random(spec.seed)
    engine = spec.database.engine()
    try:
        now = datetime.now(UTC)
        neighbourhood_id = await population.neighbourhood(engine, now)
        people = await population.residents(engine, neighbourhood_id, 1, spec.recipients, now)
        _, enqueued = await population.broadcast(engine, neighbourhood_id, now)
        chats = [population.chat_of(i) for i in people]
        emulator = await telegram(spec.scale, chats)
        tally = Tally(emulator)
        config = SenderConfig(
            spec.database,
            emulator.url,
            spec.scale,
            spec.env_file,
            spec.workdir / "sender-crash.log",
        )
        kills: list[str] = []
        restarts: list[float] = []
        try:
            for _ in range(spec.crashes):
                sender = SenderProcess(config)
                restarted = time.monotonic()
                await sender.start()
                before = tally.sent
                try:
                    if not await until_count(tally, sender, before + 1, within=START_WITHIN):
                        raise BenchError(f"the restarted sender sent nothing:\n{sender.log_tail()}")
                    restarts.append(time.monotonic() - restarted)
                    await asyncio.sleep(chance.uniform(0.05, spec.longest_run))
                finally:
                    await sender.kill()
                tally.update()
                left = (await statuses(engine))["sending"]  # claimed, now to be recovered
                kills.append(f"{tally.sent - before} sent/{left} left claimed")
            sender = SenderProcess(config)
            await sender.start()
            try:
                within = patience(spec.recipients, config.rate)
                finished = await until_sent(engine, tally, sender, within=within)
            finally:
                await sender.stop()
                tally.update()
        finally:
            await emulator.stop()
        rows = await statuses(engine)
    finally:
        await engine.dispose()

    lost = tally.lost(chats)
    duplicates = tally.duplicates()
    extra = tally.extra_messages()
    outcome.figures.update(
        {
            "recipients": spec.recipients,
            "kill -9s": len(kills),
            "sent": tally.sent,
            "dupes": duplicates,
            "extra msgs": extra,
            "lost": lost,
            "429s": tally.refused[429],
            "restart s (max)": round(max(restarts), 1) if restarts else None,
        }
    )
    outcome.notes.append(f"per run until its kill -9: {', '.join(kills)}")
    outcome.goal("nothing lost", lost == 0 and finished, lost_detail(lost, finished))
    outcome.goal(
        f"duplicates <= one per crash ({spec.crashes})",
        extra <= spec.crashes,
        f"{duplicates} recipients got more than one, {extra} extra messages",
    )
    outcome.goal(
        "outbox all sent",
        rows == {"sent": enqueued} and enqueued == spec.recipients,
        f"enqueued {enqueued}, rows {dict(rows)}",
    )
    return outcome
