"""Scratch databases for the bots under test; nothing that already exists is touched.

SQLite gets a new file in the run's temporary folder. PostgreSQL gets one database of its own,
`wijkbot_bench` (and `wijkbot_bench_population` for `--population`), created fresh on the
server (left-overs of an interrupted run are dropped first) and dropped afterwards; the
server's other databases are never opened.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_URL_SETTING = "WIJKBOT_BENCH_POSTGRES_URL"
BENCH_DATABASE = "wijkbot_bench"
CONNECT_TIMEOUT = 5.0


class PostgresUnavailable(Exception):
    """The server cannot be used; the message is the reason, in one line."""


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{(folder / 'wijkbot.db').resolve()}"


def postgres_admin_url() -> str:
    """The server's maintenance database, from which `wijkbot_bench` is created."""
    return os.environ.get(POSTGRES_URL_SETTING) or DEFAULT_POSTGRES_URL


class ScratchPostgres:
    """`name` (`wijkbot_bench...`) on the server of `admin_url`, for the length of one run."""

    def __init__(self, admin_url: str, name: str = BENCH_DATABASE) -> None:
        assert name.startswith(BENCH_DATABASE), "only the benchmark's own databases"
        self.admin_url = admin_url
        self.name = name
        self.url = urlsplit(admin_url)._replace(path=f"/{name}").geturl()
        self._created = False

    async def create(self) -> str:
        """A new, empty database; returns its URL."""
        await self._execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        await self._execute(f"CREATE DATABASE {self.name}")
        self._created = True
        return self.url

    async def drop(self) -> None:
        if self._created:
            await self._execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            self._created = False

    async def _execute(self, statement: str) -> None:
        try:
            connection = await asyncpg.connect(self.admin_url, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise PostgresUnavailable(f"{_where(self.admin_url)}: {reason}") from None
        try:
            await connection.execute(statement)
        except asyncpg.PostgresError as exc:
            raise PostgresUnavailable(f"{_where(self.admin_url)}: {exc}") from None
        finally:
            await connection.close()


def _where(url: str) -> str:
    """The server's address without user or password, for messages."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
