"""The weekly digest: the neighbourhood's week in numbers, on the wins card, in a week with news;
the week's news grouped per initiative, newest first; and how its goals are coming along.

    news of the week ──> per initiative (a new initiative, an activity planned, an update,
                         a result), the group with the newest news first, newest first
                         within it ──> as many groups and lines as the caption holds,
                         then "… and 3 more"
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.limits import CAPTION_LIMIT, and_more, clip, visible_length
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
from bot.i18n import Html, Translator, escape
from bot.reports import goals as goal_texts
from bot.reports.card import WinsCard, wins_card

NEWS_TITLES = 3  # titles of followed initiatives named in the weekly digest; then "… and 4 more"
GOALS_SHOWN = 3  # goals on the way named in the weekly digest, closest to their target first
GROUPS_SHOWN = 5  # initiatives whose news the digest shows, the newest news first
NEWS_PER_GROUP = 3  # lines of news under one initiative
NEWS_READ = 60  # newest news items read of each sort: more than ever fit in a caption
NEWS_TEXT = 60  # what people wrote, shortened to this in a line of news


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
    lines = week_in_numbers(t, neighbourhood.name, counts)
    if ctx.person is not None and Category.UPDATES.value in ctx.person.opt_outs:
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
    goal_lines = await goal_news(ctx, neighbourhood)
    room = CAPTION_LIMIT - sum(visible_length(line) + 1 for line in (*lines, *goal_lines))
    lines += news_lines(t, ctx.zone, await week_news(ctx, neighbourhood.id), room)
    lines += goal_lines
    # The text is the card's caption: a few short lines and a name of at most 120 characters.
    card = WinsCard.of_week(neighbourhood.name, counts, ctx.now, ZoneInfo(neighbourhood.timezone))
    picture = File("wins.png", data=wins_card(card, t), mime="image/png")
    return Reply(Html("\n".join(lines).rstrip()), picture=picture)


@dataclass(frozen=True, slots=True)
class News:
    """One piece of the week's news, about an initiative (None: about the neighbourhood)."""

    initiative_id: int | None
    at: datetime
    icon: str
    text: str  # a title or what someone wrote, not yet escaped
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Group:
    title: str  # the initiative's title, "" for the neighbourhood's own news
    items: tuple[News, ...]  # newest first


async def week_news(ctx: RenderContext, neighbourhood_id: int) -> list[Group]:
    """The week's news per initiative, newest first (read once per batch)."""
    key = ("news", neighbourhood_id)
    if key not in ctx.memo:
        ctx.memo[key] = await read_news(ctx.session, neighbourhood_id, ctx.now - timedelta(days=7))
    return ctx.memo[key]  # type: ignore[return-value]


async def read_news(session: AsyncSession, neighbourhood_id: int, since: datetime) -> list[Group]:
    found: list[News] = []
    approved = await session.execute(
        select(Initiative.id, Initiative.decided_at, Initiative.title)
        .where(
            Initiative.neighbourhood_id == neighbourhood_id,
            Initiative.status == InitiativeStatus.APPROVED,
            Initiative.decided_at > since,
        )
        .order_by(Initiative.decided_at.desc())
        .limit(NEWS_READ)
    )
    found += [News(i, at, "✨", "") for i, at, _ in approved]
    updates = await session.execute(
        select(ProgressUpdate.initiative_id, ProgressUpdate.created_at, ProgressUpdate.text)
        .join(Initiative, Initiative.id == ProgressUpdate.initiative_id)
        .where(Initiative.neighbourhood_id == neighbourhood_id, ProgressUpdate.created_at > since)
        .order_by(ProgressUpdate.created_at.desc())
        .limit(NEWS_READ)
    )
    found += [News(i, at, "📣", text) for i, at, text in updates]
    results = await session.execute(
        select(Result.initiative_id, Result.published_at, Result.text, Result.number)
        .where(Result.neighbourhood_id == neighbourhood_id, Result.published_at > since)
        .order_by(Result.published_at.desc())
        .limit(NEWS_READ)
    )
    found += [News(i, at, "🏆", text, number) for i, at, text, number in results]
    planned = await session.execute(
        select(Action.initiative_id, Action.created_at, Action.title)
        .where(
            Action.neighbourhood_id == neighbourhood_id,
            Action.created_at > since,
            Action.status != ActionStatus.CANCELLED,
        )
        .order_by(Action.created_at.desc())
        .limit(NEWS_READ)
    )
    found += [News(i, at, "📅", title) for i, at, title in planned]
    ids = {item.initiative_id for item in found if item.initiative_id is not None}
    titles = (
        dict(
            (
                await session.execute(
                    select(Initiative.id, Initiative.title).where(Initiative.id.in_(ids))
                )
            ).all()
        )
        if ids
        else {}
    )
    by_initiative: dict[int | None, list[News]] = {}
    for item in sorted(found, key=lambda news: news.at, reverse=True):
        by_initiative.setdefault(item.initiative_id, []).append(item)
    return [
        Group(titles.get(key, "") if key is not None else "", tuple(items))
        for key, items in by_initiative.items()
    ]


def week_in_numbers(t: Translator, name: str, counts: dict[str, int]) -> list[str]:
    """The heading and the week's new initiatives, activities and results, as lines."""
    lines = ["🎉 " + t._("This week in {neighbourhood}", neighbourhood=name)]
    if counts["initiatives"]:
        lines.append(
            "• " + t.n_("{n} new initiative", "{n} new initiatives", counts["initiatives"])
        )
    if counts["actions"]:
        lines.append("• " + t.n_("{n} activity", "{n} activities", counts["actions"]))
    if counts["results"]:
        lines.append("• " + t.n_("{n} result", "{n} results", counts["results"]))
    return lines


def news_line(t: Translator, item: News) -> str:
    if item.icon == "✨":
        return "✨ " + t._("New initiative")
    text = escape(clip(item.text, NEWS_TEXT))
    if item.number is not None:
        text += f" <b>{t.number(item.number)}</b>"
    return f"{item.icon} {text}"


def news_lines(t: Translator, zone: ZoneInfo, groups: list[Group], room: int) -> list[str]:
    """As many groups (GROUPS_SHOWN at most) and lines (NEWS_PER_GROUP each) as fit in `room`,
    then "… and N more" for the news left out."""
    if not groups:
        return []
    total = sum(len(group.items) for group in groups)
    lines: list[str] = ["", "📰 <b>" + t._("News per initiative") + "</b>"]
    used = sum(visible_length(line) + 1 for line in lines) + 1  # and the blank line after
    shown = 0
    for group in groups[:GROUPS_SHOWN]:
        title = escape(clip(group.title, 40)) if group.title else t._("In the neighbourhood")
        block = [f"<b>{title}</b>", *(news_line(t, item) for item in group.items[:NEWS_PER_GROUP])]
        size = sum(visible_length(line) + 1 for line in block)
        reserve = visible_length(and_more(t, total)) + 1
        if used + size + reserve > room:
            break
        lines += block
        used += size
        shown += min(len(group.items), NEWS_PER_GROUP)
    if shown == 0:
        return []
    if total > shown:
        lines.append(and_more(t, total - shown))
    return [*lines, ""]  # a blank line before what follows


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
