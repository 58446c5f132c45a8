"""SQLite on the event loop's own thread: the asyncio driver SQLAlchemy gets for SQLite.

    SQLAlchemy (async) ──await──> InlineConnection ──call──> sqlite3 (same thread)
                                   (coroutines that never suspend)

aiosqlite runs every call on a thread of its own: a cursor, an execute, a fetch and a
close are each a round trip (a queue, a thread switch, a wake-up of the event loop), some
fifty per conversation step. SQLite itself answers a step's statements in microseconds
from its page cache, so those round trips were most of what a step cost on SQLite. Here
each call runs at once on the loop's thread and returns an already-finished coroutine.

What that gives up: while SQLite works, nothing else in the process runs. That is cheap
because this process holds the only connection (`db.make_engine`), so other database work
waits for it anyway. Waiting for another connection's write lock (a second process, or
a second engine in this one) must not block the loop, though: the holder may be waiting
for the loop itself. So SQLite's own busy handler is off (`busy_timeout=0`) and a
statement that finds the database locked is tried again after an asyncio sleep, up to
BUSY_TIMEOUT.
The API is the part of aiosqlite's that SQLAlchemy's `sqlite+aiosqlite` dialect uses,
which is what `create_async_engine(..., async_creator=...)` expects of a driver.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
BUSY_TIMEOUT = 10.0  # seconds a statement waits for another connection's write lock
_LOCKED = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


async def _patiently(call: Callable[[], T]) -> T:
    """`call()`, tried again while another connection holds the lock, without blocking."""
    waited, pause = 0.0, 0.001
    while True:
        try:
            return call()
        except sqlite3.OperationalError as exc:
            # The primary code (the low byte) of an extended one such as SQLITE_BUSY_RECOVERY.
            if exc.sqlite_errorcode & 0xFF not in _LOCKED or waited >= BUSY_TIMEOUT:
                raise
        await asyncio.sleep(pause)
        waited += pause
        pause = min(pause * 2, 0.05)


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        await _patiently(lambda: self._cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        rows = list(parameters)  # tried again whole, so not a one-shot iterator
        await _patiently(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class InlineConnection:
    """An open SQLite connection with aiosqlite's asyncio API, working inline."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection  # None once closed

    @property
    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")  # what aiosqlite says, and SQLAlchemy knows
        return self._connection

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._open.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        await _patiently(self._open.commit)

    async def rollback(self) -> None:
        self._open.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._open.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._open.isolation_level

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def connector(path: str, **options: Any) -> Any:
    """The `async_creator` of an engine on the SQLite file `path`."""

    async def connect() -> InlineConnection:
        # Autocommit mode (isolation_level None): transactions are the BEGIN IMMEDIATE that
        # `dialect.tune_sqlite` sends, not ones the sqlite3 module would open on its own.
        # One task at a time uses it (a pool of one), but not always from one thread.
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, **options)
        return InlineConnection(connection)

    return connect
