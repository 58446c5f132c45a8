"""The kinds of pushed messages, each rendered when it is sent, in the recipient's language.

A kind has a category (what a person may opt out of) and a renderer that
turns an outbox row into a reply, reading fresh data: a reminder shows the
activity's current time and place, and says nothing if it was cancelled.

A renderer fits what people typed into Telegram's limits itself (`fit`,
`bounded`: see bot.chat.limits), whatever the data; should one still fail, the
sender marks that one row failed and goes on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.limits import CAPTION_LIMIT, TEXT_LIMIT, and_more, clip, fit
from bot.chat.replies import File, Reply
from bot.delivery.preferences import Category
from bot.domain.models import (
    Action,
    ActionStatus,
    Broadcast,
    BroadcastStatus,
    Delivery,
    Initiative,
    InitiativeStatus,
    Neighbourhood,
    Person,
    ProgressUpdate,
    Result,
    Signup,
    SignupStatus,
    Support,
)
from bot.i18n import Html, Translator, escape
from bot.reports.card import WinsCard, wins_card


@dataclass(slots=True)
class RenderContext:
    session: AsyncSession
    person: Person
    t: Translator
    zone: ZoneInfo
    now: datetime
    memo: dict[object, object] = field(default_factory=dict)  # shared by a batch of messages

    async def get(self, model: type[T], key: int) -> T | None:
        """A row read once per batch: a broadcast's 10,000 messages share its one row."""
        found = self.memo.get((model, key))
        if found is None:
            found = await self.session.get(model, key)
            self.memo[(model, key)] = found
        return found  # type: ignore[return-value]


T = TypeVar("T")
NEWS_TITLES = 3  # titles of followed initiatives named in the weekly digest; then "… and 4 more"
Renderer = Callable[[RenderContext, Delivery], Awaitable[Reply | None]]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    category: Category
    render: Renderer


KINDS: dict[str, Kind] = {}


def kind(name: str, category: Category) -> Callable[[Renderer], Renderer]:
    def register(render: Renderer) -> Renderer:
        KINDS[name] = Kind(name, category, render)
        return render

    return register


def subject_id(delivery: Delivery, prefix: str) -> int | None:
    head, _, value = delivery.subject.partition(":")
    return int(value) if head == prefix and value.isdigit() else None


