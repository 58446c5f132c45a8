"""Messages about initiatives: nudges, news, decisions and celebrations (requests to review
are in `proposals`)."""

from __future__ import annotations

from bot.chat.limits import CAPTION_LIMIT, fit
from bot.chat.menu import menu_button
from bot.chat.replies import File, Reply
from bot.delivery.kinds.base import RenderContext, kind, subject, subject_id, with_photo
from bot.delivery.preferences import Category
from bot.domain.models import (
    Delivery,
    Initiative,
    InitiativeStatus,
    Neighbourhood,
    Organisation,
    ProgressUpdate,
    Result,
)
from bot.i18n import Html
from bot.reports.card import ResultCard, result_card


async def initiative_still(
    ctx: RenderContext, delivery: Delivery, status: InitiativeStatus
) -> Initiative | None:
    """The message's initiative if it is still `status`; otherwise there is nothing to say."""
    item = await subject(ctx, delivery, Initiative, "initiative")
    return item if item is not None and item.status is status else None


async def draft_handled(ctx: RenderContext, delivery: Delivery) -> str | None:
    """A nudge about a draft that was sent, withdrawn or deleted meanwhile is not sent."""
    item = await subject(ctx, delivery, Initiative, "initiative")
    if item is None:
        return "proposal gone"
    return None if item.status is InitiativeStatus.DRAFT else f"proposal {item.status.value}"


@kind("nudge_draft", Category.NUDGES, handled=draft_handled)
async def nudge_draft(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    item = await initiative_still(ctx, delivery, InitiativeStatus.DRAFT)
    if item is None:
        return None
    t = ctx.t
    title = item.title or t._("(no name yet)")
    return Reply(
        t._("You started a proposal, “{title}”, but did not send it yet.", title=title),
        buttons=((menu_button("💡 " + t._("Continue my proposal"), "propose"),),),
    )


@kind("nudge_silent", Category.NUDGES)
async def nudge_silent(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    item = await initiative_still(ctx, delivery, InitiativeStatus.APPROVED)
    if item is None:
        return None
    t = ctx.t
    return Reply(
        t._(
            "How is “{title}” going? A short update keeps your supporters on board.",
            title=item.title,
        ),
        buttons=((menu_button("👤 " + t._("My Wijkbot"), "mine"),),),
    )


@kind("celebration_milestone", Category.CELEBRATIONS)
async def celebration_milestone(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    item = await initiative_still(ctx, delivery, InitiativeStatus.APPROVED)
    if item is None:
        return None
    count = int(delivery.period) if delivery.period.isdigit() else item.supporter_count
    return Reply(
        Html(
            "🎉 "
            + ctx.t.n_(
                "“{title}” now has {n} supporter!",
                "“{title}” now has {n} supporters!",
                count,
                title=item.title,
            )
        )
    )


@kind("progress_update", Category.UPDATES)
async def progress_update(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    update_id = subject_id(delivery, "progress")
    update = await ctx.session.get(ProgressUpdate, update_id or 0)
    if update is None:
        return None
    item = await ctx.session.get(Initiative, update.initiative_id)
    if item is None:
        return None
    t = ctx.t
    reached = update.numbers.get("reached")

    def frame(text: Html) -> Html:
        lines = ["📣 " + t._("News from “{title}”:", title=item.title), "", text]
        if reached:
            lines.append(t.n_("{n} person reached.", "{n} people reached.", int(reached)))
        return Html("\n".join(lines))

    return with_photo(frame, update.text, update.photo_file_id)


DECISIONS = {
    "approved": InitiativeStatus.APPROVED,
    "changes": InitiativeStatus.CHANGES_REQUESTED,
    "reject": InitiativeStatus.REJECTED,
}


async def decision_handled(ctx: RenderContext, delivery: Delivery) -> str | None:
    """A decision overtaken by another one (or a withdrawal) before it was sent is not sent."""
    item = await subject(ctx, delivery, Initiative, "initiative")
    if item is None:
        return "proposal gone"
    if item.status is not DECISIONS.get(delivery.period):
        return f"proposal {item.status.value} since"
    return None


@kind("review_decision", Category.SERVICE, handled=decision_handled)
async def review_decision(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """What the coordinators decided on a proposal (the period names the decision)."""
    item = await subject(ctx, delivery, Initiative, "initiative")
    if item is None:
        return None
    t = ctx.t
    note = item.review_note or ""
    if delivery.period == "approved" and item.status is InitiativeStatus.APPROVED:
        return Reply(
            "🎉 "
            + t._(
                "Good news! Your proposal “{title}” is approved. Neighbours can now find and "
                "support it.",
                title=item.title,
            )
        )
    if delivery.period == "changes" and item.status is InitiativeStatus.CHANGES_REQUESTED:
        return Reply(
            t._(
                "The coordinators ask you to change “{title}”: {note}", title=item.title, note=note
            ),
            buttons=((menu_button("✏️ " + t._("Change my proposal"), "propose"),),),
        )
    if delivery.period == "reject" and item.status is InitiativeStatus.REJECTED:
        return Reply(
            t._(
                "Your proposal “{title}” is not approved. The coordinators say: {note}",
                title=item.title,
                note=note,
            )
        )
    return None  # decided otherwise since


@kind("celebration_result", Category.CELEBRATIONS)
async def celebration_result(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    result = await ctx.session.get(Result, subject_id(delivery, "result") or 0)
    if result is None:
        return None
    item = await ctx.session.get(Initiative, result.initiative_id) if result.initiative_id else None
    t = ctx.t
    heading = t._("A result for “{title}”!", title=item.title) if item else t._("A result!")

    def frame(text: Html) -> Html:
        lines = ["🏆 " + heading, text]
        if result.number is not None:
            lines.append("<b>" + t.number(result.number) + "</b>")
        return Html("\n".join(lines))

    if result.photo_file_id:
        return with_photo(frame, result.text, result.photo_file_id, "result.jpg")
    # No photo: the result's own card, its words in the reader's language.
    neighbourhood = await ctx.get(Neighbourhood, result.neighbourhood_id)
    card = ResultCard(
        neighbourhood.name if neighbourhood else "",
        result.published_at.astimezone(ctx.zone).date(),
        result.text,
        result.number,
        item.title if item else None,
    )
    picture = File("result.png", data=result_card(card, t), mime="image/png")
    return Reply(fit(frame, result.text, CAPTION_LIMIT), picture=picture)


@kind("help_offered", Category.SERVICE)
async def help_offered(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    item = await subject(ctx, delivery, Initiative, "initiative")
    organisation = await ctx.session.get(Organisation, int(delivery.period or 0))
    if item is None or organisation is None:
        return None
    return Reply(
        "🤝 "
        + ctx.t._(
            "{organisation} offers help with “{title}”. A coordinator can link them to it.",
            organisation=organisation.name,
            title=item.title,
        )
    )
