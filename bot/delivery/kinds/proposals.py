"""Messages to coordinators about proposals: one review request each, or one summary a day.

    review request ──> 📂 Open (the review at that proposal) · ✅ Approve (in one tap)
    summary of the day's new proposals ──> 📂 Open per proposal, 🗂️ Review proposals

Both carry answer buttons (`bot.chat.answers`, answered by `bot.flows.review_requests`).
Both declare `handled`: a request whose proposal was decided, withdrawn or sent again
before the request's turn came is skipped, and so is a summary with nothing left to decide.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.chat.answers import answer_button, stamp_of
from bot.chat.limits import TEXT_LIMIT, bounded, clip
from bot.chat.menu import menu_button
from bot.chat.replies import Button, Reply
from bot.delivery.kinds.base import RenderContext, kind, subject, subject_id
from bot.delivery.preferences import Category
from bot.domain.models import Delivery, Initiative, InitiativeStatus, Neighbourhood, Person
from bot.i18n import Html, Translator

REVIEW = "v"  # the topic of the buttons on review requests and summaries
OPEN, APPROVE = "open", "ok"
SUMMARY_WINDOW = timedelta(days=1)  # a summary names the proposals sent in the day before it
SUMMARY_SHOWN = 8  # proposals named (each with a button) in a summary; then "… and 3 more"


def request_text(t: Translator, item: Initiative, name: str) -> Html:
    return t._("📝 New proposal to review: “{title}” by {name}.", title=item.title, name=name)


def open_button(t: Translator, item: Initiative, label: str | None = None) -> Button:
    stamp = stamp_of(item.submitted_at) if item.submitted_at else 0
    return answer_button(label or "📂 " + t._("Open"), REVIEW, item.id, stamp, OPEN)


def approve_button(t: Translator, item: Initiative) -> Button:
    stamp = stamp_of(item.submitted_at) if item.submitted_at else 0
    return answer_button("✅ " + t._("Approve"), REVIEW, item.id, stamp, APPROVE)


async def owner_name(ctx: RenderContext, item: Initiative) -> str:
    owner = await ctx.session.get(Person, item.owner_id) if item.owner_id else None
    return owner.first_name if owner else "?"


async def request_handled(ctx: RenderContext, delivery: Delivery) -> str | None:
    """Why the request needs no message any more: decided, withdrawn or sent again since."""
    item = await subject(ctx, delivery, Initiative, "initiative")
    if item is None:
        return "proposal gone"
    if item.status is not InitiativeStatus.SUBMITTED:
        return f"proposal {item.status.value}"
    if item.submitted_at is None or str(stamp_of(item.submitted_at)) != delivery.period:
        return "proposal sent again since"
    return None


@kind("review_request", Category.TASKS, handled=request_handled)
async def review_request(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    item = await subject(ctx, delivery, Initiative, "initiative")
    if item is None or item.status is not InitiativeStatus.SUBMITTED:
        return None  # decided in the moment between the check and now
    t = ctx.t
    text = request_text(t, item, await owner_name(ctx, item))
    return Reply(text, buttons=((open_button(t, item), approve_button(t, item)),))


def summary_window(delivery: Delivery) -> tuple[datetime, datetime]:
    """The day a summary covers: the day before the sweep made it."""
    return delivery.created_at - SUMMARY_WINDOW, delivery.created_at


async def summary_items(ctx: RenderContext, delivery: Delivery) -> list[Initiative]:
    """The proposals of the summary's day that still wait, newest first."""
    since, until = summary_window(delivery)
    return list(
        await ctx.session.scalars(
            select(Initiative)
            .where(
                Initiative.neighbourhood_id == (subject_id(delivery, "neighbourhood") or 0),
                Initiative.status == InitiativeStatus.SUBMITTED,
                Initiative.submitted_at > since,
                Initiative.submitted_at <= until,
            )
            .order_by(Initiative.submitted_at.desc(), Initiative.id.desc())
            .limit(SUMMARY_SHOWN + 50)  # enough to say "and N more" without reading them all
        )
    )


async def summary_handled(ctx: RenderContext, delivery: Delivery) -> str | None:
    return None if await summary_items(ctx, delivery) else "nothing left to review"


@kind("proposals_summary", Category.TASKS, handled=summary_handled)
async def proposals_summary(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """The day's new proposals that still wait, in one message, each with an Open button."""
    items = await summary_items(ctx, delivery)
    neighbourhood = await ctx.get(Neighbourhood, subject_id(delivery, "neighbourhood") or 0)
    if not items or neighbourhood is None:
        return None
    t = ctx.t
    head = [
        "🗂️ <b>"
        + t.n_(
            "{n} new proposal to review in {neighbourhood}:",
            "{n} new proposals to review in {neighbourhood}:",
            len(items),
            neighbourhood=neighbourhood.name,
        )
        + "</b>"
    ]
    lines = [
        "• "
        + t._("“{title}” by {name}", title=clip(item.title, 80), name=await owner_name(ctx, item))
        for item in items
    ]
    text, shown = bounded(t, head, lines, TEXT_LIMIT, most=SUMMARY_SHOWN)
    buttons = tuple((open_button(t, item, "📂 " + clip(item.title, 40)),) for item in items[:shown])
    review = menu_button("🗂️ " + t._("Review proposals"), "review")
    return Reply(Html("\n".join(text)), buttons=(*buttons, (review,)))