@kind("notice", Category.SERVICE)
async def notice(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """A message about something the person did or asked for; its msgid is in the payload."""
    message = delivery.payload["msgid"]  # marked with N_() where it was enqueued
    return Reply(ctx.t._(message, **delivery.payload.get("params", {})))


@kind("broadcast", Category.BROADCASTS)
async def broadcast(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """A coordinator's message: their text (in the person's language if they wrote one),
    framed in the person's language."""
    item = await ctx.get(Broadcast, delivery.broadcast_id or 0)
    if item is None or item.status is BroadcastStatus.CANCELLED:
        return None
    neighbourhood = await ctx.get(Neighbourhood, item.neighbourhood_id)
    name = neighbourhood.name if neighbourhood else ""
    header = ctx.t._("Message from the coordinators of {neighbourhood}", neighbourhood=name)
    text = item.texts_by_locale.get(ctx.person.locale) or item.text
    limit = CAPTION_LIMIT if item.photo_file_id else TEXT_LIMIT
    picture = File("photo.jpg", file_id=item.photo_file_id) if item.photo_file_id else None
    return Reply(
        fit(lambda body: Html(f"📣 <b>{header}</b>\n\n{body}"), text, limit), picture=picture
    )


@kind("broadcast_report", Category.TASKS)
async def broadcast_report(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """How a coordinator's broadcast went, once nothing is left to send."""
    from bot.domain import broadcasts

    report = await broadcasts.report(ctx.session, subject_id(delivery, "broadcast") or 0)
    return Reply(
        ctx.t._(
            "📣 Your message has gone out. Sent: {sent}. Could not be reached: {unreachable}. "
            "Failed: {failed}.",
            sent=report.sent,
            unreachable=report.unreachable,
            failed=report.failed,
        )
    )


@kind("action_reminder", Category.REMINDERS)
async def action_reminder(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    action_id = subject_id(delivery, "action")
    action = await ctx.session.get(Action, action_id) if action_id else None
    if action is None or action.status is not ActionStatus.OPEN or action.starts_at <= ctx.now:
        return None
    joined = await ctx.session.scalar(
        select(Signup.id).where(
            Signup.action_id == action.id,
            Signup.person_id == ctx.person.id,
            Signup.status == SignupStatus.JOINED,
        )
    )
    if joined is None:
        return None
    t = ctx.t
    lines = [
        "⏰ " + t._("Reminder: {title}", title=action.title),
        t._("When: {when}", when=t.datetime(action.starts_at, ctx.zone)),
    ]
    if action.place:
        lines.append(t._("Where: {place}", place=action.place))
    return Reply(Html("\n".join(lines)))


@kind("weekly_digest", Category.DIGEST)
async def weekly_digest(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """The neighbourhood's week in numbers; no message in a week without news."""
    neighbourhood_id = subject_id(delivery, "neighbourhood")
    neighbourhood = await ctx.session.get(Neighbourhood, neighbourhood_id or 0)
    if neighbourhood is None:
        return None
    counts = await week_counts(ctx.session, neighbourhood.id, ctx.now)
    if not any(counts.values()):
        return None
    t = ctx.t
    lines = ["🎉 " + t._("This week in {neighbourhood}", neighbourhood=neighbourhood.name)]
    if counts["initiatives"]:
        lines.append(
            "• " + t.n_("{n} new initiative", "{n} new initiatives", counts["initiatives"])
        )
    if counts["actions"]:
        lines.append("• " + t.n_("{n} activity", "{n} activities", counts["actions"]))
    if counts["results"]:
        lines.append("• " + t.n_("{n} result", "{n} results", counts["results"]))
    if Category.UPDATES.value in ctx.person.opt_outs:
        # News of followed initiatives comes here, not one message at a time.
        titles = await followed_news(ctx.session, ctx.person.id, ctx.now - timedelta(days=7))
        if titles:
            news = t.n_(
                "News from {n} initiative you follow:",
                "News from {n} initiatives you follow:",
                len(titles),
            )
            shown = escape(", ".join(titles[:NEWS_TITLES]))
            if len(titles) > NEWS_TITLES:
                shown += " " + and_more(t, len(titles) - NEWS_TITLES)
            lines.append("• " + news + " " + shown)
    # The text is the card's caption: a few short lines and a name of at most 120 characters.
    card = WinsCard.of_week(neighbourhood.name, counts, ctx.now, ZoneInfo(neighbourhood.timezone))
    picture = File("wins.png", data=wins_card(card, t), mime="image/png")
    return Reply(Html("\n".join(lines)), picture=picture)


async def followed_news(session: AsyncSession, person_id: int, since: datetime) -> list[str]:
    """Titles of initiatives the person supports that posted an update since `since`."""
    rows = await session.scalars(
        select(Initiative.title)
        .join(Support, Support.initiative_id == Initiative.id)
        .join(ProgressUpdate, ProgressUpdate.initiative_id == Initiative.id)
        .where(Support.person_id == person_id, ProgressUpdate.created_at > since)
        .distinct()
    )
    return [clip(title, 40) for title in rows]  # at most NEWS_TITLES of them shown


async def week_counts(
    session: AsyncSession, neighbourhood_id: int, now: datetime
) -> dict[str, int]:
    since = now - timedelta(days=7)
    initiatives = await session.scalar(
        select(func.count(Initiative.id)).where(
            Initiative.neighbourhood_id == neighbourhood_id,
            Initiative.status == InitiativeStatus.APPROVED,
            Initiative.decided_at > since,
        )
    )
    actions = await session.scalar(
        select(func.count(Action.id)).where(
            Action.neighbourhood_id == neighbourhood_id,
            Action.created_at > since,
            Action.status != ActionStatus.CANCELLED,
        )
    )
    results = await session.scalar(
        select(func.count(Result.id)).where(
            Result.neighbourhood_id == neighbourhood_id, Result.published_at > since
        )
    )
    return {"initiatives": initiatives or 0, "actions": actions or 0, "results": results or 0}


# Kinds about initiatives and activities register themselves on import.
from bot.delivery import initiative_messages  # noqa: E402, F401
