"""Benchmark 4: a sweep is a fixed number of SQL statements, whatever the number of residents.

`action_reminders` and `weekly_digest` (bot.jobs.sweeps) run at 1,000 residents and
again after the neighbourhood has grown to 100,000, on the same database. A
`before_cursor_execute` listener counts the statements each sweep issues: they must be
equal at both sizes (set-based INSERT ... SELECT, no row-by-row loop). The time still
grows, with the rows written; the ratio says by how much.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.domain import db
from bot.domain.models import Delivery
from bot.jobs import sweeps

from . import population
from .databases import Database
from .report import Outcome

Sweep = Callable[[AsyncSession, datetime], Awaitable[int]]
SWEEPS: dict[str, Sweep] = {
    "action_reminders": sweeps.action_reminders,
    "weekly_digest": sweeps.weekly_digest,
}
# Monday 10:00 in Amsterdam: the digest's time has come (the sweep runs on any day,
# but only sends on Monday from 09:00 local time).
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REPEATS = 3


@dataclass(frozen=True, slots=True)
class Run:
    database: Database
    sizes: tuple[int, ...] = (1_000, 100_000)


@dataclass(slots=True)
class Measured:
    statements: set[int] = field(default_factory=set)  # one value when every repeat agrees
    rows: int = 0
    seconds: float = float("inf")  # the best of REPEATS


class StatementCounter:
    """Counts the statements sent to the database while `counting` is on."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        self.counting = False
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        if self.counting:
            self.count += 1


async def measure(engine: AsyncEngine, counter: StatementCounter, sweep: Sweep) -> Measured:
    sessions = db.make_sessions(engine)
    result = Measured()
    for _ in range(REPEATS):
        async with engine.begin() as connection:  # a clean outbox, so each run inserts
            await connection.execute(delete(Delivery))
        counter.count, counter.counting = 0, True
        started = time.perf_counter()
        async with sessions.begin() as session:
            result.rows = await sweep(session, NOW)
        elapsed = time.perf_counter() - started
        counter.counting = False
        result.statements.add(counter.count)
        result.seconds = min(result.seconds, elapsed)
    return result


async def run(spec: Run) -> list[Outcome]:
    engine = spec.database.engine()
    counter = StatementCounter(engine)
    measured: dict[str, list[Measured]] = {name: [] for name in SWEEPS}
    try:
        neighbourhood_id = await population.neighbourhood(engine, NOW)
        have = 0
        for size in spec.sizes:
            people = await population.residents(
                engine, neighbourhood_id, have + 1, size - have, NOW
            )
            await population.sweep_fixtures(engine, neighbourhood_id, people, NOW)
            await population.analyze(engine)
            have = size
            for name, sweep in SWEEPS.items():
                measured[name].append(await measure(engine, counter, sweep))
    finally:
        await engine.dispose()

    outcomes = []
    small, large = spec.sizes[0], spec.sizes[-1]
    for name, (first, *_, last) in measured.items():
        outcome = Outcome("sweep cost", f"{spec.database.kind} {name}")
        ratio = last.seconds / first.seconds
        outcome.figures.update(
            {
                f"stmts@{small:,}": _one(first.statements),
                f"stmts@{large:,}": _one(last.statements),
                f"rows@{small:,}": first.rows,
                f"rows@{large:,}": last.rows,
                f"ms@{small:,}": round(1000 * first.seconds, 1),
                f"ms@{large:,}": round(1000 * last.seconds, 1),
                "time ratio": round(ratio, 1),
                "rows ratio": round(last.rows / max(first.rows, 1), 1),
            }
        )
        counts = first.statements | last.statements
        outcome.goal(
            "statements do not grow with residents",
            len(counts) == 1 and first.rows > 0 and last.rows > first.rows,
            f"{_one(first.statements)} at {small:,}, {_one(last.statements)} at {large:,}",
        )
        outcomes.append(outcome)
    return outcomes


def _one(values: set[int]) -> str:
    """The statement count, or all counts seen when repeats disagreed."""
    return "/".join(str(v) for v in sorted(values))
