"""Posts in a neighbourhood's own group or channel, through the outbox like every pushed
message: one row per linked chat (no person), keyed `chat<link>|kind|subject|period`, so a
sweep that runs twice posts once. The sender sends them in the neighbourhood's language,
at most 20 a minute per chat (see `limits.SendingLimits.group_turn`).

    approved initiative (review) ─┐
    result published (results) ───┤
    goal passes 25/50/75/100 % ───┼──> post() ──> outbox ──> sender ──> the group or channel
    wins of the week (Monday) ────┘
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, false, literal, null, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outbox
from bot.domain import chat_links
from bot.domain.models import ChatLink, ChatLinkStatus, Delivery, DeliveryStatus, Neighbourhood
from bot.domain.weeks import week_of

WINS_DAY, WINS_HOUR = 0, 9  # the wins of the week: Monday from 09:00, local time
REQUEST = "chat_link_request"  # to the coordinator who added the bot: which neighbourhood?


async def post(
    session: AsyncSession,
    neighbourhood_id: int,
    kind: str,
    subject: str,
    period: str,
    now: datetime,
) -> int:
    """A post of `kind` in the neighbourhood's linked chat, if it has one (once per key)."""
    key = literal("chat", String) + cast(ChatLink.id, String) + f"|{kind}|{subject}|{period}"
    rows = select(
        key,
        null(),
        literal(kind, String),
        literal(subject, String),
        literal(period, String),
        false(),
        literal(DeliveryStatus.PENDING.value, String),
        literal(0),
        literal(now, Delivery.next_attempt_at.type),
        literal(now, Delivery.created_at.type),
        ChatLink.id,
    ).where(
        ChatLink.neighbourhood_id == neighbourhood_id,
        ChatLink.status == ChatLinkStatus.LINKED,
    )
    return await outbox.insert_selected(session, rows, "chat_link_id")


async def wins_of_week(session: AsyncSession, neighbourhood: Neighbourhood, now: datetime) -> int:
    """The week's wins card in the neighbourhood's chat, on Monday from 09:00 local time."""
    zone = ZoneInfo(neighbourhood.timezone)
    local = now.astimezone(zone)
    if local.weekday() != WINS_DAY or local.hour < WINS_HOUR:
        return 0
    subject = f"neighbourhood:{neighbourhood.id}"
    return await post(session, neighbourhood.id, "chat_wins", subject, week_of(now, zone), now)


async def bot_added(
    session: AsyncSession,
    messenger: str,
    chat_id: int,
    title: str,
    chat_type: str,
    by_external_id: str,
    now: datetime,
) -> None:
    """The bot was added to a group or channel: the coordinator who added it is asked, in
    their private chat, which neighbourhood it is for (anyone else's chat is left)."""
    link = await chat_links.added(
        session, messenger, chat_id, title, chat_type, by_external_id, now
    )
    if link is not None and link.added_by_id is not None:
        # Link ids may come back after a link is deleted (SQLite): the period tells apart.
        period = f"{chat_id}@{int(now.timestamp())}"
        request = outbox.Message(link.added_by_id, REQUEST, f"chat:{link.id}", period)
        await outbox.enqueue(session, [request], now=now)
