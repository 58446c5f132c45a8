"""Initiatives: a resident's proposal, from draft to approved, and the people behind it.

Limits are part of the rules (and explained to residents before they hit them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import audit
from bot.domain.models import Initiative, InitiativeStatus, Person, Support

TITLE_LIMIT = 80
DESCRIPTION_LIMIT = 1000
VOLUNTEERS_LIMIT = 500
PAGE_SIZE = 5
MILESTONES = (10, 25, 50, 100)
WAITING_LIMIT = 3  # proposals of one person waiting for review; each one pings every coordinator
OPEN = (InitiativeStatus.APPROVED,)


class Sort(StrEnum):
    NEWEST = "new"
    SUPPORTED = "top"


EDITABLE = (InitiativeStatus.DRAFT, InitiativeStatus.CHANGES_REQUESTED)


async def draft_of(session: AsyncSession, person: Person) -> Initiative | None:
    """The person's proposal still to finish or change, if any (one at a time)."""
    return await session.scalar(
        select(Initiative)
        .where(Initiative.owner_id == person.id, Initiative.status.in_(EDITABLE))
        .order_by(Initiative.updated_at.desc())
        .limit(1)
    )


async def start_draft(session: AsyncSession, person: Person, now: datetime) -> Initiative:
    assert person.neighbourhood_id is not None
    draft = Initiative(
        neighbourhood_id=person.neighbourhood_id,
        area_id=person.area_id,
        owner_id=person.id,
        status=InitiativeStatus.DRAFT,
        help_wanted={},
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    await session.flush()
    return draft


async def waiting_of(session: AsyncSession, person_id: int) -> int:
    """How many of the person's proposals wait for review."""
    count = await session.scalar(
        select(func.count(Initiative.id)).where(
            Initiative.owner_id == person_id, Initiative.status == InitiativeStatus.SUBMITTED
        )
    )
    return count or 0


async def submit(session: AsyncSession, initiative: Initiative, now: datetime) -> None:
    initiative.status = InitiativeStatus.SUBMITTED
    initiative.submitted_at = initiative.updated_at = now
    audit.record(
        session,
        now,
        "initiative.submitted",
        actor_id=initiative.owner_id,
        neighbourhood_id=initiative.neighbourhood_id,
        subject=("initiative", initiative.id),
    )


async def withdraw(session: AsyncSession, initiative: Initiative, now: datetime) -> None:
    initiative.status = InitiativeStatus.WITHDRAWN
    initiative.updated_at = now
    audit.record(
        session,
        now,
        "initiative.withdrawn",
        actor_id=initiative.owner_id,
        neighbourhood_id=initiative.neighbourhood_id,
        subject=("initiative", initiative.id),
    )


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Initiative]
    page: int
    pages: int


def _open_in(neighbourhood_id: int, theme_id: int | None, area_id: int | None) -> Select[Any]:
    query = select(Initiative).where(
        Initiative.neighbourhood_id == neighbourhood_id, Initiative.status.in_(OPEN)
    )
    if theme_id is not None:
        query = query.where(Initiative.theme_id == theme_id)
    if area_id is not None:
        query = query.where(Initiative.area_id == area_id)
    return query


async def browse(
    session: AsyncSession,
    neighbourhood_id: int,
    *,
    theme_id: int | None = None,
    area_id: int | None = None,
    sort: Sort = Sort.NEWEST,
    page: int = 0,
) -> Page:
    """Open initiatives, newest or most supported first, a page at a time."""
    query = _open_in(neighbourhood_id, theme_id, area_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    order = (
        (Initiative.supporter_count.desc(), Initiative.decided_at.desc(), Initiative.id.desc())
        if sort is Sort.SUPPORTED
        else (Initiative.decided_at.desc(), Initiative.id.desc())
    )
    items = await session.scalars(query.order_by(*order).offset(page * PAGE_SIZE).limit(PAGE_SIZE))
    return Page(list(items), page, pages)


async def is_supporter(session: AsyncSession, initiative_id: int, person_id: int) -> bool:
    found = await session.get(Support, (initiative_id, person_id))
    return found is not None


async def support(
    session: AsyncSession, initiative: Initiative, person: Person, now: datetime
) -> int | None:
    """Back (and follow) an initiative; returns a milestone reached, if this support made one."""
    if await is_supporter(session, initiative.id, person.id):
        return None
    session.add(Support(initiative_id=initiative.id, person_id=person.id, created_at=now))
    await session.execute(
        update(Initiative)
        .where(Initiative.id == initiative.id)
        .values(supporter_count=Initiative.supporter_count + 1)
    )
    await session.flush()
    await session.refresh(initiative, ["supporter_count"])
    return initiative.supporter_count if initiative.supporter_count in MILESTONES else None


async def unsupport(session: AsyncSession, initiative: Initiative, person: Person) -> None:
    result = await session.execute(
        delete(Support).where(
            Support.initiative_id == initiative.id, Support.person_id == person.id
        )
    )
    if result.rowcount:
        await session.execute(
            update(Initiative)
            .where(Initiative.id == initiative.id)
            .values(supporter_count=Initiative.supporter_count - 1)
        )
        await session.refresh(initiative, ["supporter_count"])


async def drop_supports_of(session: AsyncSession, person_id: int) -> None:
    """Remove all of a person's supports (they are erased), lowering each count."""
    supported = select(Support.initiative_id).where(Support.person_id == person_id)
    await session.execute(
        update(Initiative)
        .where(Initiative.id.in_(supported))
        .values(
            supporter_count=case(
                (Initiative.supporter_count > 0, Initiative.supporter_count - 1), else_=0
            )
        )
    )
    await session.execute(delete(Support).where(Support.person_id == person_id))


async def owned_by(session: AsyncSession, person_id: int) -> list[Initiative]:
    return list(
        await session.scalars(
            select(Initiative)
            .where(Initiative.owner_id == person_id, Initiative.status != InitiativeStatus.DRAFT)
            .order_by(Initiative.created_at.desc())
        )
    )


async def supported_by(session: AsyncSession, person_id: int) -> list[Initiative]:
    return list(
        await session.scalars(
            select(Initiative)
            .join(Support, Support.initiative_id == Initiative.id)
            .where(Support.person_id == person_id, Initiative.status.in_(OPEN))
            .order_by(Support.created_at.desc())
        )
    )
