"""The outbox: every pushed message is a row first, with a key that makes it happen once.

The key is (recipient, kind, subject, period): "person 7, action_reminder,
action:12, 24h". Enqueueing a key that exists is a no-op, so a sweep or a
broadcast can be run again, or resumed after a crash, without sending twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, false, literal, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.dialect import insert_ignoring_duplicates
from bot.domain.models import Delivery, DeliveryStatus

BATCH = 1000


def delivery_key(person_id: int, kind: str, subject: str, period: str) -> str:
    return f"{person_id}|{kind}|{subject}|{period}"


def key_expression(
    person_id: ColumnElement[Any], kind: str, subject: ColumnElement[Any] | str, period: str
) -> ColumnElement[str]:
    """The same key, computed in SQL for set-based sweeps (`||` on both databases)."""
    subject_sql = subject if isinstance(subject, ColumnElement) else literal(subject, String)
    return cast(person_id, String) + f"|{kind}|" + subject_sql + f"|{period}"


@dataclass(frozen=True, slots=True)
class Message:
    """One message to enqueue."""

    person_id: int
    kind: str
    subject: str = ""
    period: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    urgent: bool = False
    broadcast_id: int | None = None


async def enqueue(
    session: AsyncSession,
    messages: Iterable[Message],
    *,
    now: datetime,
    not_before: datetime | None = None,
) -> int:
    """Add messages to the outbox, skipping keys already there; returns how many are new."""
    rows = [
        {
            "key": delivery_key(m.person_id, m.kind, m.subject, m.period),
            "person_id": m.person_id,
            "kind": m.kind,
            "subject": m.subject,
            "period": m.period,
            "payload": m.payload,
            "urgent": m.urgent,
            "broadcast_id": m.broadcast_id,
            "status": DeliveryStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": not_before or now,
            "created_at": now,
        }
        for m in messages
    ]
    if not rows:
        return 0
    table = Delivery.__table__
    insert = insert_ignoring_duplicates(table, session.bind.dialect.name, "key")
    added = 0
    for start in range(0, len(rows), BATCH):
        result = await session.execute(insert.returning(table.c.id), rows[start : start + BATCH])
        added += len(result.all())
    return added


# -- set-based enqueueing: INSERT ... SELECT, one statement for any number of people --

COLUMNS = ("key", "person_id", "kind", "subject", "period", "urgent", "status", "attempts")
TIMES = ("next_attempt_at", "created_at")


async def insert_selected(session: AsyncSession, rows: Select[Any], *extra: str) -> int:
    """INSERT the selected rows (COLUMNS, TIMES, then `extra`) into the outbox, once per key."""
    table = Delivery.__table__
    statement = insert_ignoring_duplicates(table, session.bind.dialect.name, "key")
    # SQLite reads "FROM t ON CONFLICT" as a join unless the SELECT has a WHERE clause.
    rows = rows.where(true())
    statement = statement.from_select([*COLUMNS, *TIMES, *extra], rows)
    result = await session.execute(statement)
    return result.rowcount  # type: ignore[attr-defined]  (one statement: both drivers count)


def columns(
    person_id: ColumnElement[int],
    kind: str,
    subject: ColumnElement[str],
    period: str,
    now: datetime,
    *,
    urgent: bool = False,
) -> list[ColumnElement[Any]]:
    """The outbox columns (COLUMNS, TIMES) of one row, as SQL expressions."""
    return [
        key_expression(person_id, kind, subject, period),
        person_id,
        literal(kind, String),
        subject,
        literal(period, String),
        literal(True) if urgent else false(),
        literal(DeliveryStatus.PENDING.value, String),
        literal(0),
        literal(now, Delivery.next_attempt_at.type),
        literal(now, Delivery.created_at.type),
    ]
