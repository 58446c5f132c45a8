"""Shared fixtures: a real database per test (SQLite file, or PostgreSQL) and settings.

SQLite is the default. Set WIJKBOT_TEST_DATABASE_URL to run the same tests on
PostgreSQL, e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test. When that
database cannot be reached the run stops with an error on CI (CI=true) and
skips the database tests elsewhere, saying why.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.domain import db, neighbourhoods
from bot.domain.models import Base

TEST_DB_ENV = "WIJKBOT_TEST_DATABASE_URL"
EXAMPLES = Path(__file__).parent.parent / "examples"
TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"


async def _reset_postgresql(url: str) -> None:
    engine = db.make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await db.upgrade(engine)
    finally:
        await engine.dispose()


async def _migrate_sqlite(url: str) -> None:
    engine = db.make_engine(url)
    try:
        await db.upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite file to copy, or the migrated PostgreSQL URL."""
    url = os.environ.get(TEST_DB_ENV)
    if url:
        try:
            asyncio.run(_reset_postgresql(url))
        except (OSError, Exception) as exc:
            reason = f"PostgreSQL at {TEST_DB_ENV} is not reachable: {exc}"
            if os.environ.get("CI"):
                pytest.exit(reason, returncode=1)
            pytest.skip(reason)
        return url
    path = tmp_path_factory.mktemp("template") / "wijkbot.db"
    asyncio.run(_migrate_sqlite(f"sqlite+aiosqlite:///{path}"))
    return str(path)


@pytest.fixture
async def database_url(database_template: str, tmp_path: Path) -> str:
    """A fresh, migrated, empty database for this test."""
    if "://" in database_template:
        engine = db.make_engine(database_template)
        async with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(table.delete())
        await engine.dispose()
        return database_template
    path = tmp_path / "wijkbot.db"
    shutil.copy(database_template, path)
    return f"sqlite+aiosqlite:///{path}"


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "database_url": database_url,
        "invite_secret": "test-invite-secret",
        "webhook_url": None,
        "webhook_secret": None,
    }
    values.update(overrides)
    return load_settings(env_file=None, **values)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
async def app(database_url: str, clock: ManualClock) -> AsyncIterator[App]:
    """A Wijkbot with Overvecht loaded, on this test's database and clock."""
    application = build_app(make_settings(database_url), clock)
    await load_example(application, "overvecht.yaml")
    yield application
    await application.close()


async def load_example(application: App, name: str) -> None:
    document = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    async with application.sessions.begin() as session:
        await neighbourhoods.load(session, neighbourhoods.parse(document), application.clock.now())
