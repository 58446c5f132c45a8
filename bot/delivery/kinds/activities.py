"""Messages about activities: a reminder before it starts, a place come free, a thank-you.

The reminder a day before asks "still coming?" with two buttons
(`bot.chat.answers`, answered by `bot.flows.still_coming`).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.chat.answers import answer_button, stamp_of
from bot.chat.replies import Reply
from bot.delivery.kinds.base import RenderContext, kind, subject
from bot.delivery.preferences import Category
from bot.domain import actions
from bot.domain.models import Action, ActionStatus, Delivery, Signup, SignupStatus
from bot.i18n import Html, Translator

STILL_COMING = "c"  # the topic of the reminder's buttons
ASKS = "24h"  # the reminder that asks; the one two hours before only reminds


def reminder_text(t: Translator, action: Action, zone: ZoneInfo) -> Html:
    """What, when and where, as a reminder says it."""
    lines = [
        "⏰ " + t._("Reminder: {title}", title=action.title),
        t._("When: {when}", when=t.datetime(action.starts_at, zone)),
    ]
    if action.place:
        lines.append(t._("Where: {place}", place=action.place))
    return Html("\n".join(lines))


@kind("action_reminder", Category.REMINDERS)
async def action_reminder(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    action = await subject(ctx, delivery, Action, "action")
    if action is None or action.status is not ActionStatus.OPEN or action.starts_at <= ctx.now:
        return None
    signup = await actions.signup_of(ctx.session, action.id, ctx.person.id)
    if signup is None or signup.status is not SignupStatus.JOINED:
        return None
    t = ctx.t
    text = reminder_text(t, action, ctx.zone)
    if delivery.period != ASKS or signup.confirmed_at is not None:
        return Reply(text)
    stamp = stamp_of(signup.created_at)
    yes = answer_button("✅ " + t._("Yes, I am coming"), STILL_COMING, signup.id, stamp, "yes")
    no = answer_button("❌ " + t._("No, I cannot come"), STILL_COMING, signup.id, stamp, "no")
    return Reply(Html(text + "\n\n" + t._("Are you still coming?")), buttons=((yes, no),))


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
