"""Sweeps: turn what is due into outbox rows, set-based and idempotent.

Each sweep is a fixed handful of INSERT ... SELECT statements, whatever the
number of residents, and runs any number of times without sending anything
twice: the outbox key (person, kind, subject, period) sees to that.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outbox
from bot.delivery.messages import week_counts
from bot.delivery.preferences import week_of
from bot.domain import broadcasts
from bot.domain.models import (
    Action,
    ActionStatus,
    Broadcast,
    BroadcastStatus,
    Neighbourhood,
    Person,
    Signup,
    SignupStatus,
)

REMINDERS = (("24h", timedelta(hours=24)), ("2h", timedelta(hours=2)))
DIGEST_DAY, DIGEST_TIME = 0, time(9, 0)  # Monday morning, local time


async def action_reminders(session: AsyncSession, now: datetime) -> int:
    """Reminders 24 h and 2 h before an activity, to everyone who joined it."""
    added = 0
    later = timedelta(0)
    for period, ahead in reversed(REMINDERS):  # 2h first: (now, now+2h], then (now+2h, now+24h]
        subject = literal("action:", String) + cast(Action.id, String)
        rows = (
            select(*outbox.columns(Signup.person_id, "action_reminder", subject, period, now))
            .join(Action, Action.id == Signup.action_id)
            .join(Person, Person.id == Signup.person_id)
            .where(
                Signup.status == SignupStatus.JOINED,
                Action.status == ActionStatus.OPEN,
                Action.starts_at > now + later,
                Action.starts_at <= now + ahead,
                Person.unreachable_at.is_(None),
            )
        )
        added += await outbox.insert_selected(session, rows)
        later = ahead
    return added


async def weekly_digest(session: AsyncSession, now: datetime) -> int:
    """On Monday from 09:00 local time: the week's news to every resident, if there is news."""
    added = 0
    for neighbourhood in await session.scalars(select(Neighbourhood)):
        zone = ZoneInfo(neighbourhood.timezone)
        local = now.astimezone(zone)
        if local.weekday() != DIGEST_DAY or local.time() < DIGEST_TIME:
            continue
        if not any((await week_counts(session, neighbourhood.id, now)).values()):
            continue  # nothing to celebrate: no message
        subject = literal(f"neighbourhood:{neighbourhood.id}", String)
        rows = select(
            *outbox.columns(Person.id, "weekly_digest", subject, week_of(now, zone), now)
        ).where(
            and_(
                Person.neighbourhood_id == neighbourhood.id,
                Person.consent_at.is_not(None),
                Person.unreachable_at.is_(None),
            )
        )
        added += await outbox.insert_selected(session, rows)
    return added


async def scheduled_broadcasts(session: AsyncSession, now: datetime) -> int:
    """Broadcasts whose time has come: one outbox row per person in the audience."""
    added = 0
    due = await session.scalars(
        select(Broadcast).where(
            Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.scheduled_for <= now
        )
    )
    for broadcast in due:
        subject = literal(f"broadcast:{broadcast.id}", String)
        columns = outbox.columns(Person.id, "broadcast", subject, "", now, urgent=broadcast.urgent)
        rows = select(*columns, literal(broadcast.id)).where(*broadcasts.audience_filter(broadcast))
        added += await outbox.insert_selected(session, rows, "broadcast_id")
        broadcast.status = BroadcastStatus.SENDING
        broadcast.sent_at = now
    return added


SWEEPS = {
    "action_reminders": action_reminders,
    "weekly_digest": weekly_digest,
    "scheduled_broadcasts": scheduled_broadcasts,
}
