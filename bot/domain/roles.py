"""Who may do what, where. Every privileged command and button asks here.

Permissions are granted by role and always scoped to one neighbourhood: a
coordinator of Overvecht holds no power over Lansingerland. One permission also
depends on the neighbourhood: only admins invite coordinators, unless the
neighbourhood's file says `coordinators_invite_coordinators: true`.

Roles can be taken back (`revoke`); since every event reads the person's
grants afresh, the next message already meets the smaller menu.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.domain import audit
from bot.domain.errors import NotAllowed
from bot.domain.models import Neighbourhood, Person, Role, RoleGrant


class Permission(StrEnum):
    INVITE_PARTNER = "invite_partner"
    INVITE_COORDINATOR = "invite_coordinator"
    REVIEW_PROPOSALS = "review_proposals"
    BROADCAST = "broadcast"
    PUBLISH_RESULTS = "publish_results"
    MANAGE_COMMITMENTS = "manage_commitments"
    UPDATE_COMMITMENTS = "update_commitments"
    SEE_STATISTICS = "see_statistics"
    MANAGE_GOALS = "manage_goals"
    LINK_CHAT = "link_chat"  # the neighbourhood's own group or channel
    MANAGE_NEIGHBOURHOOD = "manage_neighbourhood"
    GRANT_ROLES = "grant_roles"


_COORDINATOR = {
    Permission.INVITE_PARTNER,
    Permission.REVIEW_PROPOSALS,
    Permission.BROADCAST,
    Permission.PUBLISH_RESULTS,
    Permission.MANAGE_COMMITMENTS,
    Permission.SEE_STATISTICS,
    Permission.MANAGE_GOALS,
    Permission.LINK_CHAT,
}
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PARTNER: frozenset({Permission.UPDATE_COMMITMENTS}),
    Role.COORDINATOR: frozenset(_COORDINATOR),
    Role.ADMIN: frozenset(Permission),
}


async def grants_of(session: AsyncSession, person_id: int) -> list[RoleGrant]:
    result = await session.scalars(select(RoleGrant).where(RoleGrant.person_id == person_id))
    return list(result)


# The permission each kind of invite needs.
TO_INVITE: dict[Role, Permission] = {
    Role.PARTNER: Permission.INVITE_PARTNER,
    Role.COORDINATOR: Permission.INVITE_COORDINATOR,
    Role.ADMIN: Permission.GRANT_ROLES,
}


async def allowed(
    session: AsyncSession, person_id: int, permission: Permission, neighbourhood_id: int
) -> bool:
    held = [
        grant.role
        for grant in await grants_of(session, person_id)
        if grant.neighbourhood_id == neighbourhood_id
    ]
    if any(permission in PERMISSIONS[role] for role in held):
        return True
    if permission is Permission.INVITE_COORDINATOR and Role.COORDINATOR in held:
        return bool(
            await session.scalar(
                select(Neighbourhood.coordinators_invite_coordinators).where(
                    Neighbourhood.id == neighbourhood_id
                )
            )
        )
    return False


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
    existing = await find(session, person.id, role, neighbourhood_id)
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


async def grants_in(session: AsyncSession, neighbourhood_id: int | None = None) -> list[RoleGrant]:
    """Every grant (in one neighbourhood, or everywhere), with person, place and organisation."""
    query = (
        select(RoleGrant)
        .join(Person, Person.id == RoleGrant.person_id)
        .options(
            joinedload(RoleGrant.person),
            joinedload(RoleGrant.neighbourhood),
            joinedload(RoleGrant.organisation),
        )
        .order_by(RoleGrant.neighbourhood_id, RoleGrant.role, Person.first_name, RoleGrant.id)
    )
    if neighbourhood_id is not None:
        query = query.where(RoleGrant.neighbourhood_id == neighbourhood_id)
    return list(await session.scalars(query))


async def find(
    session: AsyncSession, person_id: int, role: Role, neighbourhood_id: int
) -> RoleGrant | None:
    return await session.scalar(
        select(RoleGrant).where(
            RoleGrant.person_id == person_id,
            RoleGrant.role == role,
            RoleGrant.neighbourhood_id == neighbourhood_id,
        )
    )


async def is_last_admin(session: AsyncSession, grant: RoleGrant) -> bool:
    """Whether taking `grant` away would leave its neighbourhood without an admin."""
    if grant.role is not Role.ADMIN:
        return False
    admins = await session.scalar(
        select(func.count(RoleGrant.id)).where(
            RoleGrant.role == Role.ADMIN, RoleGrant.neighbourhood_id == grant.neighbourhood_id
        )
    )
    return (admins or 0) <= 1


async def revoke(
    session: AsyncSession, grant: RoleGrant, *, now: datetime, revoked_by_id: int | None = None
) -> None:
    """Take a role back; audited. Who may do this is the caller's check (GRANT_ROLES)."""
    audit.record(
        session,
        now,
        "role.revoked",
        actor_id=revoked_by_id,
        neighbourhood_id=grant.neighbourhood_id,
        subject=("person", grant.person_id),
        role=grant.role.value,
    )
    await session.delete(grant)
    await session.flush()


async def first_names(session: AsyncSession, person_ids: list[int | None]) -> dict[int, str]:
    """First names by id, e.g. of those who granted roles or made invites (erased: absent)."""
    wanted = {person_id for person_id in person_ids if person_id is not None}
    if not wanted:
        return {}
    rows = await session.execute(select(Person.id, Person.first_name).where(Person.id.in_(wanted)))
    return {person_id: name for person_id, name in rows}


# The roles asked to review new proposals.
REVIEWERS = frozenset(
    role for role, held in PERMISSIONS.items() if Permission.REVIEW_PROPOSALS in held
)
