"""Broadcasts: a coordinator's message to an audience, now or at a chosen time.

The audience is stored as data ({"areas": [...], "locales": [...], ...}) and
turned into outbox rows in one INSERT ... SELECT when the broadcast is due, by
the `scheduled_broadcasts` sweep. Scheduling is therefore persistent: a
restart, or another process taking over, changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.models import (
    Action,
    Broadcast,
    BroadcastStatus,
    Delivery,
    DeliveryStatus,
    Person,
    Role,
    RoleGrant,
    Signup,
    SignupStatus,
    Support,
)


def audience_filter(broadcast: Broadcast) -> list[ColumnElement[bool]]:
    """SQL conditions on Person for the broadcast's audience.

    The audience is everyone in the neighbourhood who consented, narrowed by
    buurten and languages; or the followers of one initiative; or the people
    holding a role (partners, coordinators) in the neighbourhood.
    """
    audience = broadcast.audience or {}
    conditions: list[ColumnElement[bool]] = [
        Person.consent_at.is_not(None),
        Person.unreachable_at.is_(None),
    ]
    if audience.get("roles"):
        holders = select(RoleGrant.person_id).where(
            RoleGrant.neighbourhood_id == broadcast.neighbourhood_id,
            RoleGrant.role.in_([Role(role) for role in audience["roles"]]),
        )
        conditions.append(Person.id.in_(holders))
    else:
        conditions.append(Person.neighbourhood_id == broadcast.neighbourhood_id)
    if audience.get("initiative"):
        initiative_id = int(audience["initiative"])
        followers = union(
            select(Support.person_id).where(Support.initiative_id == initiative_id),
            select(Signup.person_id)
            .join(Action, Action.id == Signup.action_id)
            .where(Action.initiative_id == initiative_id, Signup.status == SignupStatus.JOINED),
        )
        conditions.append(Person.id.in_(followers))
    if audience.get("areas"):
        conditions.append(Person.area_id.in_(audience["areas"]))
    if audience.get("locales"):
        conditions.append(Person.locale.in_(audience["locales"]))
    return conditions


async def audience_size(session: AsyncSession, broadcast: Broadcast) -> int:
    count = await session.scalar(select(func.count(Person.id)).where(*audience_filter(broadcast)))
    return count or 0


def schedule(broadcast: Broadcast, at: datetime) -> None:
    broadcast.status = BroadcastStatus.SCHEDULED
    broadcast.scheduled_for = at


def cancel(broadcast: Broadcast) -> bool:
    """Cancel a broadcast that has not gone out yet; False when it is too late."""
    if broadcast.status not in (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED):
        return False
    broadcast.status = BroadcastStatus.CANCELLED
    return True


@dataclass(frozen=True, slots=True)
class Report:
    sent: int
    waiting: int
    unreachable: int
    failed: int

    @property
    def total(self) -> int:
        return self.sent + self.waiting + self.unreachable + self.failed


async def report(session: AsyncSession, broadcast_id: int) -> Report:
    """How the broadcast's delivery went so far: sent, waiting, unreachable, failed.

    Deliveries deleted by the retention sweep were added up first, in the
    broadcast's `audience["report"]`; they count too.
    """
    rows = await session.execute(
        select(Delivery.status, func.count(Delivery.id))
        .where(Delivery.broadcast_id == broadcast_id)
        .group_by(Delivery.status)
    )
    counts: Counter[DeliveryStatus] = Counter({status: n for status, n in rows})
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is not None:
        counts.update(
            {DeliveryStatus(k): n for k, n in broadcast.audience.get("report", {}).items()}
        )
    return Report(
        sent=counts[DeliveryStatus.SENT],
        waiting=counts[DeliveryStatus.PENDING] + counts[DeliveryStatus.SENDING],
        unreachable=counts[DeliveryStatus.UNREACHABLE],
        failed=counts[DeliveryStatus.FAILED] + counts[DeliveryStatus.CANCELLED],
    )
