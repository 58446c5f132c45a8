"""The migrations build exactly the schema the models describe, on either database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.domain import db
from bot.domain.models import Base


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = db.make_engine(database_url)

    def differences(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
        assert await db.current_revision(engine) == db.head_revision()
    finally:
        await engine.dispose()
