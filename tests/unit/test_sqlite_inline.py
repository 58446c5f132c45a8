"""SQLite runs inline on the event loop: no thread per connection, errors as SQLAlchemy's."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.app import App
from bot.domain.models import Identity
from bot.domain.sqlite_inline import InlineConnection
from tests import factories


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
