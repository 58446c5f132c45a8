"""Slash commands, valid in every step of every conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.chat.replies import Answer, Reply
from bot.domain import invites, roles
from bot.domain.errors import InviteProblem, InviteRefused
from bot.flows import menu, privacy
from bot.flows.steps import Context
from bot.i18n import N_, Html

if TYPE_CHECKING:
    from bot.flows.conversation import Conversation

# Shown by the messenger's command menu, in each language (see handlers' setup).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start, or go back to the main menu")),
    ("propose", N_("Propose an initiative")),
    ("language", N_("Change your language")),
    ("help", N_("What can I do here?")),
    ("cancel", N_("Stop what you are doing")),
    ("mydata", N_("Get a copy of your data")),
    ("forget", N_("Have Wijkbot forget you")),
)

_INVITE_PROBLEMS = {
    InviteProblem.INVALID: N_("This invite link is not valid. Check that you copied all of it."),
    InviteProblem.EXPIRED: N_("This invite link has expired. Ask for a new one."),
    InviteProblem.USED: N_("This invite link has already been used. Ask for a new one."),
    InviteProblem.REVOKED: N_("This invite link was withdrawn. Ask for a new one."),
}
_ROLE_WELCOME = {
    "coordinator": N_("You are now a coordinator in {neighbourhood}."),
    "partner": N_("You are now a partner in {neighbourhood}, for {organisation}."),
    "admin": N_("You are now an administrator of {neighbourhood}."),
}


class Commands:
    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self._handlers = {
            "start": self.start,
            "menu": self.start,
            "help": self.help,
            "cancel": self.cancel,
            "language": self.language,
            "propose": self.propose,
            "mydata": self.my_data,
            "forget": self.forget,
            # Work for a role: the flows themselves check who may do it.
            **{
                name: self._role_flow
                for name in ("review", "broadcast", "result", "commitments", "invite", "roles")
            },
            "stats": self.statistics,
        }

    async def run(self, ctx: Context) -> Answer:
        handler = self._handlers.get(ctx.event.command)
        if handler is not None:
            return await handler(ctx)
        unknown = ctx.t._("I do not know the command /{command}.", command=ctx.event.command)
        return await self._carry_on(ctx, unknown)

    async def _carry_on(self, ctx: Context, hint: Html) -> Answer:
        """Say `hint`, then show where the person is: their step, onboarding or the menu."""
        if ctx.flow is not None:
            return Answer([await self.conversation.reshow(ctx, hint)])
        if not ctx.person.onboarded:
            answer = await self.conversation.start(ctx, "onboarding")
            return Answer([Reply(hint), *answer.replies])
        return Answer([menu.main(ctx, hint)])

    async def start(self, ctx: Context) -> Answer:
        replies: list[Reply] = []
        if ctx.event.args:
            replies.append(await self._redeem(ctx, ctx.event.args))
        if ctx.person.onboarded:
            self.conversation.clear(ctx)
            intro = ctx.t._("Welcome back, {name}!", name=ctx.person.first_name)
            return Answer([*replies, menu.main(ctx, intro)])
        answer = await self.conversation.start(ctx, "onboarding")
        return Answer([*replies, *answer.replies])

    async def _redeem(self, ctx: Context, payload: str) -> Reply:
        t = ctx.t
        try:
            grant = await invites.redeem(
                ctx.session, ctx.settings.signing_key(), payload, ctx.person, ctx.now
            )
        except InviteRefused as refused:
            return Reply(t._(_INVITE_PROBLEMS[refused.problem]))
        await ctx.session.refresh(grant, ["neighbourhood", "organisation"])
        ctx.grants = await roles.grants_of(ctx.session, ctx.person.id)
        return Reply(
            t._(
                _ROLE_WELCOME[grant.role.value],
                neighbourhood=grant.neighbourhood.name,
                organisation=grant.organisation.name if grant.organisation else "",
            )
        )

    async def help(self, ctx: Context) -> Answer:
        if ctx.flow is not None and ctx.state.step is not None:
            step = ctx.flow.steps[ctx.state.step]
            hint = Html(step.hint(ctx) + "\n" + ctx.t._("Send /cancel to stop."))
            return Answer([await self.conversation.reshow(ctx, hint)])
        return await self._carry_on(ctx, menu.help_text(ctx))

    async def cancel(self, ctx: Context) -> Answer:
        t = ctx.t
        if ctx.flow is None:
            return await self._carry_on(ctx, t._("There is nothing to stop."))
        replies = await ctx.flow.cancelled(ctx)
        answer = await self.conversation.finish(ctx, replies)
        if ctx.flow is not None:  # an interrupted conversation was handed back
            return answer
        if not ctx.person.onboarded:
            return Answer([*answer.replies, Reply(t._("Stopped. Send /start to continue."))])
        return Answer([*answer.replies, menu.main(ctx, t._("Stopped. Nothing was changed."))])

    async def language(self, ctx: Context) -> Answer:
        return await self.conversation.start(ctx, "language")

    async def propose(self, ctx: Context) -> Answer:
        if not ctx.person.onboarded:
            return await self._carry_on(ctx, ctx.t._("First, tell me a little about yourself."))
        return await self.conversation.start(ctx, "propose")

    async def my_data(self, ctx: Context) -> Answer:
        answer = await privacy.my_data(ctx)
        if ctx.flow is not None:
            answer.replies.append(await self.conversation.reshow(ctx))
        return answer

    async def _role_flow(self, ctx: Context) -> Answer:
        if not ctx.person.onboarded or ctx.event.command not in self.conversation.flows:
            return await self._carry_on(ctx, ctx.t._("Sorry, you are not allowed to do that."))
        return await self.conversation.start(ctx, ctx.event.command)

    async def statistics(self, ctx: Context) -> Answer:
        from bot.flows import statistics

        return await statistics.report(ctx)

    async def forget(self, ctx: Context) -> Answer:
        return await self.conversation.start(ctx, "forget")
