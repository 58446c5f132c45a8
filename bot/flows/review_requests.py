"""The answers to the buttons on review requests and on the daily summary of new proposals.

    📂 Open    ──> the review of that proposal, as if chosen from 🗂️ Review proposals
    ✅ Approve ──> approved in one tap (if it still waits as it was sent) ──> the request
                   says so, the proposer is told
    pressed by someone who may not review there ──> refused, nothing changes
    pressed after another decision, a withdrawal or a new version ──> said so, nothing changes

The button's data names the proposal and the moment it was sent; neither is trusted: the
proposal is read again and the person's role checked against its neighbourhood.
"""

from __future__ import annotations

from bot.chat.answers import Pressed, said, stamp_of
from bot.chat.limits import popup_text
from bot.chat.replies import Answer, Reply
from bot.delivery.kinds.proposals import APPROVE, OPEN, REVIEW, open_button, request_text
from bot.domain import review, roles
from bot.domain.models import Initiative, InitiativeStatus, Person
from bot.domain.roles import Permission
from bot.flows.review import tell_proposer
from bot.flows.steps import Context, Engine, PushedButton
from bot.i18n import Html

# Where Open begins: the review queue's proposal, so that Back leads to the queue.
AT = ("queue", "proposal")


async def answer(engine: Engine, ctx: Context, pressed: Pressed) -> Answer:
    t = ctx.t
    item = await ctx.session.get(Initiative, pressed.subject)
    if item is None or pressed.choice not in (OPEN, APPROVE):
        return said(t._("This button is no longer active."))
    await roles.require(
        ctx.session, ctx.person.id, Permission.REVIEW_PROPOSALS, item.neighbourhood_id
    )
    if pressed.choice == OPEN:
        return await engine.start(ctx, "review", at=AT, initiative=item.id)
    sent_again = item.submitted_at is not None and stamp_of(item.submitted_at) != pressed.stamp
    if item.status is InitiativeStatus.SUBMITTED and sent_again:
        note = t._(
            "“{title}” was changed and sent again since this message. Open it to look at it "
            "before you decide. Nothing was changed.",
            title=item.title,
        )
        buttons = ((open_button(t, item),),)
        return Answer([Reply(note, buttons=buttons)], notice=popup_text(note))
    if item.status is not InitiativeStatus.SUBMITTED or not await review.approve_waiting(
        ctx.session, item, ctx.person, ctx.now
    ):
        return said(await decided_already(ctx, item))
    owner = await ctx.session.get(Person, item.owner_id) if item.owner_id else None
    if await tell_proposer(ctx, item, "approved"):
        note = t._("Approved: “{title}”. The proposer will hear it now.", title=item.title)
    else:
        note = t._(
            "Decided: “{title}”. The proposer has left Wijkbot, so nobody is told.",
            title=item.title,
        )
    text = request_text(t, item, owner.first_name if owner else "?")
    return Answer([Reply(Html(f"{text}\n\n✅ {note}"), edit=True)], notice=popup_text(note))


async def decided_already(ctx: Context, item: Initiative) -> Html:
    """What a press on a proposal that no longer waits is told; nothing was changed."""
    t = ctx.t
    if item.status is InitiativeStatus.WITHDRAWN:
        return t._(
            "“{title}” was withdrawn by the proposer. Nothing was changed.", title=item.title
        )
    if item.status is InitiativeStatus.APPROVED:
        if await review.decided_by(ctx.session, item) == ctx.person.id:
            return t._("You have already approved “{title}”.", title=item.title)
        return t._(
            "“{title}” is already approved by another coordinator. Nothing was changed.",
            title=item.title,
        )
    return t._(
        "Another coordinator has already decided on “{title}”. Nothing was changed.",
        title=item.title,
    )


REVIEW_REQUESTS = PushedButton(REVIEW, answer)
