"""Messages about activities: a reminder before it starts, a place come free, a thank-you."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.chat.replies import Reply
from bot.delivery.kinds.base import RenderContext, kind, subject
from bot.delivery.preferences import Category
from bot.domain import actions
from bot.domain.models import Action, ActionStatus, Delivery, Signup, SignupStatus
from bot.i18n import Html


@kind("action_reminder", Category.REMINDERS)
async def action_reminder(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    action = await subject(ctx, delivery, Action, "action")
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


@kind("waitlist_promoted", Category.SERVICE)
async def waitlist_promoted(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    action = await subject(ctx, delivery, Action, "action")
    if action is None or not actions.is_open(action, ctx.now):
        return None
    t = ctx.t
    return Reply(
        Html(
            "🎟️ "
            + t._("Good news: a place came free. You are now in for {title}!", title=action.title)
            + "\n"
            + t._("When: {when}", when=t.datetime(action.starts_at, ctx.zone))
        )
    )


@kind("celebration_action_done", Category.CELEBRATIONS)
async def celebration_action_done(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    action = await subject(ctx, delivery, Action, "action")
    if action is None:
        return None
    joined = await ctx.session.scalar(
        select(func.count(Signup.id)).where(
            Signup.action_id == action.id, Signup.status == SignupStatus.JOINED
        )
    )
    return Reply(
        Html(
            "🎉 "
            + ctx.t.n_(
                "{title} has taken place. Thank you, {n} neighbour joined!",
                "{title} has taken place. Thank you, {n} neighbours joined!",
                joined or 0,
                title=action.title,
            )
        )
    )
