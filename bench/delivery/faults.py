"""Benchmark 2: a broadcast through an unreliable Telegram: 10% 5xx, 2% blocked recipients.

A 5xx is retried after 2, 4, 8 ... seconds (six attempts at most), so every reachable
recipient still gets exactly one message; a 403 marks the person unreachable and their
row as such. The backoff is real time (the sender runs on the system clock), which is
why this run is smaller than the others: its length is set by the unluckiest row's
chain of retries, not by the number of recipients.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.domain.models import Delivery

from . import population
from .databases import Database
from .emulated import Tally, telegram
from .report import Outcome
from .sender_process import SenderConfig, SenderProcess
from .watching import lost_detail, statuses, unreachable_people, until_sent

WITHIN = 120.0  # a row failing five times in a row waits 2+4+8+16+32 s


@dataclass(frozen=True, slots=True)
class Run:
    database: Database
    workdir: Path
    env_file: Path
    recipients: int = 2_000
    scale: float = 10.0
    server_errors: float = 0.10
    blocked_every: int = 50  # every 50th resident blocked the bot: 2%
    seed: int = 5


async def run(spec: Run) -> Outcome:
    outcome = Outcome("faults", spec.database.kind)
    engine = spec.database.engine()
    try:
        now = datetime.now(UTC)
        neighbourhood_id = await population.neighbourhood(engine, now)
        people = await population.residents(engine, neighbourhood_id, 1, spec.recipients, now)
        _, enqueued = await population.broadcast(engine, neighbourhood_id, now)
        blocked = {i for i in people if i % spec.blocked_every == 0}
        reachable = [population.chat_of(i) for i in people if i not in blocked]
        emulator = await telegram(spec.scale, [population.chat_of(i) for i in people])
        for person_id in blocked:
            emulator.block(population.chat_of(person_id), notify=False)
        emulator.fail(
            "sendMessage", 502, times=None, probability=spec.server_errors, seed=spec.seed
        )
        tally = Tally(emulator)
        config = SenderConfig(
            spec.database,
            emulator.url,
            spec.scale,
            spec.env_file,
            spec.workdir / "sender-faults.log",
        )
        sender = SenderProcess(config)
        try:
            await sender.start()
            finished = await until_sent(engine, tally, sender, within=WITHIN)
            done_at = time.monotonic()
        finally:
            await sender.stop()
            tally.update()
            await emulator.stop()
        rows = await statuses(engine)
        marked = await unreachable_people(engine)
        async with engine.connect() as connection:
            most_attempts = await connection.scalar(select(func.max(Delivery.attempts)))
            retried = await connection.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.attempts > 1)
            )
    finally:
        await engine.dispose()

    lost = tally.lost(reachable)
    duplicates = tally.duplicates()
    delivered_to_blocked = sum(tally.accepted[population.chat_of(i)] for i in blocked)
    outcome.figures.update(
        {
            "recipients": spec.recipients,
            "blocked": len(blocked),
            "5xx": tally.server_errors,
            "403s": tally.refused[403],
            "429s": tally.refused[429],
            "retried rows": retried,
            "max attempts": most_attempts,
            "dupes": duplicates,
            "lost": lost,
            "first-to-done s": round(done_at - (tally.first_at or done_at), 1),
        }
    )
    outcome.goal(
        "every reachable recipient got one", lost == 0 and finished, lost_detail(lost, finished)
    )
    outcome.goal("no duplicates", duplicates == 0, f"{duplicates} recipients got two or more")
    outcome.goal(
        "blocked marked unreachable",
        marked == blocked and rows.get("unreachable") == len(blocked) and not delivered_to_blocked,
        f"{len(marked & blocked)}/{len(blocked)} people marked, {rows.get('unreachable', 0)} rows",
    )
    outcome.goal(
        "outbox settled",
        rows == {"sent": len(reachable), "unreachable": len(blocked)} and enqueued == len(people),
        f"rows {dict(rows)}",
    )
    return outcome
