"""Scratch databases: a SQLite file per benchmark, and one PostgreSQL database of our own.

SQLite is migrated once with the real command (`python -m bot db upgrade`) and the file
copied for each benchmark, so every benchmark starts from an empty, current schema
without paying for the migration again. PostgreSQL gets `wijkbot_bench_delivery`,
created through the `postgres` maintenance database (dropped first if an interrupted
run left it behind) and dropped at the end; no other database is opened.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain import db

ROOT = Path(__file__).resolve().parents[2]  # the repository: `python -m bot` runs from here
ADMIN_URL_SETTING = "WIJKBOT_BENCH_POSTGRES_URL"
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "wijkbot_bench_delivery"
CONNECT_TIMEOUT = 5.0
MIGRATE_TIMEOUT = 120.0


class BenchError(Exception):
    """A benchmark could not run (not: ran and missed a goal); the message says why."""


@dataclass(frozen=True, slots=True)
class Database:
    kind: str  # "sqlite" or "postgresql"
    url: str  # as DATABASE_URL takes it

    @property
    def async_url(self) -> str:
        scheme, rest = self.url.split("://", 1)
        driver = "sqlite+aiosqlite" if scheme.startswith("sqlite") else "postgresql+asyncpg"
        return f"{driver}://{rest}"

    def engine(self) -> AsyncEngine:
        """An engine configured exactly as the bot configures its own."""
        return db.make_engine(self.async_url)


def child_env(database: Database, **settings: str) -> dict[str, str]:
    """Environment for `python -m bot ...`: only what it needs, nothing inherited by accident
    (a DATABASE_URL or BOT_TOKEN in the caller's environment must not leak in)."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env["DATABASE_URL"] = database.url
    env.update(settings)
    return env


def bot_command(*arguments: str, env_file: Path) -> list[str]:
    """`python -m bot` with an env file that does not exist, so no stray .env is read."""
    return [sys.executable, "-m", "bot", "--env-file", str(env_file), *arguments]


def migrate(database: Database, env_file: Path) -> None:
    done = subprocess.run(
        bot_command("db", "upgrade", env_file=env_file),
        env=child_env(database),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=MIGRATE_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
        raise BenchError(f"`python -m bot db upgrade` failed ({done.returncode}):\n{tail}")


class SqliteFiles:
    """Fresh SQLite databases in `folder`, each a copy of one migrated template."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env_file = folder / "no.env"
        self._template: Path | None = None
        self._count = 0

    def fresh(self, name: str) -> Database:
        if self._template is None:
            self._template = self.folder / "template.db"
            migrate(Database("sqlite", f"sqlite:///{self._template}"), self.env_file)
        self._count += 1
        path = self.folder / f"{self._count:02d}-{name}.db"
        shutil.copyfile(self._template, path)
        return Database("sqlite", f"sqlite:///{path}")


def admin_url() -> str:
    return os.environ.get(ADMIN_URL_SETTING) or DEFAULT_ADMIN_URL


class ScratchPostgres:
    """`wijkbot_bench_delivery` on the server of the maintenance URL, for one run."""

    def __init__(self, maintenance_url: str, env_file: Path) -> None:
        self.maintenance_url = maintenance_url
        self.env_file = env_file
        self.url = urlsplit(maintenance_url)._replace(path=f"/{DATABASE}").geturl()
        self.created = False

    async def fresh(self) -> Database:
        """An empty, migrated `wijkbot_bench_delivery` (recreated on every call)."""
        await self._execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await self._execute(f"CREATE DATABASE {DATABASE}")
        self.created = True
        database = Database("postgresql", self.url)
        migrate(database, self.env_file)
        return database

    async def drop(self) -> None:
        if self.created:
            await self._execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            self.created = False

    async def _execute(self, statement: str) -> None:
        connection = await asyncpg.connect(self.maintenance_url, timeout=CONNECT_TIMEOUT)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()


async def postgres_unavailable(maintenance_url: str) -> str | None:
    """Why PostgreSQL cannot be used (one line), or None when it can."""
    try:
        connection = await asyncpg.connect(maintenance_url, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        where = urlsplit(maintenance_url)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"{where.hostname}:{where.port or 5432}: {reason}"
    await connection.close()
    return None


@asynccontextmanager
async def scratch_postgres(maintenance_url: str, env_file: Path) -> AsyncIterator[ScratchPostgres]:
    scratch = ScratchPostgres(maintenance_url, env_file)
    try:
        yield scratch
    finally:
        await scratch.drop()
