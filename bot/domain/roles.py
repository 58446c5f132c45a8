"""Who may do what, where. Every privileged command and button asks here.

Permissions are granted by role and always scoped to one neighbourhood: a
coordinator of Overvecht holds no power over Lansingerland.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import audit
from bot.domain.errors import NotAllowed
from bot.domain.models import Person, Role, RoleGrant


class Permission(StrEnum):
    INVITE_PARTNER = "invite_partner"
    INVITE_COORDINATOR = "invite_coordinator"
    REVIEW_PROPOSALS = "review_proposals"
    BROADCAST = "broadcast"
    PUBLISH_RESULTS = "publish_results"
    MANAGE_COMMITMENTS = "manage_commitments"
    UPDATE_COMMITMENTS = "update_commitments"
    SEE_STATISTICS = "see_statistics"
    MANAGE_NEIGHBOURHOOD = "manage_neighbourhood"
    GRANT_ROLES = "grant_roles"


_COORDINATOR = {
    Permission.INVITE_PARTNER,
    Permission.INVITE_COORDINATOR,
    Permission.REVIEW_PROPOSALS,
    Permission.BROADCAST,
    Permission.PUBLISH_RESULTS,
    Permission.MANAGE_COMMITMENTS,
    Permission.SEE_STATISTICS,
}
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PARTNER: frozenset({Permission.UPDATE_COMMITMENTS}),
    Role.COORDINATOR: frozenset(_COORDINATOR),
    Role.ADMIN: frozenset(Permission),
}


async def grants_of(session: AsyncSession, person_id: int) -> list[RoleGrant]:
    result = await session.scalars(select(RoleGrant).where(RoleGrant.person_id == person_id))
    return list(result)


async def allowed(
    session: AsyncSession, person_id: int, permission: Permission, neighbourhood_id: int
) -> bool:
    return any(
        grant.neighbourhood_id == neighbourhood_id and permission in PERMISSIONS[grant.role]
        for grant in await grants_of(session, person_id)
    )


async def require(
    session: AsyncSession, person_id: int, permission: Permission, neighbourhood_id: int
) -> None:
    if not await allowed(session, person_id, permission, neighbourhood_id):
        raise NotAllowed(permission.value, neighbourhood_id)


async def grant(
    session: AsyncSession,
    person: Person,
    role: Role,
    neighbourhood_id: int,
    *,
    now: datetime,
    organisation_id: int | None = None,
    granted_by_id: int | None = None,
) -> RoleGrant:
    """Give `person` a role in a neighbourhood (updating the organisation if held already)."""
    existing = await session.scalar(
        select(RoleGrant).where(
            RoleGrant.person_id == person.id,
            RoleGrant.role == role,
            RoleGrant.neighbourhood_id == neighbourhood_id,
        )
    )
    if existing is not None:
        existing.organisation_id = organisation_id or existing.organisation_id
        return existing
    role_grant = RoleGrant(
        person_id=person.id,
        role=role,
        neighbourhood_id=neighbourhood_id,
        organisation_id=organisation_id,
        granted_by_id=granted_by_id,
        created_at=now,
    )
    session.add(role_grant)
    await session.flush()
    audit.record(
        session,
        now,
        "role.granted",
        actor_id=granted_by_id,
        neighbourhood_id=neighbourhood_id,
        subject=("person", person.id),
        role=role.value,
    )
    return role_grant


# The roles asked to review new proposals.
REVIEWERS = frozenset(
    role for role, held in PERMISSIONS.items() if Permission.REVIEW_PROPOSALS in held
)
