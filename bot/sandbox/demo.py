"""What the sandbox starts with besides the example neighbourhood.

A coordinator's broadcast scheduled one hour ahead, so that the clock panel's
"+1 hour" shows the whole way of a pushed message: the sweep turns it into
outbox rows for everyone who has onboarded by then, the sender delivers them
(or holds them during the person's quiet hours) and the inspector shows both.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import broadcasts
from bot.domain.models import Broadcast

WELCOME = {
    "nl": "Koffieochtend woensdag om 10:00 in het buurthuis. Iedereen is welkom!",
    "en": "Coffee morning on Wednesday at 10:00 in the community centre. Everyone is welcome!",
    "tr": "Çarşamba saat 10:00'da mahalle evinde kahve sabahı. Herkes davetlidir!",
    "ar": "صباح القهوة يوم الأربعاء الساعة 10:00 في المركز المجتمعي. الجميع مرحب بهم!",
    "pl": "Kawa sąsiedzka w środę o 10:00 w domu sąsiedzkim. Wszyscy są mile widziani!",
}
WELCOME_AFTER = timedelta(hours=1)


async def schedule_welcome(session: AsyncSession, neighbourhood_id: int, now: datetime) -> None:
    """Schedule the welcome broadcast, unless this database has broadcasts already."""
    existing = await session.scalar(
        select(Broadcast.id).where(Broadcast.neighbourhood_id == neighbourhood_id).limit(1)
    )
    if existing is not None:
        return
    welcome = Broadcast(
        neighbourhood_id=neighbourhood_id,
        text=WELCOME["nl"],
        texts_by_locale=dict(WELCOME),
        audience={},
        created_at=now,
    )
    broadcasts.schedule(welcome, now + WELCOME_AFTER)
    session.add(welcome)
