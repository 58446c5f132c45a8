"""Who hears about an initiative: its lead, its supporters and the people in its activities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, literal, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outbox
from bot.domain.models import Action, Initiative, Person, Signup, SignupStatus, Support


async def tell_followers(
    session: AsyncSession,
    initiative_id: int,
    kind: str,
    subject: str,
    period: str,
    now: datetime,
    *,
    include_owner: bool = True,
    exclude_person_id: int | None = None,
) -> int:
    """One outbox row per follower (each person once), in a single statement."""
    parts = [
        select(Support.person_id.label("person_id")).where(Support.initiative_id == initiative_id),
        select(Signup.person_id)
        .join(Action, Action.id == Signup.action_id)
        .where(Action.initiative_id == initiative_id, Signup.status == SignupStatus.JOINED),
    ]
    if include_owner:
        parts.append(
            select(Initiative.owner_id).where(
                Initiative.id == initiative_id, Initiative.owner_id.is_not(None)
            )
        )
    followers = union(*parts).subquery()
    rows = (
        select(*outbox.columns(followers.c.person_id, kind, literal(subject, String), period, now))
        .select_from(followers)
        .join(Person, Person.id == followers.c.person_id)
        .where(Person.unreachable_at.is_(None))
    )
    if exclude_person_id is not None:
        rows = rows.where(Person.id != exclude_person_id)
    return await outbox.insert_selected(session, rows)
