"""Coordinators review proposals: approve, reject with a reason, ask for changes, link partners.

    queue ──> proposal ──> approve
                       ──> reject: reason ──> decided
                       ──> ask for changes: question ──> decided
                       ──> partners (toggle organisations) ──> proposal

Every button is checked against the proposal's own neighbourhood, whatever
its data says: a coordinator elsewhere, or a forged button, changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat.replies import Reply
from bot.delivery import chat_posts, outbox
from bot.domain import review, roles
from bot.domain.models import Initiative, InitiativeStatus, Person
from bot.domain.roles import Permission
from bot.flows import menu
from bot.flows.entries import NOT_ALLOWED, Command, MenuEntry
from bot.flows.steps import Back, Context, Finish, Flow, Next, Outcome, Refresh, Step
from bot.flows.texts import describe, short
from bot.flows.widgets import Option, TextStep, ToggleStep
from bot.i18n import N_, Html


def refusal(ctx: Context) -> Html:
    return ctx.t._("Sorry, only coordinators of this neighbourhood can do that.")


async def reviewable(ctx: Context) -> Initiative | None:
    """The proposal in hand, if this person may still decide on it; raises NotAllowed."""
    item = await ctx.session.get(Initiative, ctx.data.get("initiative", 0))
    if item is None:
        return None
    await roles.require(
        ctx.session, ctx.person.id, Permission.REVIEW_PROPOSALS, item.neighbourhood_id
    )
    return item if item.status is InitiativeStatus.SUBMITTED else None


async def tell_proposer(ctx: Context, item: Initiative, decision: str) -> bool:
    """Queue the decision for the proposer; False when there is nobody to tell (erased)."""
    if item.owner_id is None:
        return False
    message = outbox.Message(item.owner_id, "review_decision", f"initiative:{item.id}", decision)
    await outbox.enqueue(ctx.session, [message], now=ctx.now)
    return True


def nobody_told(ctx: Context, title: str) -> Html:
    return ctx.t._(
        "Decided: “{title}”. The proposer has left Wijkbot, so nobody is told.", title=title
    )


class Queue(Step):
    name = "queue"

    async def auto(self, ctx: Context) -> Outcome | None:
        if not ctx.neighbourhoods_for(Permission.REVIEW_PROPOSALS):
            return Finish([Reply(refusal(ctx))])
        return None

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        scope = ctx.neighbourhoods_for(Permission.REVIEW_PROPOSALS)
        items = await review.waiting(ctx.session, scope)
        lines = ["🗂️ <b>" + t._("Proposals waiting for review") + "</b>"]
        if not items:
            lines.append(t._("Nothing is waiting. Well done!"))
        more = await review.waiting_count(ctx.session, scope) - len(items)
        if more > 0:
            lines.append(
                t.n_(
                    "And {n} more: decide on these first to see it.",
                    "And {n} more: decide on these first to see them.",
                    more,
                )
            )
        buttons = tuple((ctx.button(short(item.title), "open", item.id),) for item in items)
        return Reply(Html("\n".join(lines)), buttons=(*buttons, (ctx.button(t._("Done"), "done"),)))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "done":
            return Finish([menu.main(ctx)])
        if action == "open" and arg.isdigit():
            ctx.remember(initiative=int(arg))
            if await reviewable(ctx) is None:
                return Refresh(note=ctx.t._("Someone has already decided on this proposal."))
            return Next("proposal")
        return None


class Proposal(Step):
    name = "proposal"

    async def auto(self, ctx: Context) -> Outcome | None:
        return (
            None
            if await reviewable(ctx)
            else Back(note=ctx.t._("Someone has already decided on this proposal."))
        )

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        item = await reviewable(ctx)
        assert item is not None
        owner = await ctx.session.get(Person, item.owner_id) if item.owner_id else None
        text = Html(
            "📝 <b>"
            + t._("Proposal")
            + "</b>\n\n"
            + await describe(ctx, item)
            + "\n"
            + t._(
                "Proposed by {name}",
                name=owner.first_name if owner else t._("someone who has left Wijkbot"),
            )
        )
        return Reply(
            text,
            buttons=(
                (ctx.button("✅ " + t._("Approve"), "approve"),),
                (ctx.button("✏️ " + t._("Ask for changes"), "changes"),),
                (ctx.button("❌ " + t._("Reject"), "reject"),),
                (ctx.button("🤝 " + t._("Link partners"), "partners"),),
            ),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        item = await reviewable(ctx)
        if item is None:
            return Back(note=ctx.t._("Someone has already decided on this proposal."))
        if action == "approve":
            # One conditional UPDATE: of two coordinators pressing at once, one approves.
            if not await review.approve_waiting(ctx.session, item, ctx.person, ctx.now):
                return Back(note=ctx.t._("Someone has already decided on this proposal."))
            subject = f"initiative:{item.id}"
            await chat_posts.post(
                ctx.session, item.neighbourhood_id, "chat_initiative", subject, "", ctx.now
            )
            if not await tell_proposer(ctx, item, "approved"):
                return Back(note=nobody_told(ctx, item.title))
            return Back(
                note=ctx.t._(
                    "Approved: “{title}”. The proposer will hear it now.", title=item.title
                )
            )
        if action in ("changes", "reject", "partners"):
            return Next(action)
        return None


class ReasonStep(TextStep):
    """A reason (rejecting) or a question (asking for changes), sent to the proposer."""

    limit = review.REASON_LIMIT

    async def accept(self, ctx: Context, text: str) -> Outcome:
        item = await reviewable(ctx)
        if item is None:
            return Back(to="queue", note=ctx.t._("Someone has already decided on this proposal."))
        self.decide(ctx, item, text)
        if not await tell_proposer(ctx, item, self.name):
            return Back(to="queue", note=nobody_told(ctx, item.title))
        return Back(
            to="queue", note=ctx.t._("Sent to the proposer of “{title}”.", title=item.title)
        )

    def decide(self, ctx: Context, item: Initiative, text: str) -> None:
        raise NotImplementedError


class AskChanges(ReasonStep):
    name = "changes"
    question = N_("What should the proposer change? They can edit and send it again.")

    def decide(self, ctx: Context, item: Initiative, text: str) -> None:
        review.ask_changes(ctx.session, item, ctx.person, text, ctx.now)


class Reject(ReasonStep):
    name = "reject"
    question = N_("Why is the proposal not approved? The proposer will read your reason.")

    def decide(self, ctx: Context, item: Initiative, text: str) -> None:
        review.reject(ctx.session, item, ctx.person, text, ctx.now)


class Partners(ToggleStep):
    name = "partners"
    question = N_("Which partner organisations work on this initiative?")
    done_label = N_("Done")

    async def _item(self, ctx: Context) -> Initiative:
        item = await reviewable(ctx)
        assert item is not None, "checked before every show and press"
        return item

    async def options(self, ctx: Context) -> Sequence[Option]:
        item = await self._item(ctx)
        organisations = await review.partner_organisations(ctx.session, item.neighbourhood_id)
        return [Option(str(org.id), org.name) for org in organisations]

    async def chosen(self, ctx: Context) -> set[str]:
        return {
            str(org_id) for org_id in await review.linked(ctx.session, (await self._item(ctx)).id)
        }

    async def toggle(self, ctx: Context, value: str, on: bool) -> None:
        item = await self._item(ctx)
        await review.toggle_partner(ctx.session, item, int(value), ctx.person, ctx.now)

    async def done(self, ctx: Context, chosen: set[str]) -> Outcome:
        return Back()

    def prompt(self, ctx: Context, options: Sequence[Option]) -> Html:
        if not options:
            return ctx.t._("No partner organisations have joined yet. Invite them from the menu.")
        return super().prompt(ctx, options)

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if await reviewable(ctx) is None:
            return Back()
        return await super().on_button(ctx, action, arg)


class ReviewFlow(Flow):
    name = "review"
    code = "r"
    menu = MenuEntry(N_("Review proposals"), "🗂️", row=10, see=Permission.REVIEW_PROPOSALS)
    command = Command("review", before_onboarding=NOT_ALLOWED)

    def __init__(self) -> None:
        super().__init__(Queue(), Proposal(), AskChanges(), Reject(), Partners())
