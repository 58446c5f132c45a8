"""What an operator asks of the database: the intake's backlog, the outbox, failed deliveries.

`/metrics`, `/readyz` and `wijkbot admin status` read these; `wijkbot outbox
retry` re-queues failed rows. Only counts, statuses, message kinds and failure
reasons (an exception's type or Telegram's answer, never a text a person typed)
leave here, and every list is bounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.db import process_label
from bot.domain.dialect import insert_ignoring_duplicates
from bot.domain.models import (
    Delivery,
    DeliveryStatus,
    ReceivedUpdate,
    SweepDay,
    SweepRun,
    UpdateStatus,
)

QUEUED = (UpdateStatus.PENDING, UpdateStatus.PROCESSING)
REASONS_SHOWN = 20  # failure reasons listed by `admin status`, most frequent first


@dataclass(frozen=True, slots=True)
class Backlog:
    """Updates stored and not yet done, and when the oldest of them came in."""

    waiting: int
    oldest: datetime | None

    def oldest_seconds(self, now: datetime) -> float:
        return max(0.0, (now - self.oldest).total_seconds()) if self.oldest else 0.0


async def backlog(session: AsyncSession) -> Backlog:
    waiting, oldest = (
        await session.execute(
            select(func.count(ReceivedUpdate.id), func.min(ReceivedUpdate.received_at)).where(
                ReceivedUpdate.status.in_(QUEUED)
            )
        )
    ).one()
    return Backlog(int(waiting or 0), oldest)


async def outbox_counts(session: AsyncSession) -> list[tuple[str, str, int]]:
    """(status, kind, rows) for every status and kind in the outbox (a few dozen at most)."""
    rows = await session.execute(
        select(Delivery.status, Delivery.kind, func.count(Delivery.id))
        .group_by(Delivery.status, Delivery.kind)
        .order_by(Delivery.status, Delivery.kind)
    )
    return [(DeliveryStatus(status).value, kind, int(count)) for status, kind, count in rows]


async def failed_by_reason(
    session: AsyncSession, limit: int = REASONS_SHOWN
) -> list[tuple[str, str, int]]:
    """(kind, reason, rows) of the failed deliveries, most frequent first."""
    count = func.count(Delivery.id)
    rows = await session.execute(
        select(Delivery.kind, Delivery.last_error, count)
        .where(Delivery.status == DeliveryStatus.FAILED)
        .group_by(Delivery.kind, Delivery.last_error)
        .order_by(count.desc(), Delivery.kind)
        .limit(limit)
    )
    return [(kind, reason or "", int(n)) for kind, reason, n in rows]


async def retry_failed(session: AsyncSession, now: datetime, kind: str | None = None) -> int:
    """Put failed deliveries (of `kind`, or all) back in the queue with a fresh count of
    attempts, to be sent as soon as the sender reaches them; returns how many.

    Each row keeps its idempotency key, so a message that was sent after all is never
    queued twice; people marked unreachable stay skipped by the sender.
    """
    statement = (
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.FAILED)
        .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now)
    )
    if kind is not None:
        statement = statement.where(Delivery.kind == kind)
    result = await session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def record_sweep(
    session: AsyncSession,
    sweep: str,
    finished_at: datetime,
    seconds: float,
    added: int,
    error: str | None = None,
) -> None:
    """Overwrite the sweep's last run (one row per sweep)."""
    values = {
        "finished_at": finished_at,
        "seconds": seconds,
        "added": added,
        "error": error,
        "process": process_label(),
    }
    table = SweepRun.__table__
    await session.execute(
        insert_ignoring_duplicates(table, session.bind.dialect.name, "sweep"),
        {"sweep": sweep, **values},
    )
    await session.execute(update(SweepRun).where(SweepRun.sweep == sweep).values(**values))


async def claim_day(session: AsyncSession, sweep: str, neighbourhood_id: int, day: date) -> bool:
    """Whether a daily sweep still has `day` to do for the neighbourhood; if so, the day is
    taken in the sweep's own transaction (a run that fails gives it back)."""
    moved = await session.execute(
        update(SweepDay)
        .where(
            SweepDay.sweep == sweep,
            SweepDay.neighbourhood_id == neighbourhood_id,
            SweepDay.day < day,
        )
        .values(day=day)
    )
    if moved.rowcount:  # type: ignore[attr-defined]
        return True
    first = await session.execute(
        insert_ignoring_duplicates(
            SweepDay.__table__, session.bind.dialect.name, "sweep", "neighbourhood_id"
        ),
        {"sweep": sweep, "neighbourhood_id": neighbourhood_id, "day": day},
    )
    return bool(first.rowcount)  # type: ignore[attr-defined]


async def sweep_runs(session: AsyncSession) -> list[SweepRun]:
    return list(await session.scalars(select(SweepRun).order_by(SweepRun.sweep)))
