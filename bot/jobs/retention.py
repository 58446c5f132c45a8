"""Keep little, for a short time: the retention sweep.

Runs every hour (idempotent: a second run finds nothing left to do); every
period is a setting (README, "Configuration"; docs/privacy.md says why):

    received_updates   done: payload cleared at once; every row deleted after
                       UPDATE_RETENTION_DAYS (7), with its answer and error
    deliveries         sent, failed, unreachable or cancelled: deleted after
                       OUTBOX_RETENTION_DAYS (30); a broadcast's counts are added
                       up first, so its delivery report stays right; a nudge
                       about an initiative that still exists stays, or its
                       idempotency key would let the nudge go out again
    proposal drafts    untouched for DRAFT_RETENTION_DAYS (60): deleted
    conversations      untouched for CONVERSATION_RETENTION_DAYS (30): reset
    people             who never gave consent, after UNCONSENTED_RETENTION_DAYS
                       (30): deleted with their identities and state

Only ids and counts are logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, delete, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.models import (
    Broadcast,
    ConversationState,
    Delivery,
    DeliveryStatus,
    Initiative,
    InitiativeStatus,
    Person,
    ReceivedUpdate,
    UpdateStatus,
)
from bot.logs import event

log = logging.getLogger(__name__)
FINISHED = (
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED,
    DeliveryStatus.UNREACHABLE,
    DeliveryStatus.CANCELLED,
    DeliveryStatus.SKIPPED,
)
# Nudges whose key stays meaningful as long as their initiative exists (see the docstring).
REPEATABLE = ("nudge_draft", "nudge_silent")
REPORT = "report"  # where a broadcast keeps the counts of its deleted deliveries (`audience`)


@dataclass(frozen=True, slots=True)
class Retention:
    updates: timedelta = timedelta(days=7)
    outbox: timedelta = timedelta(days=30)
    drafts: timedelta = timedelta(days=60)
    conversations: timedelta = timedelta(days=30)
    unconsented: timedelta = timedelta(days=30)

    @classmethod
    def from_settings(cls, settings: Settings) -> Retention:
        return cls(
            updates=timedelta(days=settings.update_retention_days),
            outbox=timedelta(days=settings.outbox_retention_days),
            drafts=timedelta(days=settings.draft_retention_days),
            conversations=timedelta(days=settings.conversation_retention_days),
            unconsented=timedelta(days=settings.unconsented_retention_days),
        )


@dataclass(slots=True)
class Swept:
    payloads_cleared: int = 0
    updates_deleted: int = 0
    deliveries_deleted: int = 0
    drafts_deleted: int = 0
    conversations_reset: int = 0
    people_deleted: int = 0


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def _received_updates(session: AsyncSession, now: datetime, keep: timedelta) -> Swept:
    cleared = await session.execute(
        update(ReceivedUpdate)
        .where(ReceivedUpdate.status == UpdateStatus.DONE, ReceivedUpdate.payload.is_not(None))
        .values(payload=None)
    )
    deleted = await session.execute(
        delete(ReceivedUpdate).where(ReceivedUpdate.received_at < now - keep)
    )
    return Swept(payloads_cleared=_count(cleared), updates_deleted=_count(deleted))


async def _add_up_broadcasts(session: AsyncSession, old: list[object]) -> None:
    """Before their deliveries go: each broadcast keeps the counts per status."""
    rows = await session.execute(
        select(Delivery.broadcast_id, Delivery.status, func.count(Delivery.id))
        .where(Delivery.broadcast_id.is_not(None), *old)
        .group_by(Delivery.broadcast_id, Delivery.status)
    )
    for broadcast_id, status, count in rows:
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None:
            continue
        report = dict(broadcast.audience.get(REPORT, {}))
        report[status.value] = report.get(status.value, 0) + count
        broadcast.audience = {**broadcast.audience, REPORT: report}
    await session.flush()


async def _deliveries(session: AsyncSession, now: datetime, keep: timedelta) -> int:
    live_initiatives = select(literal("initiative:", String) + cast(Initiative.id, String))
    old = [
        Delivery.status.in_(FINISHED),
        func.coalesce(Delivery.sent_at, Delivery.created_at) < now - keep,
        ~(Delivery.kind.in_(REPEATABLE) & Delivery.subject.in_(live_initiatives)),
    ]
    await _add_up_broadcasts(session, old)
    return _count(await session.execute(delete(Delivery).where(*old)))


async def sweep(session: AsyncSession, now: datetime, policy: Retention) -> Swept:
    """One pass over everything with a retention period; returns what it did."""
    swept = await _received_updates(session, now, policy.updates)
    swept.deliveries_deleted = await _deliveries(session, now, policy.outbox)
    swept.drafts_deleted = _count(
        await session.execute(
            delete(Initiative).where(
                Initiative.status == InitiativeStatus.DRAFT,
                Initiative.updated_at < now - policy.drafts,
            )
        )
    )
    swept.conversations_reset = _count(
        await session.execute(
            update(ConversationState)
            .where(
                ConversationState.flow.is_not(None),
                ConversationState.updated_at < now - policy.conversations,
            )
            .values(
                flow=None,
                step=None,
                data={},
                version=ConversationState.version + 1,
                updated_at=now,
            )
        )
    )
    swept.people_deleted = _count(
        await session.execute(
            delete(Person).where(
                Person.consent_at.is_(None), Person.created_at < now - policy.unconsented
            )
        )
    )
    return swept


def retention_sweep(policy: Retention) -> Callable[[AsyncSession, datetime], Awaitable[int]]:
    """The sweep in the scheduler's shape; it enqueues nothing, so it answers 0."""

    async def run(session: AsyncSession, now: datetime) -> int:
        swept = await sweep(session, now, policy)
        if any(asdict(swept).values()):
            event(log, "retention.swept", **asdict(swept))
        return 0

    return run
