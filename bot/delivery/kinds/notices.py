"""Messages about something a person did or asked for, and the coordinators' broadcasts."""

from __future__ import annotations

from bot.chat.replies import Reply
from bot.delivery.kinds.base import RenderContext, kind, subject_id, with_photo
from bot.delivery.preferences import Category
from bot.domain import broadcasts
from bot.domain.models import Broadcast, BroadcastStatus, Delivery, Neighbourhood
from bot.i18n import Html


@kind("notice", Category.SERVICE)
async def notice(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """A message about something the person did or asked for; its msgid is in the payload."""
    message = delivery.payload["msgid"]  # marked with N_() where it was enqueued
    return Reply(ctx.t._(message, **delivery.payload.get("params", {})))


@kind("broadcast", Category.BROADCASTS)
async def broadcast(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """A coordinator's message: their text (in the person's language if they wrote one),
    framed in the person's language."""
    item = await ctx.get(Broadcast, delivery.broadcast_id or 0)
    if item is None or item.status is BroadcastStatus.CANCELLED:
        return None
    neighbourhood = await ctx.get(Neighbourhood, item.neighbourhood_id)
    name = neighbourhood.name if neighbourhood else ""
    header = ctx.t._("Message from the coordinators of {neighbourhood}", neighbourhood=name)
    text = item.texts_by_locale.get(ctx.person.locale) or item.text
    return with_photo(lambda body: Html(f"📣 <b>{header}</b>\n\n{body}"), text, item.photo_file_id)


@kind("broadcast_report", Category.TASKS)
async def broadcast_report(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """How a coordinator's broadcast went, once nothing is left to send."""
    report = await broadcasts.report(ctx.session, subject_id(delivery, "broadcast") or 0)
    return Reply(
        ctx.t._(
            "📣 Your message has gone out. Sent: {sent}. Could not be reached: {unreachable}. "
            "Failed: {failed}.",
            sent=report.sent,
            unreachable=report.unreachable,
            failed=report.failed,
        )
    )
