"""The operator's commands: `admin status`, `outbox retry --failed`, `db backup FILE`.

They read and change only what running Wijkbot needs an operator for, print
counts, kinds and reasons (never a person's data), and, like every command,
turn each problem into one line and exit code 2 (bot/cli.py).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import SystemClock
from bot.config import ConfigError, Settings
from bot.delivery.kinds import KINDS
from bot.domain import db, operations
from bot.domain.dialect import leader_holder

Table = Callable[[Sequence[str], Sequence[Sequence[object]]], None]


STATUS_DOC = """Show what an operator checks first: the schema revision, which process leads
(schedules and sends), the updates waiting, the outbox by status, the failed deliveries by
kind and reason, and when each sweep last ran."""
RETRY_DOC = """Put failed deliveries back in the queue once their cause is fixed (a broken
message kind after an upgrade, a Telegram outage): they are sent as soon as the sender
reaches them, with a fresh count of attempts. A message already sent is never queued again."""
BACKUP_DOC = """Copy the SQLite database to FILE with SQLite's online backup, consistent
while the bot runs. For PostgreSQL use pg_dump (docs/operations.md)."""


async def status(engine: AsyncEngine, print_table: Table) -> int:
    now = SystemClock().now()
    head = db.head_revision()
    async with db.make_sessions(engine)() as session:
        revision = await db.revision_in(session)
        backlog = await operations.backlog(session)
        outbox = await operations.outbox_counts(session)
        failed = await operations.failed_by_reason(session)
        runs = await operations.sweep_runs(session)
        holder = await leader_holder(await session.connection()) if _is_postgresql(engine) else None
    state = "up to date" if revision == head else f"{head} expected: run `wijkbot db upgrade`"
    print(f"schema:   revision {revision} ({state})")
    print(f"leader:   {_leader(engine, holder, runs, now)}")
    waiting = f"{backlog.waiting} updates waiting"
    if backlog.waiting:
        waiting += f", the oldest for {_ago(backlog.oldest_seconds(now))}"
    print(f"backlog:  {waiting}")
    by_status: dict[str, int] = {}
    for status, _, count in outbox:
        by_status[status] = by_status.get(status, 0) + count
    print("outbox:   " + (", ".join(f"{n} {status}" for status, n in by_status.items()) or "empty"))
    print(f"\nfailed deliveries by kind and reason (at most {operations.REASONS_SHOWN}):")
    print_table(("kind", "reason", "rows"), failed)
    print("\nsweeps, last run:")
    print_table(
        ("sweep", "finished", "", "took", "added", "error", "process"),
        [
            (
                run.sweep,
                f"{run.finished_at:%Y-%m-%d %H:%M:%S} UTC",
                _ago(_seconds(now, run.finished_at)) + " ago",
                f"{run.seconds:.2f} s",
                run.added,
                run.error or "-",
                run.process,
            )
            for run in runs
        ],
    )
    return 0


def _leader(engine: AsyncEngine, holder: str | None, runs: Sequence[Any], now: datetime) -> str:
    if _is_postgresql(engine):
        return holder or "none: no process holds the lock (is any `wijkbot run` or `send` up?)"
    if not runs:
        return "none has run a sweep on this database yet"
    last = max(runs, key=lambda run: run.finished_at)
    # Sweeps run every minute: a leader that ran none for 3 minutes is gone (or stuck).
    alive = "" if _seconds(now, last.finished_at) < 180 else ", which has run none since"
    return f"{last.process} ran the last sweep ({_ago(_seconds(now, last.finished_at))} ago{alive})"


def _seconds(now: datetime, then: datetime) -> float:
    return max(0.0, (now - then).total_seconds())


def _ago(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _is_postgresql(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


def retry_kind(kind: str | None) -> str | None:
    """The kind --kind names (a kind Wijkbot knows), or None: every kind."""
    if kind is not None and kind not in KINDS:
        known = ", ".join(sorted(KINDS))
        raise ConfigError(f"no message kind {kind!r}; the kinds are: {known}")
    return kind


async def retry(engine: AsyncEngine, kind: str | None) -> int:
    async with db.make_sessions(engine).begin() as session:
        count = await operations.retry_failed(session, SystemClock().now(), kind)
    which = f" of kind {kind}" if kind else ""
    print(f"{count} failed deliveries{which} are back in the queue")
    return 0


async def backup(settings: Settings, target: Path) -> int:
    if not settings.is_sqlite:
        raise ConfigError(
            "db backup copies a SQLite database; for PostgreSQL use pg_dump "
            "(see docs/operations.md)"
        )
    source = Path(make_url(settings.database_url).database or "")
    pages = await asyncio.to_thread(_backup, source, target)
    print(f"copied {source} to {target} ({pages} pages, checked)")
    return 0


def _backup(source: Path, target: Path) -> int:
    """SQLite's online backup API: a consistent copy, page by page, while others write."""
    if not source.is_file():
        raise ConfigError(f"DATABASE_URL: no SQLite database at {source}")
    if target.exists():
        raise ConfigError(f"{target} exists already: name a new file")
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy, pages=1024)
        (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
        (pages,) = copy.execute("PRAGMA page_count").fetchone()
    if verdict != "ok":
        raise ConfigError(f"{target}: the copy does not check out ({verdict})")
    return int(pages)
