"""Messages about activities: a reminder before it starts, a place offered, a thank-you.

The reminder a day before asks "still coming?" and an offered place "do you want
it?", each with two buttons; after the activity its lead is asked "how did it
go?" (`bot.chat.answers`, answered by `bot.flows.still_coming`,
`bot.flows.offers` and `bot.flows.report_back`).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.chat.answers import answer_button, stamp_of
from bot.chat.replies import Reply
from bot.delivery.kinds.base import RenderContext, kind, subject
from bot.delivery.preferences import Category
from bot.domain import actions, activity_reports
from bot.domain.activity_reports import Reportable
from bot.domain.models import Action, ActionStatus, Delivery, Signup, SignupStatus
from bot.i18n import Html, Translator

STILL_COMING = "c"  # the topic of the reminder's buttons
PLACE_OFFERED = "o"  # the topic of an offered place's buttons
REPORT_BACK = "r"  # the topic of "how did it go?"
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


@kind("place_offered", Category.SERVICE)
async def place_offered(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """A freed place, held for them: take it or pass it on (answered by bot.flows.offers)."""
    action = await subject(ctx, delivery, Action, "action")
    if action is None or not actions.is_open(action, ctx.now):
        return None
    signup = await actions.signup_of(ctx.session, action.id, ctx.person.id)
    if (
        signup is None
        or signup.status is not SignupStatus.OFFERED
        or signup.offer_ends_at is None
        or signup.offer_ends_at <= ctx.now
        or str(stamp_of(signup.offer_ends_at)) != delivery.period  # offered anew since
    ):
        return None
    t = ctx.t
    left = (signup.offer_ends_at - ctx.now).total_seconds()
    hours = round(left / 3600)  # rounded: sent a moment after the offer, it still says 12
    within = (
        t.n_("answer within {n} hour", "answer within {n} hours", hours)
        if hours
        else t.n_("answer within {n} minute", "answer within {n} minutes", max(1, round(left / 60)))
    )
    stamp = stamp_of(signup.offer_ends_at)
    take = answer_button("✅ " + t._("Yes, I want it"), PLACE_OFFERED, signup.id, stamp, "yes")
    decline = answer_button("❌ " + t._("No, thank you"), PLACE_OFFERED, signup.id, stamp, "no")
    text = "\n".join(
        [
            "🎟️ " + t._("A place is free for {title}. Do you want it?", title=action.title),
            t._("When: {when}", when=t.datetime(action.starts_at, ctx.zone)),
            t._(
                "Please answer before {until} ({within}); after that the place goes to the "
                "next person waiting.",
                until=t.datetime(signup.offer_ends_at, ctx.zone),
                within=within,
            ),
        ]
    )
    return Reply(Html(text), buttons=((take, decline),))


@kind("celebration_action_done", Category.CELEBRATIONS)
async def celebration_action_done(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    action = await subject(ctx, delivery, Action, "action")
    if action is None:
        return None
    joined, came = (
        await ctx.session.execute(
            select(func.count(Signup.id), func.count(Signup.checked_in_at)).where(
                Signup.action_id == action.id, Signup.status == SignupStatus.JOINED
            )
        )
    ).one()
    if came:  # check-in was used: those who came
        thanks = ctx.t.n_(
            "{title} has taken place. Thank you for coming! {n} neighbour came.",
            "{title} has taken place. Thank you for coming! {n} neighbours came.",
            came,
            title=action.title,
        )
    else:
        thanks = ctx.t.n_(
            "{title} has taken place. Thank you, {n} neighbour joined!",
            "{title} has taken place. Thank you, {n} neighbours joined!",
            joined,
            title=action.title,
        )
    return Reply(Html("🎉 " + thanks))


@kind("report_request", Category.TASKS)
async def report_request(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """ "How did it go?" to the lead after an activity; the period says if it is a reminder."""
    action = await subject(ctx, delivery, Action, "action")
    if action is None:
        return None
    can, item = await activity_reports.reportable(ctx.session, action, ctx.person, ctx.now)
    if can is not Reportable.YES or item is None:
        return None  # reported meanwhile, or no longer theirs to tell
    t = ctx.t
    if delivery.period == activity_reports.ASKS[0][0]:
        text = "📝 " + t._(
            "{title} has taken place. How did it go? Tell the followers of “{initiative}” in "
            "a few words, with a photo and how many people you reached if you like.",
            title=action.title,
            initiative=item.title,
        )
    else:
        text = "⏰ " + t._(
            "You have not told yet how {title} went. The followers of “{initiative}” would "
            "like to hear it: a few words are enough.",
            title=action.title,
            initiative=item.title,
        )
    tell = answer_button(
        "📝 " + t._("Tell how it went"), REPORT_BACK, action.id, stamp_of(action.starts_at), "tell"
    )
    return Reply(Html(text), buttons=((tell,),))
