"""Posts in a neighbourhood's own group or channel, and the question to the coordinator who
added the bot there.

A post has no person: it is rendered in the neighbourhood's language and shows only what
the public results page shows (bot/domain/showcase.py): a first name or a result's photo
only with that person's yes. Posts carry no buttons: a button pressed in a group would
speak for whoever pressed it.
"""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.chat.limits import TEXT_LIMIT, fit
from bot.chat.menu import menu_button
from bot.chat.replies import File, Reply
from bot.delivery.kinds import digest, goals
from bot.delivery.kinds.base import RenderContext, kind, subject_id, with_photo
from bot.delivery.preferences import Category
from bot.domain import showcase
from bot.domain.models import ChatLink, ChatLinkStatus, Delivery, Neighbourhood
from bot.i18n import Html
from bot.reports.card import WinsCard, wins_card


@kind("chat_link_request", Category.SERVICE)
async def chat_link_request(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    link = await ctx.session.get(ChatLink, subject_id(delivery, "chat") or 0)
    if link is None or link.status is not ChatLinkStatus.PENDING:
        return None  # answered, or left meanwhile
    t = ctx.t
    return Reply(
        "📢 "
        + t._(
            "You added Wijkbot to “{title}”. Which neighbourhood’s news should go there? "
            "Choose it here; until then Wijkbot posts nothing there.",
            title=link.title,
        ),
        buttons=((menu_button("📢 " + t._("Group or channel"), "group"),),),
    )


async def _neighbourhood(ctx: RenderContext, delivery: Delivery) -> Neighbourhood | None:
    return await ctx.get(Neighbourhood, subject_id(delivery, "neighbourhood") or 0)


@kind("chat_welcome", Category.SERVICE)
async def chat_welcome(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    neighbourhood = await _neighbourhood(ctx, delivery)
    if neighbourhood is None:
        return None
    return Reply(
        "👋 "
        + ctx.t._(
            "Hello! From now on Wijkbot posts the news of {neighbourhood} here: approved "
            "initiatives, results, goals reached and the wins of the week.",
            neighbourhood=neighbourhood.name,
        )
    )


@kind("chat_initiative", Category.CELEBRATIONS)
async def chat_initiative(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    shown = await showcase.initiative(ctx.session, subject_id(delivery, "initiative") or 0)
    if shown is None or shown.completed:
        return None  # no longer public (or done already: its results speak for it)
    t = ctx.t
    head = "💡 " + t._("A new initiative: “{title}”", title=shown.title)
    by = t._("Proposed by {name}", name=shown.by) if shown.by else ""

    def frame(description: Html) -> Html:
        return Html("\n".join(part for part in (head, "", description, by) if part is not None))

    return Reply(fit(frame, shown.description, TEXT_LIMIT))


@kind("chat_result", Category.CELEBRATIONS)
async def chat_result(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    shown = await showcase.result(ctx.session, subject_id(delivery, "result") or 0)
    if shown is None:
        return None
    t = ctx.t
    if shown.initiative:
        heading = t._("A result for “{title}”!", title=shown.initiative)
    else:
        heading = t._("A result!")

    def frame(text: Html) -> Html:
        lines = ["🏆 " + heading, text]
        if shown.number is not None:
            lines.append("<b>" + t.number(shown.number) + "</b>")
        return Html("\n".join(lines))

    return with_photo(frame, shown.text, shown.photo_file_id, "result.jpg")


@kind("chat_goal", Category.CELEBRATIONS)
async def chat_goal(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """The residents' celebration of a goal, without the button that opens the chat's menu."""
    reply = await goals.celebration_goal.render(ctx, delivery)
    return replace(reply, buttons=()) if reply is not None else None


@kind("chat_wins", Category.DIGEST)
async def chat_wins(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """The wins of the week on their card: the week in numbers and the goals, as the public
    page has them. Not the residents' news per initiative: what leads wrote in their updates
    is for the neighbourhood's residents, not for whoever reads a public channel."""
    neighbourhood = await _neighbourhood(ctx, delivery)
    if neighbourhood is None:
        return None
    counts = await digest.week_counts(ctx.session, neighbourhood.id, ctx.now)
    if not any(counts.values()):
        return None
    t = ctx.t
    lines = digest.week_in_numbers(t, neighbourhood.name, counts)
    lines += await digest.goal_news(ctx, neighbourhood)
    zone = ZoneInfo(neighbourhood.timezone)
    card = WinsCard.of_week(neighbourhood.name, counts, ctx.now, zone)
    picture = File("wins.png", data=wins_card(card, t), mime="image/png")
    return Reply(Html("\n".join(lines)), picture=picture)
