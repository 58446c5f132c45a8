"""Residents by the ten thousand, written with bulk inserts rather than through the flows.

The flows create one person per conversation, which is what the onboarding benchmark
measures; here only the outcome matters (onboarded residents with a Telegram chat), so
rows go in with executemany in large batches: 100,000 residents take seconds, not hours.
Ids are chosen by the benchmark so identities, signups and chat ids follow from them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.config import SUPPORTED_LOCALES
from bot.delivery import broadcasting
from bot.domain.models import (
    Action,
    ActionStatus,
    Base,
    Broadcast,
    BroadcastStatus,
    Identity,
    Neighbourhood,
    Person,
    Result,
    Signup,
    SignupStatus,
)
from bot.domain.people import PRIVACY_VERSION

CHAT_BASE = 7_000_000  # a resident's Telegram chat id is CHAT_BASE + their person id
WA_BASE = 31_600_000_000  # a WhatsApp resident's wa_id (a Dutch mobile number) is WA_BASE + id
BATCH = 5_000
TIMEZONE = "Europe/Amsterdam"


def chat_of(person_id: int) -> int:
    return CHAT_BASE + person_id


def person_of(chat_id: int) -> int:
    return chat_id - CHAT_BASE


def wa_id_of(person_id: int) -> str:
    return str(WA_BASE + person_id)


async def neighbourhood(engine: AsyncEngine, now: datetime) -> int:
    async with AsyncSession(engine) as session, session.begin():
        row = Neighbourhood(slug="benchwijk", name="Benchwijk", timezone=TIMEZONE, created_at=now)
        session.add(row)
        await session.flush()
        return row.id


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _insert(engine: AsyncEngine, model: type[Base], rows: Iterator[dict[str, Any]]) -> None:
    """executemany in batches, in one transaction (Core: no ORM objects to build)."""
    async with engine.begin() as connection:
        for batch in _batches(rows):
            await connection.execute(insert(model), batch)


async def residents(
    engine: AsyncEngine,
    neighbourhood_id: int,
    first: int,
    count: int,
    now: datetime,
    *,
    whatsapp: Callable[[int], datetime | None] | None = None,
) -> range:
    """Onboarded residents with ids first..first+count-1, in all five languages.

    With `whatsapp`, they are on WhatsApp (wa_id_of), and `whatsapp(id)` says when each
    last wrote (None: never; the 24-hour window is closed).

    Quiet hours are off (start == end) so that a run does not depend on the time of day
    it happens at: a non-urgent message in quiet hours waits until morning, by design.
    """
    ids = range(first, first + count)
    await _insert(
        engine,
        Person,
        (
            {
                "id": i,
                "first_name": f"Buur {i}",
                "locale": SUPPORTED_LOCALES[i % len(SUPPORTED_LOCALES)],
                "neighbourhood_id": neighbourhood_id,
                "consent_version": PRIVACY_VERSION,
                "consent_at": now,
                "quiet_start": 0,
                "quiet_end": 0,
                "opt_outs": [],
                "created_at": now,
                "last_seen_at": now,
            }
            for i in ids
        ),
    )
    await _insert(engine, Identity, (_identity(i, whatsapp) for i in ids))
    return ids


def _identity(i: int, whatsapp: Callable[[int], datetime | None] | None) -> dict[str, Any]:
    language = SUPPORTED_LOCALES[i % len(SUPPORTED_LOCALES)]
    if whatsapp is None:
        return {
            "person_id": i,
            "messenger": "telegram",
            "external_id": str(chat_of(i)),
            "chat_id": chat_of(i),
            "language_code": language,
        }
    return {
        "person_id": i,
        "messenger": "whatsapp",
        "external_id": wa_id_of(i),
        "chat_id": int(wa_id_of(i)),
        "language_code": language,
        "last_inbound_at": whatsapp(i),
    }


async def broadcast(engine: AsyncEngine, neighbourhood_id: int, now: datetime) -> tuple[int, int]:
    """A coordinator's broadcast to the whole neighbourhood, expanded into the outbox.

    Returns (broadcast id, rows enqueued). No author: the report a finished broadcast
    sends its author would be one message more than the recipients.
    """
    async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
        item = Broadcast(
            neighbourhood_id=neighbourhood_id,
            text="De buurtbarbecue is zaterdag om 17:00 op het grasveld. Neem een stoel mee!",
            texts_by_locale={"en": "The neighbourhood barbecue is Saturday 17:00. Bring a chair!"},
            audience={},
            status=BroadcastStatus.DRAFT,
            created_at=now,
        )
        session.add(item)
        await session.flush()
        added = await broadcasting.expand(session, item, now)
        return item.id, added


async def sweep_fixtures(
    engine: AsyncEngine, neighbourhood_id: int, people: range, now: datetime
) -> None:
    """Four activities (two within 2 h, one within 24 h, one later), every resident joined
    to one of them, and a result this week, so both sweeps have work."""
    async with AsyncSession(engine) as session, session.begin():
        existing = list(await session.scalars(select(Action.id).order_by(Action.id)))
        if not existing:
            for index, ahead in enumerate((1, 1.5, 20, 30)):
                session.add(
                    Action(
                        neighbourhood_id=neighbourhood_id,
                        title=f"Activiteit {index + 1}",
                        place="Buurthuis",
                        starts_at=now + timedelta(hours=ahead),
                        status=ActionStatus.OPEN,
                        created_at=now - timedelta(days=2),
                    )
                )
            session.add(
                Result(
                    neighbourhood_id=neighbourhood_id,
                    text="40 zakken zwerfafval opgehaald",
                    number=40,
                    published_at=now - timedelta(days=1),
                )
            )
            await session.flush()
            existing = list(await session.scalars(select(Action.id).order_by(Action.id)))
    await _insert(
        engine,
        Signup,
        (
            {
                "action_id": existing[i % len(existing)],
                "person_id": i,
                "status": SignupStatus.JOINED,
                "created_at": now - timedelta(days=1),
            }
            for i in people
        ),
    )


async def analyze(engine: AsyncEngine) -> None:
    """Fresh statistics after a bulk load, as autovacuum would have gathered by now."""
    async with engine.begin() as connection:
        await connection.execute(text("ANALYZE"))
