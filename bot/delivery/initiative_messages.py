"""Messages about initiatives and activities: requests, nudges, news and celebrations."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.chat.limits import CAPTION_LIMIT, TEXT_LIMIT, bounded, fit
from bot.chat.menu import menu_button
from bot.chat.replies import File, Reply
from bot.delivery.messages import RenderContext, kind, subject_id
from bot.delivery.preferences import Category
from bot.domain import actions
from bot.domain.models import (
    Action,
    Commitment,
    CommitmentStatus,
    Delivery,
    Initiative,
    InitiativeStatus,
    Organisation,
    Person,
    ProgressUpdate,
    Result,
    Signup,
    SignupStatus,
)
from bot.i18n import N_, Html, escape


async def _initiative(ctx: RenderContext, delivery: Delivery) -> Initiative | None:
    initiative_id = subject_id(delivery, "initiative")
    return await ctx.session.get(Initiative, initiative_id) if initiative_id else None


async def _action(ctx: RenderContext, delivery: Delivery) -> Action | None:
    action_id = subject_id(delivery, "action")
    return await ctx.session.get(Action, action_id) if action_id else None


@kind("review_request", Category.TASKS)
async def review_request(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    item = await _initiative(ctx, delivery)
    if item is None or item.status is not InitiativeStatus.SUBMITTED:
        return None  # already reviewed or withdrawn
    owner = await ctx.session.get(Person, item.owner_id) if item.owner_id else None
    return Reply(
        ctx.t._(
            "📝 New proposal to review: “{title}” by {name}.",
            title=item.title,
            name=owner.first_name if owner else "?",
        )
    )


@kind("waitlist_promoted", Category.SERVICE)
async def waitlist_promoted(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    action = await _action(ctx, delivery)
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


@kind("nudge_draft", Category.NUDGES)
async def nudge_draft(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    item = await _initiative(ctx, delivery)
    if item is None or item.status is not InitiativeStatus.DRAFT:
        return None
    t = ctx.t
    title = item.title or t._("(no name yet)")
    return Reply(
        t._("You started a proposal, “{title}”, but did not send it yet.", title=title),
        buttons=((menu_button("💡 " + t._("Continue my proposal"), "propose"),),),
    )


@kind("nudge_silent", Category.NUDGES)
async def nudge_silent(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    item = await _initiative(ctx, delivery)
    if item is None or item.status is not InitiativeStatus.APPROVED:
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
    item = await _initiative(ctx, delivery)
    if item is None or item.status is not InitiativeStatus.APPROVED:
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


@kind("celebration_action_done", Category.CELEBRATIONS)
async def celebration_action_done(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    action = await _action(ctx, delivery)
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

    limit = CAPTION_LIMIT if update.photo_file_id else TEXT_LIMIT
    picture = File("photo.jpg", file_id=update.photo_file_id) if update.photo_file_id else None
    return Reply(fit(frame, update.text, limit), picture=picture)


@kind("review_decision", Category.SERVICE)
async def review_decision(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    """What the coordinators decided on a proposal (the period names the decision)."""
    item = await _initiative(ctx, delivery)
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

    limit = CAPTION_LIMIT if result.photo_file_id else TEXT_LIMIT
    picture = File("result.jpg", file_id=result.photo_file_id) if result.photo_file_id else None
    return Reply(fit(frame, result.text, limit), picture=picture)


@kind("help_offered", Category.SERVICE)
async def help_offered(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    item = await _initiative(ctx, delivery)
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
