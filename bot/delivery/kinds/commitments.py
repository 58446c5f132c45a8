"""Messages about the commitments partners made: due soon, overdue, and the overdue list."""

from __future__ import annotations

from sqlalchemy import select

from bot.chat.limits import TEXT_LIMIT, bounded
from bot.chat.menu import menu_button
from bot.chat.replies import Reply
from bot.delivery.kinds.base import RenderContext, kind, subject_id
from bot.delivery.preferences import Category
from bot.domain.models import Commitment, CommitmentStatus, Delivery
from bot.i18n import N_, Html, escape


async def _commitment(ctx: RenderContext, delivery: Delivery) -> Commitment | None:
    found = await ctx.session.get(Commitment, subject_id(delivery, "commitment") or 0)
    return found if found is not None and found.status is not CommitmentStatus.DONE else None


async def _commitment_message(
    ctx: RenderContext, delivery: Delivery, icon: str, message: str
) -> Reply | None:
    item = await _commitment(ctx, delivery)
    if item is None or item.due_on is None:
        return None
    text = ctx.t._(message, what=item.what, due=ctx.t.day(item.due_on))
    button = menu_button("🤝 " + ctx.t._("Our commitments"), "commitments")
    return Reply(Html(f"{icon} {text}"), buttons=((button,),))


@kind("commitment_due", Category.TASKS)
async def commitment_due(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    message = N_("Reminder: “{what}” is due on {due}. Update it under Our commitments.")
    return await _commitment_message(ctx, delivery, "⏰", message)


@kind("commitment_overdue", Category.TASKS)
async def commitment_overdue(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    message = N_("“{what}” was due on {due}. How is it going? Please update it.")
    return await _commitment_message(ctx, delivery, "⚠️", message)


@kind("overdue_summary", Category.TASKS)
async def overdue_summary(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    neighbourhood_id = subject_id(delivery, "neighbourhood") or 0
    overdue = list(
        await ctx.session.scalars(
            select(Commitment)
            .where(
                Commitment.neighbourhood_id == neighbourhood_id,
                Commitment.status != CommitmentStatus.DONE,
                Commitment.due_on < ctx.now.date(),
            )
            .order_by(Commitment.due_on, Commitment.id)
        )
    )
    if not overdue:
        return None
    t = ctx.t
    head = ["⚠️ " + t.n_("{n} commitment is overdue:", "{n} commitments are overdue:", len(overdue))]
    lines, _ = bounded(t, head, [escape(f"• {item.what}") for item in overdue], TEXT_LIMIT)
    return Reply(
        Html("\n".join(lines)),
        buttons=((menu_button("🤝 " + t._("Commitments"), "commitments"),),),
    )
