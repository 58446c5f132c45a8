"""Commitments partner organisations make to a neighbourhood, and who may change them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import audit
from bot.domain.errors import NotAllowed
from bot.domain.models import Commitment, CommitmentStatus, Person, Role, RoleGrant
from bot.domain.roles import Permission, allowed

WHAT_LIMIT = 300
NOTE_LIMIT = 500


async def listed(
    session: AsyncSession, neighbourhood_ids: list[int], organisation_id: int | None = None
) -> list[Commitment]:
    """Open ones first, by due date; done ones last."""
    query = select(Commitment).where(Commitment.neighbourhood_id.in_(neighbourhood_ids))
    if organisation_id is not None:
        query = query.where(Commitment.organisation_id == organisation_id)
    done_last = case((Commitment.status == CommitmentStatus.DONE, 1), else_=0)
    return list(await session.scalars(query.order_by(done_last, Commitment.due_on, Commitment.id)))


async def partner_organisation(
    session: AsyncSession, person_id: int, neighbourhood_id: int
) -> int | None:
    return await session.scalar(
        select(RoleGrant.organisation_id).where(
            RoleGrant.person_id == person_id,
            RoleGrant.neighbourhood_id == neighbourhood_id,
            RoleGrant.role == Role.PARTNER,
        )
    )


async def require_update(session: AsyncSession, person: Person, commitment: Commitment) -> None:
    """Coordinators of its neighbourhood, or partners of its organisation there, may update it."""
    if await allowed(
        session, person.id, Permission.MANAGE_COMMITMENTS, commitment.neighbourhood_id
    ):
        return
    organisation_id = await partner_organisation(session, person.id, commitment.neighbourhood_id)
    if organisation_id is None or organisation_id != commitment.organisation_id:
        raise NotAllowed(Permission.UPDATE_COMMITMENTS.value, commitment.neighbourhood_id)


async def create(
    session: AsyncSession,
    coordinator: Person,
    *,
    neighbourhood_id: int,
    organisation_id: int,
    what: str,
    due_on: date | None,
    now: datetime,
    theme_id: int | None = None,
) -> Commitment:
    commitment = Commitment(
        neighbourhood_id=neighbourhood_id,
        organisation_id=organisation_id,
        theme_id=theme_id,
        what=what,
        due_on=due_on,
        created_by_id=coordinator.id,
        created_at=now,
        updated_at=now,
    )
    session.add(commitment)
    await session.flush()
    audit.record(
        session,
        now,
        "commitment.created",
        actor_id=coordinator.id,
        neighbourhood_id=neighbourhood_id,
        subject=("commitment", commitment.id),
    )
    return commitment


def update(
    session: AsyncSession,
    commitment: Commitment,
    person: Person,
    now: datetime,
    *,
    status: CommitmentStatus | None = None,
    note: str | None = None,
) -> None:
    if status is not None:
        commitment.status = status
    if note is not None:
        commitment.progress_note = note
    commitment.updated_at = now
    audit.record(
        session,
        now,
        "commitment.updated",
        actor_id=person.id,
        neighbourhood_id=commitment.neighbourhood_id,
        subject=("commitment", commitment.id),
        status=commitment.status.value,
    )
