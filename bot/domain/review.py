"""Coordinators' decisions on proposals. Every decision is audited; callers check the role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import audit
from bot.domain.models import (
    AuditEntry,
    Initiative,
    InitiativePartner,
    InitiativeStatus,
    Organisation,
    Person,
    Role,
    RoleGrant,
)

REASON_LIMIT = 500


async def waiting(
    session: AsyncSession, neighbourhood_ids: list[int], limit: int = 10
) -> list[Initiative]:
    """Proposals waiting for review, oldest first."""
    return list(
        await session.scalars(
            select(Initiative)
            .where(
                Initiative.neighbourhood_id.in_(neighbourhood_ids),
                Initiative.status == InitiativeStatus.SUBMITTED,
            )
            .order_by(Initiative.submitted_at, Initiative.id)
            .limit(limit)
        )
    )


async def waiting_count(session: AsyncSession, neighbourhood_ids: list[int]) -> int:
    """How many proposals wait in all, beyond the page `waiting` shows."""
    count = await session.scalar(
        select(func.count(Initiative.id)).where(
            Initiative.neighbourhood_id.in_(neighbourhood_ids),
            Initiative.status == InitiativeStatus.SUBMITTED,
        )
    )
    return count or 0


def _decide(
    session: AsyncSession,
    item: Initiative,
    reviewer: Person,
    status: InitiativeStatus,
    now: datetime,
    note: str | None = None,
) -> None:
    item.status = status
    item.review_note = note
    item.decided_at = item.updated_at = now
    audit.record(
        session,
        now,
        f"initiative.{status.value}",
        actor_id=reviewer.id,
        neighbourhood_id=item.neighbourhood_id,
        subject=("initiative", item.id),
    )


async def approve_waiting(
    session: AsyncSession, item: Initiative, reviewer: Person, now: datetime
) -> bool:
    """Approve `item` only if it still waits as it was submitted: one conditional UPDATE, so
    of two coordinators pressing at once exactly one approves. False changes nothing."""
    result = await session.execute(
        update(Initiative)
        .where(
            Initiative.id == item.id,
            Initiative.status == InitiativeStatus.SUBMITTED,
            Initiative.submitted_at == item.submitted_at,
        )
        .values(status=InitiativeStatus.APPROVED, review_note=None, decided_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await session.refresh(item)
        return False
    await session.refresh(item)
    audit.record(
        session,
        now,
        f"initiative.{InitiativeStatus.APPROVED.value}",
        actor_id=reviewer.id,
        neighbourhood_id=item.neighbourhood_id,
        subject=("initiative", item.id),
    )
    return True


async def decided_by(session: AsyncSession, item: Initiative) -> int | None:
    """Who took the last decision on `item` (from the audit log); None when unknown or erased."""
    return await session.scalar(
        select(AuditEntry.actor_id)
        .where(
            AuditEntry.subject_type == "initiative",
            AuditEntry.subject_id == item.id,
            AuditEntry.action == f"initiative.{item.status.value}",
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(1)
    )


def reject(
    session: AsyncSession, item: Initiative, reviewer: Person, reason: str, now: datetime
) -> None:
    _decide(session, item, reviewer, InitiativeStatus.REJECTED, now, reason)


def ask_changes(
    session: AsyncSession, item: Initiative, reviewer: Person, question: str, now: datetime
) -> None:
    _decide(session, item, reviewer, InitiativeStatus.CHANGES_REQUESTED, now, question)


async def partner_organisations(session: AsyncSession, neighbourhood_id: int) -> list[Organisation]:
    """Organisations with partners in the neighbourhood."""
    return list(
        await session.scalars(
            select(Organisation)
            .join(RoleGrant, RoleGrant.organisation_id == Organisation.id)
            .where(RoleGrant.neighbourhood_id == neighbourhood_id, RoleGrant.role == Role.PARTNER)
            .distinct()
            .order_by(Organisation.name)
        )
    )


async def linked(session: AsyncSession, initiative_id: int) -> set[int]:
    return set(
        await session.scalars(
            select(InitiativePartner.organisation_id).where(
                InitiativePartner.initiative_id == initiative_id
            )
        )
    )


async def toggle_partner(
    session: AsyncSession, item: Initiative, organisation_id: int, reviewer: Person, now: datetime
) -> bool:
    """Link or unlink a partner organisation; True when it is linked now."""
    if organisation_id in await linked(session, item.id):
        await session.execute(
            delete(InitiativePartner).where(
                InitiativePartner.initiative_id == item.id,
                InitiativePartner.organisation_id == organisation_id,
            )
        )
        now_linked = False
    else:
        session.add(InitiativePartner(initiative_id=item.id, organisation_id=organisation_id))
        now_linked = True
    audit.record(
        session,
        now,
        "initiative.partner_linked" if now_linked else "initiative.partner_unlinked",
        actor_id=reviewer.id,
        neighbourhood_id=item.neighbourhood_id,
        subject=("initiative", item.id),
        organisation=organisation_id,
    )
    await session.flush()
    return now_linked
