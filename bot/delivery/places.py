"""A place given up is offered to the waiting list: the person it is held for hears so, however
it was freed (leaving, "no, not coming", a declined or expired offer, /forget)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.answers import stamp_of
from bot.delivery import outbox
from bot.domain.actions import Offer

KIND = "place_offered"


async def offer(session: AsyncSession, offers: Iterable[Offer], now: datetime) -> int:
    """One message per offer; an offer made anew later is a new message (its own period)."""
    messages = [
        outbox.Message(
            item.person_id, KIND, f"action:{item.action_id}", str(stamp_of(item.ends_at))
        )
        for item in offers
    ]
    return await outbox.enqueue(session, messages, now=now)
