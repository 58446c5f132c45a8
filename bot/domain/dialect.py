"""The one place where SQL differs between SQLite and PostgreSQL.

Everything else in Wijkbot is portable SQLAlchemy. What lives here:
connection pragmas and write-locking transactions for SQLite, insert-or-ignore
for idempotent writes, and the PostgreSQL advisory lock that elects the one
scheduler and sender.

Why SQLite transactions begin IMMEDIATE: SQLite has one writer at a time and
ignores `SELECT ... FOR UPDATE`. With the driver's default (a transaction that
starts at its first write), two people taking the last place of an activity
both read "one place left" before either writes, and a transaction that read
first and then writes fails with SQLITE_BUSY_SNAPSHOT when another one wrote
in between. `BEGIN IMMEDIATE` takes the write lock before the first read, so
read-check-write sequences run one after the other, as they do on PostgreSQL
under a row lock:

    event A: BEGIN IMMEDIATE ── read count ── insert ── COMMIT
    event B:      (waits for the lock) ──────────────────────── BEGIN IMMEDIATE ── read ...
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Connection, Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.dml import Insert


def tune_sqlite(engine: AsyncEngine) -> None:
    """WAL, enforced foreign keys, waiting instead of 'locked' errors, and transactions
    that hold the write lock from their first statement (SQLAlchemy's documented recipe:
    the driver emits no BEGIN of its own, the "begin" event emits ours)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # No waiting inside SQLite, which would block the event loop: the driver
        # (`sqlite_inline`) waits for another connection's lock with asyncio sleeps.
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin_immediate(connection: Connection) -> None:
        # On the driver's own cursor: a BEGIN needs none of a statement's bookkeeping.
        cursor = connection.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        cursor.close()


def insert_ignoring_duplicates(table: Table, dialect_name: str, *conflict_columns: str) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, which both databases spell the same way."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=list(conflict_columns))


LEADER_LOCK_KEY = 0x5749_4A4B  # "WIJK": one scheduler and sender per PostgreSQL database


async def try_leader_lock(connection: AsyncConnection) -> bool:
    """Become the one process that schedules and sends.

    PostgreSQL: a session advisory lock on a connection the caller keeps open;
    it is released when that connection (or the process) dies, so a standby
    takes over. SQLite is one process's database by design: always granted.
    """
    if connection.dialect.name != "postgresql":
        return True
    result = await connection.execute(
        text("SELECT pg_try_advisory_lock(:key)"), {"key": LEADER_LOCK_KEY}
    )
    return bool(result.scalar())


SENDER_LOCK_CLASS = 0x5753  # "WS": advisory locks (class, sender id), one per running sender


@contextlib.asynccontextmanager
async def sender_lock(engine: AsyncEngine, sender: int) -> AsyncIterator[None]:
    """While inside, every process can see that the sender `sender` runs.

    PostgreSQL: a session advisory lock on a connection held for that long, freed
    before the connection goes back to the pool (a pooled connection would keep it),
    or by closing the connection when it failed. SQLite has one sending process, so
    there is nobody to tell, and its one connection is not held.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    keys = {"kind": SENDER_LOCK_CLASS, "sender": sender}
    async with engine.connect() as connection:
        await connection.execute(text("SELECT pg_advisory_lock(:kind, :sender)"), keys)
        await connection.commit()
        try:
            yield
        finally:
            try:
                await connection.execute(text("SELECT pg_advisory_unlock(:kind, :sender)"), keys)
                await connection.commit()
            except Exception:
                await connection.invalidate()


async def sender_gone(connection: AsyncConnection, sender: int) -> bool:
    """Whether the sender `sender` stopped (its lock is free; taken for this transaction only).

    SQLite: one process sends, so a sender other than the caller has stopped.
    """
    if connection.dialect.name != "postgresql":
        return True
    result = await connection.execute(
        text("SELECT pg_try_advisory_xact_lock(:kind, :sender)"),
        {"kind": SENDER_LOCK_CLASS, "sender": sender},
    )
    return bool(result.scalar())


async def leader_holder(connection: AsyncConnection) -> str | None:
    """Who holds the leader lock: its connection's application name (`wijkbot HOST pid N`)
    and since when; None when nobody does. PostgreSQL only (SQLite has no lock)."""
    row = (
        await connection.execute(
            text(
                "SELECT a.application_name, a.backend_start FROM pg_locks l"
                " JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted"
                " AND l.classid = 0 AND l.objid = :key AND l.objsubid = 1"
                # pg_locks is the whole server's: another database has a leader of its own
                " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"key": LEADER_LOCK_KEY},
        )
    ).first()
    if row is None:
        return None
    name, since = row
    return f"{name or 'a process without a name'}, connected since {since:%Y-%m-%d %H:%M} UTC"
