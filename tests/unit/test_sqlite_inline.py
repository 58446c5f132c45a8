"""SQLite runs inline on the event loop: no thread per connection, errors as SQLAlchemy's."""

from __future__ import annotations

import asyncio
import itertools
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from bot.app import App
from bot.domain import db
from bot.domain.models import AuditEntry, Identity
from bot.domain.sqlite_inline import InlineConnection
from tests import factories


def _entry(action: str) -> dict[str, Any]:
    return {"at": datetime(2026, 3, 2, tzinfo=UTC), "action": action, "details": {}}


@pytest.fixture
def sqlite_app(app: App) -> App:
    if app.engine.dialect.name != "sqlite":
        pytest.skip("about the SQLite driver")
    return app


async def test_statements_run_on_the_loop_s_thread_without_a_thread_of_their_own(
    sqlite_app: App,
) -> None:
    threads = threading.active_count()
    async with sqlite_app.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, InlineConnection)
    await factories.resident(sqlite_app, 42)
    async with sqlite_app.sessions() as session:
        assert await session.scalar(select(Identity.external_id).limit(1)) is not None
    assert threading.active_count() == threads


async def test_a_failed_statement_is_sqlalchemy_s_error_and_the_connection_goes_on(
    sqlite_app: App,
) -> None:
    ann = await factories.resident(sqlite_app, 42)
    with pytest.raises(IntegrityError):
        async with sqlite_app.sessions.begin() as session:
            session.add(
                Identity(person_id=ann.id, messenger="telegram", external_id="42", chat_id=42)
            )
    async with sqlite_app.sessions.begin() as session:  # rolled back; the next one works
        count = len(list(await session.scalars(select(Identity.id))))
    assert count == 1


async def test_waiting_for_another_connection_s_lock_does_not_block_the_loop(
    sqlite_app: App,
) -> None:
    """A second engine on the same file (as `wijkbot send` would be) holds the write lock
    across an await; a write here waits for it with the loop running, then goes through."""
    other = db.make_engine(sqlite_app.settings.database_url)
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(asyncio.get_running_loop().time())
            await asyncio.sleep(0.01)

    async def hold_the_lock() -> None:
        async with other.begin() as connection:
            await connection.execute(insert(AuditEntry).values(**_entry("held")))
            await asyncio.sleep(0.3)  # the lock is held while the loop runs others

    running = asyncio.create_task(ticker())
    try:
        holder = asyncio.create_task(hold_the_lock())
        await asyncio.sleep(0.05)
        async with sqlite_app.sessions.begin() as session:  # waits for the holder
            await session.execute(insert(AuditEntry).values(**_entry("waited")))
        await holder
    finally:
        running.cancel()
        await other.dispose()
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert max(gaps) < 0.2, max(gaps)  # the loop went on while the write waited
    async with sqlite_app.sessions() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["held", "waited"]
