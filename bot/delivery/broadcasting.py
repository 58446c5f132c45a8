"""A broadcast becomes outbox rows (one statement), and its author hears how it went."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outbox
from bot.domain import broadcasts
from bot.domain.models import Broadcast, BroadcastStatus, Delivery, DeliveryStatus, Person


async def expand(session: AsyncSession, broadcast: Broadcast, now: datetime) -> int:
    """One outbox row per person in the audience; the broadcast is then sending."""
    subject = literal(f"broadcast:{broadcast.id}", String)
    columns = outbox.columns(Person.id, "broadcast", subject, "", now, urgent=broadcast.urgent)
    rows = select(*columns, literal(broadcast.id)).where(*broadcasts.audience_filter(broadcast))
    added = await outbox.insert_selected(session, rows, "broadcast_id")
    broadcast.status = BroadcastStatus.SENDING
    broadcast.sent_at = now
    return added


async def report_finished(session: AsyncSession, now: datetime) -> int:
    """Mark broadcasts with nothing left to send as sent, and report to their authors."""
    unfinished = exists().where(
        Delivery.broadcast_id == Broadcast.id,
        Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
    )
    done = list(
        await session.scalars(
            select(Broadcast).where(Broadcast.status == BroadcastStatus.SENDING, ~unfinished)
        )
    )
    reports = []
    for broadcast in done:
        broadcast.status = BroadcastStatus.SENT
        if broadcast.author_id is not None:
            reports.append(
                outbox.Message(broadcast.author_id, "broadcast_report", f"broadcast:{broadcast.id}")
            )
    return await outbox.enqueue(session, reports, now=now)
