"""A place given up goes to the waiting list: whoever gets it hears so, however it was freed
(leaving, "no, not coming", /forget)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outbox
from bot.domain.actions import Left


async def pass_on(session: AsyncSession, action_id: int, left: Left, now: datetime) -> None:
    """Tell the person who moved up into the place `left` freed, if anyone did."""
    if left.promoted_person_id is None:
        return
    message = outbox.Message(left.promoted_person_id, "waitlist_promoted", f"action:{action_id}")
    await outbox.enqueue(session, [message], now=now)
