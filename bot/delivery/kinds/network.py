"""The long breath: the monthly state of the network for coordinators, and an invitation back
for a resident who has been silent for 60 days.

The report is one photo (the chart: numbers only) with its caption: last month's
four numbers and three short lists, each bounded ("… and 4 more") so that the
whole fits Telegram's 1024-unit caption. The invitation names one upcoming
activity in the person's buurt or on a theme they follow, read when it is sent;
with nothing relevant any more, nothing is sent.
"""

from __future__ import annotations

import asyncio
from datetime import date

from babel.dates import format_skeleton

from bot.chat.limits import CAPTION_LIMIT, bounded, clip, visible_length
from bot.chat.menu import menu_button
from bot.chat.replies import File, Reply
from bot.delivery.kinds.base import RenderContext, kind, subject_id
from bot.delivery.preferences import Category
from bot.domain import network
from bot.domain.models import Delivery, Neighbourhood
from bot.i18n import Html, escape
from bot.reports.charts import network_chart

NAMED = 3  # items named per list in the report; then "… and 4 more"
NAME_LENGTH = 40  # units of an initiative's or organisation's name in the report


@kind("network_report", Category.TASKS)
async def network_report(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """Last month's state of the network, as a chart with a caption."""
    neighbourhood = await ctx.session.get(Neighbourhood, subject_id(delivery, "neighbourhood") or 0)
    if neighbourhood is None:
        return None
    months = await network.last_months(ctx.session, neighbourhood.id, delivery.period)
    if not months or months[-1].month != delivery.period:
        return None
    t, last = ctx.t, months[-1]
    first_day = date(int(last.month[:4]), int(last.month[5:]), 1)
    month = network.Month(first_day, ctx.zone)
    month_name = format_skeleton("yMMMM", first_day, locale=t.locale)
    head = [
        "📊 "
        + t._(
            "{neighbourhood} in {month}: the state of the network",
            neighbourhood=escape(clip(neighbourhood.name, NAME_LENGTH)),
            month=month_name,
        ),
        "• " + t.n_("{n} resident active", "{n} residents active", last.active),
        "• " + t.n_("{n} new resident", "{n} new residents", last.joined),
        "• "
        + t.n_("{n} came back after a silence", "{n} came back after a silence", last.came_back),
        "• " + t.n_("{n} silent for 60 days", "{n} silent for 60 days", last.silent),
    ]
    quiet = await network.quiet_initiatives(ctx.session, neighbourhood.id, ctx.now)
    partners = await network.overdue_partners(ctx.session, neighbourhood.id, ctx.now.date())
    buurten = await network.quiet_buurten(ctx.session, neighbourhood.id, month)
    sections = [
        (
            "💤 "
            + t.n_(
                "{n} initiative without news for 30 days:",
                "{n} initiatives without news for 30 days:",
                len(quiet),
            ),
            [escape(clip(title, NAME_LENGTH)) for title in quiet],
        ),
        (
            "⏰ "
            + t.n_(
                "{n} partner with overdue commitments:",
                "{n} partners with overdue commitments:",
                len(partners),
            ),
            [f"{escape(clip(name, NAME_LENGTH))} ({t.number(n)})" for name, n in partners],
        ),
        (
            "🏘️ "
            + t.n_("{n} buurt without activity:", "{n} buurten without activity:", len(buurten)),
            [escape(clip(name, NAME_LENGTH)) for name in buurten],
        ),
    ]
    lines = head
    for title, items in sections:
        if not items:
            continue
        used = sum(visible_length(line) + 1 for line in lines) + 1  # and the empty line
        section, _ = bounded(
            t, [title], ["• " + item for item in items], CAPTION_LIMIT - used, most=NAMED
        )
        if len(section) > 1:
            lines = [*lines, "", *section]
    picture = await asyncio.to_thread(network_chart, months, t)
    return Reply(
        Html("\n".join(lines)), picture=File("network.png", data=picture, mime="image/png")
    )


@kind("silence_invitation", Category.NUDGES)
async def silence_invitation(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """ "We have not seen you for a while": one activity coming up that is theirs to join."""
    action = await network.invitation_for(ctx.session, ctx.person, ctx.now)
    if action is None:
        return None
    t = ctx.t
    name = escape(clip(ctx.person.first_name, NAME_LENGTH))
    lines = [
        "👋 " + t._("Hello {name}, we have not heard from you for a while.", name=name),
        t._("This is coming up and may interest you:"),
        "",
        f"<b>{escape(clip(action.title, 200))}</b>",
        t._("When: {when}", when=t.datetime(action.starts_at, ctx.zone)),
    ]
    if action.place:
        lines.append(t._("Where: {place}", place=escape(clip(action.place, 200))))
    lines += ["", t._("You are very welcome!")]
    button = menu_button("📅 " + t._("Activities"), "agenda")
    return Reply(Html("\n".join(lines)), buttons=((button,),))
