"""What the sandbox starts with besides the example neighbourhood.

A coordinator's broadcast scheduled one hour ahead, so that the clock panel's
"+1 hour" shows the whole way of a pushed message: the sweep turns it into
outbox rows for everyone who has onboarded by then, the sender delivers them
(or holds them during the person's quiet hours) and the inspector shows both.

And an activity with one place, 25 hours ahead: join it with two people, press
"+1 hour", and the first is asked "still coming?"; "no" offers the place to the
second, who has 12 hours to take it ("+1 day" lets the offer end). Its check-in
code (the coordinator's 📷 under Activities) works from an hour before the start:
"+1 day" lands there, and the next "+1 day" thanks those who checked in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import broadcasts
from bot.domain.models import Action, Broadcast

WELCOME = {
    "nl": "Koffieochtend woensdag om 10:00 in het buurthuis. Iedereen is welkom!",
    "en": "Coffee morning on Wednesday at 10:00 in the community centre. Everyone is welcome!",
    "tr": "Çarşamba saat 10:00'da mahalle evinde kahve sabahı. Herkes davetlidir!",
    "ar": "صباح القهوة يوم الأربعاء الساعة 10:00 في المركز المجتمعي. الجميع مرحب بهم!",
    "pl": "Kawa sąsiedzka w środę o 10:00 w domu sąsiedzkim. Wszyscy są mile widziani!",
    "uk": "Кавовий ранок у середу о 10:00 у будинку громади. Ласкаво просимо всіх!",
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


PLANTING = {"title": "Plantdag in de moestuin", "place": "Taagdreef 12"}
PLANTING_IN = timedelta(hours=25)  # "+1 hour" brings it within the day-before reminder
PLANNED_BEFORE = timedelta(days=8)  # not this week's news: the weekly digest stays quiet


async def plan_activity(session: AsyncSession, neighbourhood_id: int, now: datetime) -> None:
    """An activity of one place (of no initiative, so that no goal counts it), unless there
    are activities already."""
    existing = await session.scalar(
        select(Action.id).where(Action.neighbourhood_id == neighbourhood_id).limit(1)
    )
    if existing is None:
        session.add(
            Action(
                neighbourhood_id=neighbourhood_id,
                starts_at=now + PLANTING_IN,
                capacity=1,
                created_at=now - PLANNED_BEFORE,
                **PLANTING,
            )
        )
