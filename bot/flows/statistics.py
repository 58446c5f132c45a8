"""📊 Statistics for coordinators: three charts, who came to activities with check-in, and a
CSV export, sent in the chat."""

from __future__ import annotations

from bot.chat.limits import bounded
from bot.chat.replies import Answer, File, Reply
from bot.domain import roles
from bot.domain.roles import Permission
from bot.flows import menu
from bot.flows.entries import Command, MenuEntry
from bot.flows.steps import Action, Context
from bot.i18n import N_, Html
from bot.reports import charts, export, statistics


async def report(ctx: Context) -> Answer:
    """The charts and the export of the (first) neighbourhood the person coordinates."""
    t = ctx.t
    places = ctx.neighbourhoods_for(Permission.SEE_STATISTICS)
    if not places:
        return Answer([Reply(t._("Sorry, only coordinators of this neighbourhood can do that."))])
    neighbourhood_id = places[0]
    await roles.require(ctx.session, ctx.person.id, Permission.SEE_STATISTICS, neighbourhood_id)
    data = await statistics.overview(ctx.session, neighbourhood_id, ctx.now)
    pictures = (
        (
            "initiatives.png",
            charts.initiatives_chart(data.initiatives, t),
            t._("Initiatives by theme and status"),
        ),
        (
            "participation.png",
            charts.participation_chart(data.weeks, t),
            t._("Participation per week"),
        ),
        (
            "reach.png",
            charts.reach_chart(data.broadcasts, t, ctx.settings.zone),
            t._("Reach of broadcasts"),
        ),
    )
    replies = [
        Reply(caption, picture=File(name, data=png, mime="image/png"))
        for name, png, caption in pictures
    ]
    if data.turnout:
        replies.append(Reply(turnout_text(ctx, data.turnout)))
    table = await export.export_zip(ctx.session, neighbourhood_id, t, ctx.now)
    replies.append(
        Reply(t._("The figures as tables (CSV), without personal data."), document=table)
    )
    return Answer([*replies, menu.main(ctx)])


def turnout_text(ctx: Context, rows: list[statistics.Turnout]) -> Html:
    """ "Planting · Saturday 9 January 2027: 8 came, 2 did not come", latest first."""
    t = ctx.t
    lines = [
        t._(
            "{title} · {day}: {came}, {did_not_come}",
            title=row.title,
            day=t.date(row.starts_at, ctx.settings.zone),
            came=t.n_("{n} came", "{n} came", row.came),
            did_not_come=t.n_("{n} did not come", "{n} did not come", row.did_not_come),
        )
        for row in rows
    ]
    head = ["✅ <b>" + t._("Check-in: who came") + "</b>"]
    return Html("\n".join(bounded(t, head, lines)[0]))


STATISTICS = Action(
    "stats",
    lambda _conversation, ctx: report(ctx),
    menu=MenuEntry(N_("Statistics"), "📊", row=12, see=Permission.SEE_STATISTICS),
    command=Command("stats"),
)
