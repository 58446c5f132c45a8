"""Celebrations of the neighbourhood's goals: 25, 50, 75 and 100 % of the way, each once."""

from __future__ import annotations

from bot.chat.menu import menu_button
from bot.chat.replies import File, Reply
from bot.delivery.kinds.base import RenderContext, kind, subject_id
from bot.delivery.preferences import Category
from bot.domain import goals
from bot.domain.goals import Progress
from bot.domain.models import Delivery, Neighbourhood, Theme
from bot.i18n import Html
from bot.reports import goals as goal_texts
from bot.reports.card import GoalCard, goal_card


async def goal_progress(ctx: RenderContext, goal_id: int) -> Progress | None:
    """A goal as it stands, counted once per batch (a celebration goes to a whole
    neighbourhood)."""
    key = ("goal progress", goal_id)
    if key not in ctx.memo:
        ctx.memo[key] = await goals.one(ctx.session, goal_id)
    return ctx.memo[key]  # type: ignore[return-value]


@kind("celebration_goal", Category.CELEBRATIONS)
async def celebration_goal(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """The period names the threshold passed; the bar and the card show the goal as it is now."""
    item = await goal_progress(ctx, subject_id(delivery, "goal") or 0)
    if item is None or not delivery.period.isdigit():
        return None
    neighbourhood = await ctx.get(Neighbourhood, item.goal.neighbourhood_id)
    theme = await ctx.get(Theme, item.goal.theme_id)
    if neighbourhood is None:
        return None
    t = ctx.t
    threshold = int(delivery.period)
    if threshold >= 100:
        head = t._("Goal reached in {neighbourhood}!", neighbourhood=neighbourhood.name)
    else:
        head = t._(
            "{neighbourhood} is {percent} of the way to a goal!",
            neighbourhood=neighbourhood.name,
            percent=t.percent(threshold),
        )
    described = goal_texts.lines(t, item, theme, neighbourhood.default_locale)
    card = GoalCard(
        neighbourhood.name,
        goal_texts.title(item.goal, t.locale, neighbourhood.default_locale),
        item.value,
        item.target,
        goal_texts.period(item.goal),
    )
    return Reply(
        Html(f"🎉 {head}\n\n{described}"),
        buttons=((menu_button("🏠 " + t._("My buurt"), "home"),),),
        picture=File("goal.png", data=goal_card(card, t), mime="image/png"),
    )
