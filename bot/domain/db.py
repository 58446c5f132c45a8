"""Engines, sessions and migrations."""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.domain.dialect import tune_sqlite
from bot.domain.sqlite_inline import connector

MIGRATIONS = Path(__file__).parent.parent / "migrations"


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        # One connection: SQLite has one writer at a time, and every transaction here
        # begins IMMEDIATE. Several connections would wait for the lock in SQLite's
        # busy handler, which sleeps in growing steps (up to 100 ms) and lets a late
        # one win; the pool's queue hands the one connection over at once, in order.
        # The statements run inline on the event loop (`sqlite_inline`), not on a thread.
        engine = create_async_engine(
            url,
            echo=echo,
            async_creator=connector(make_url(url).database or ":memory:"),
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
        )
        tune_sqlite(engine)
        return engine
    # Named in pg_stat_activity, so an operator sees which host and process holds what
    # (the leader lock, say: `wijkbot admin status`). No ping before every checkout (a
    # round trip per transaction, a sixth of a step's CPU): after a restart of PostgreSQL
    # the first statement on a dead connection fails, which empties the whole pool, and
    # the intake retries that step.
    named = {"server_settings": {"application_name": ("wijkbot " + process_label())[:63]}}
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, connect_args=named)


def process_label() -> str:
    """This process, as an operator finds it: host and process id."""
    return f"{socket.gethostname()} pid {os.getpid()}"


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` (Alembic), on either database."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    # Reading the revision is no news: alembic's "Context impl ..." lines stay out of the
    # log (every command and /readyz reads it), while an upgrade still logs its steps.
    alembic_log = logging.getLogger("alembic.runtime.migration")
    level = alembic_log.level
    alembic_log.setLevel(logging.WARNING)
    try:
        return MigrationContext.configure(connection).get_current_revision()
    finally:
        alembic_log.setLevel(level)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def revision_in(session: AsyncSession) -> str | None:
    """The schema revision, read on a session's connection (e.g. a health probe's)."""
    return await session.run_sync(lambda sync: _current(sync.connection()))


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
