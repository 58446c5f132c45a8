"""The weekly digest: the neighbourhood's week in numbers, on the wins card, in a week with news;
and how its goals are coming along."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.limits import and_more, clip
from bot.chat.replies import File, Reply
from bot.delivery.kinds.base import RenderContext, kind, subject_id
from bot.delivery.preferences import Category
from bot.domain import goals
from bot.domain.goals import Progress
from bot.domain.models import (
    Action,
    ActionStatus,
    Delivery,
    Initiative,
    InitiativeStatus,
    Neighbourhood,
    ProgressUpdate,
    Result,
    Support,
)
from bot.i18n import Html, escape
from bot.reports import goals as goal_texts
from bot.reports.card import WinsCard, wins_card

NEWS_TITLES = 3  # titles of followed initiatives named in the weekly digest; then "… and 4 more"
GOALS_SHOWN = 3  # goals on the way named in the weekly digest, closest to their target first


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
    lines += await goal_news(ctx, neighbourhood)
    # The text is the card's caption: a few short lines and a name of at most 120 characters.
    card = WinsCard.of_week(neighbourhood.name, counts, ctx.now, ZoneInfo(neighbourhood.timezone))
    picture = File("wins.png", data=wins_card(card, t), mime="image/png")
    return Reply(Html("\n".join(lines)), picture=picture)


async def goal_news(ctx: RenderContext, neighbourhood: Neighbourhood) -> list[str]:
    """How many goals are reached, and the GOALS_SHOWN closest to their target (counted once
    per batch: the digest goes to the whole neighbourhood)."""
    key = ("goals", neighbourhood.id)
    if key not in ctx.memo:
        ctx.memo[key] = await goals.progress(ctx.session, neighbourhood.id)
    found: list[Progress] = ctx.memo[key]  # type: ignore[assignment]
    if not found:
        return []
    t = ctx.t
    reached = sum(1 for item in found if item.percent >= 100)
    lines = [
        "🎯 "
        + t._("Our goals: {n} of {total} reached", n=t.number(reached), total=t.number(len(found)))
    ]
    on_the_way = sorted((i for i in found if i.percent < 100), key=lambda i: -i.percent)
    for item in on_the_way[:GOALS_SHOWN]:
        title = goal_texts.title(item.goal, t.locale, neighbourhood.default_locale, 40)
        lines.append(f"• {escape(title)} {goal_texts.bar(item.percent)} {t.percent(item.percent)}")
    return lines


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
