"""A neighbourhood that already has many residents, written before Wijkbot starts.

"Flat in the size of the neighbourhood" is measured by running the same onboarding against a
database that already holds N onboarded residents (`--population N`). Going through the bot
100,000 times would take an hour, so the rows are written the way onboarding leaves them
(a person with language, buurt and consent, their Telegram identity, and an idle
conversation state) with Core executemany in large batches, in one transaction: seconds.

Their Telegram ids start at RESIDENT_IDS, far from the ids the benchmark's residents use, and
person ids are 1..N; on PostgreSQL the id sequence is moved past them so the bot's own
inserts continue after the last one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bot.config import SUPPORTED_LOCALES
from bot.domain.models import Area, ConversationState, Identity, Person
from bot.domain.people import PRIVACY_VERSION

RESIDENT_IDS = 900_000_000  # the Telegram id of prefilled person n is RESIDENT_IDS + n
BATCH = 5_000
DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def _batches(count: int, row: Any) -> Iterator[list[dict[str, Any]]]:
    for start in range(1, count + 1, BATCH):
        yield [row(n) for n in range(start, min(start + BATCH, count + 1))]


async def fill(database_url: str, count: int) -> None:
    """`count` onboarded residents in the neighbourhood `admin load` created (the first one),
    spread over its buurten and the catalogs' languages. The database must have no people."""
    url = make_url(database_url)
    url = url.set(drivername=DRIVERS.get(url.drivername, url.drivername))
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await _fill(connection, count)
    finally:
        await engine.dispose()


async def _fill(connection: AsyncConnection, count: int) -> None:
    areas = (
        await connection.execute(select(Area.neighbourhood_id, Area.id).order_by(Area.id))
    ).all()
    if not areas:
        raise ValueError("no buurten: run `admin load` first")
    neighbourhood = areas[0][0]
    buurten = [area for owner, area in areas if owner == neighbourhood]
    now = datetime.now(UTC)

    def person(n: int) -> dict[str, Any]:
        return {
            "id": n,
            "first_name": f"Buur {n}",
            "locale": SUPPORTED_LOCALES[n % len(SUPPORTED_LOCALES)],
            "neighbourhood_id": neighbourhood,
            "area_id": buurten[n % len(buurten)],
            "consent_version": PRIVACY_VERSION,
            "consent_at": now,
            "opt_outs": [],
            "created_at": now,
            "last_seen_at": now,
        }

    def identity(n: int) -> dict[str, Any]:
        return {
            "person_id": n,
            "messenger": "telegram",
            "external_id": str(RESIDENT_IDS + n),
            "chat_id": RESIDENT_IDS + n,
            "language_code": SUPPORTED_LOCALES[n % len(SUPPORTED_LOCALES)],
        }

    def state(n: int) -> dict[str, Any]:
        return {
            "person_id": n,
            "flow": None,
            "step": None,
            "data": {},
            "version": 4,
            "updated_at": now,
        }

    for model, row in ((Person, person), (Identity, identity), (ConversationState, state)):
        for batch in _batches(count, row):
            await connection.execute(insert(model), batch)
    if connection.dialect.name == "postgresql":
        highest = await connection.scalar(select(func.max(Person.id)))
        await connection.execute(
            text("SELECT setval(pg_get_serial_sequence('people', 'id'), :highest)"),
            {"highest": highest},
        )
