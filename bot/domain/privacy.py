"""A person's data in their own hands: everything we keep, as a document; and forgetting.

Forgetting deletes the person with their identities, conversation state,
queued messages, supports and signups (by cascading foreign keys); their
initiatives and updates stay for the neighbourhood but point to nobody; the
incoming updates we stored keep only their id (so a late duplicate is still
recognised) and lose their content; audit lines about them are removed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.models import (
    Action,
    AuditEntry,
    ConversationState,
    Delivery,
    Identity,
    Initiative,
    Person,
    ProgressUpdate,
    ReceivedUpdate,
    RoleGrant,
    Signup,
    Support,
)


def _row(obj: Any) -> dict[str, Any]:
    values = {}
    for column in inspect(obj).mapper.column_attrs:
        value = getattr(obj, column.key)
        values[column.key] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


async def export(session: AsyncSession, person: Person, now: datetime) -> bytes:
    """Everything Wijkbot stores about `person`, as readable JSON."""

    async def rows(model: Any, *where: Any) -> list[dict[str, Any]]:
        return [_row(found) for found in await session.scalars(select(model).where(*where))]

    document = {
        "exported_at": now.isoformat(),
        "person": _row(person),
        "identities": await rows(Identity, Identity.person_id == person.id),
        "roles": await rows(RoleGrant, RoleGrant.person_id == person.id),
        "conversation": await rows(ConversationState, ConversationState.person_id == person.id),
        "initiatives": await rows(Initiative, Initiative.owner_id == person.id),
        "supports": await rows(Support, Support.person_id == person.id),
        "signups": await rows(Signup, Signup.person_id == person.id),
        "progress_updates": await rows(ProgressUpdate, ProgressUpdate.author_id == person.id),
        "messages": await rows(Delivery, Delivery.person_id == person.id),
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()


async def forget(session: AsyncSession, person: Person) -> None:
    """Erase the person (see the module's docstring for what happens to what)."""
    chat_keys = [
        f"chat:{chat_id}"
        for chat_id in await session.scalars(
            select(Identity.chat_id).where(Identity.person_id == person.id)
        )
    ]
    await session.execute(
        update(ReceivedUpdate)
        .where(ReceivedUpdate.chat_key.in_(chat_keys))
        .values(payload={}, chat_key="forgotten", error=None)
    )
    await session.execute(
        delete(AuditEntry).where(
            or_(
                AuditEntry.actor_id == person.id,
                (AuditEntry.subject_type == "person") & (AuditEntry.subject_id == person.id),
            )
        )
    )
    # Anonymous but kept: what they built for the neighbourhood.
    await session.execute(
        update(Action).where(Action.created_by_id == person.id).values(created_by_id=None)
    )
    state = await session.get(ConversationState, person.id)
    if state is not None:
        await session.delete(state)
    await session.delete(person)
    await session.flush()
