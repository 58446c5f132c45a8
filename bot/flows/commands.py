"""Slash commands, valid in every step of every conversation, and the commands that belong to
no flow (/start, /help, /cancel, /mydata).

Which command opens what comes from the registry (`bot.flows.registry`): a flow's command
starts it, an action's command runs it.
"""

from __future__ import annotations

from bot.chat.replies import Answer, Reply
from bot.domain import check_in, invites, roles
from bot.domain.errors import InviteProblem, InviteRefused
from bot.flows import check_in as checking_in
from bot.flows import menu, privacy
from bot.flows.entries import Command, MenuEntry
from bot.flows.steps import Action, Context, Engine
from bot.i18n import N_, Html

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


async def run(conversation: Engine, ctx: Context) -> Answer:
    found = ctx.registry.on_command(ctx.event.command)
    if found is None:
        unknown = ctx.t._("I do not know the command /{command}.", command=ctx.event.command)
        return await carry_on(conversation, ctx, unknown)
    command, owner = found
    if command.before_onboarding is not None and not ctx.person.onboarded:
        return await carry_on(conversation, ctx, ctx.t._(command.before_onboarding))
    return await conversation.open(ctx, owner)


async def carry_on(conversation: Engine, ctx: Context, hint: Html) -> Answer:
    """Say `hint`, then show where the person is: their step, onboarding or the menu."""
    if ctx.flow is not None:
        return Answer([await conversation.reshow(ctx, hint)])
    if not ctx.person.onboarded:
        answer = await conversation.start(ctx, "onboarding")
        return Answer([Reply(hint), *answer.replies])
    return Answer([menu.main(ctx, hint)])


async def start(conversation: Engine, ctx: Context) -> Answer:
    replies: list[Reply] = []
    payload = ctx.event.args
    scanning = bool(payload) and check_in.looks_like_check_in(payload)
    if payload and not scanning:
        replies.append(await _redeem(ctx, payload))
    if ctx.person.onboarded:
        conversation.clear(ctx)
        if scanning:
            replies.append(await checking_in.scanned(ctx, payload))
        intro = ctx.t._("Welcome back, {name}!", name=ctx.person.first_name)
        return Answer([*replies, menu.main(ctx, intro)])
    if scanning:  # checked in once onboarding is done (bot.flows.onboarding)
        answer = await conversation.start(ctx, "onboarding", check_in=payload)
        return Answer([Reply(ctx.t._(checking_in.AFTER_ONBOARDING)), *answer.replies])
    answer = await conversation.start(ctx, "onboarding")
    return Answer([*replies, *answer.replies])


async def _redeem(ctx: Context, payload: str) -> Reply:
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


async def help_(conversation: Engine, ctx: Context) -> Answer:
    if ctx.flow is not None and ctx.state.step is not None:
        step = ctx.flow.steps[ctx.state.step]
        hint = Html(step.hint(ctx) + "\n" + ctx.t._("Send /cancel to stop."))
        return Answer([await conversation.reshow(ctx, hint)])
    return await carry_on(conversation, ctx, menu.help_text(ctx))


async def cancel(conversation: Engine, ctx: Context) -> Answer:
    t = ctx.t
    if ctx.flow is None:
        return await carry_on(conversation, ctx, t._("There is nothing to stop."))
    replies = await ctx.flow.cancelled(ctx)
    answer = await conversation.finish(ctx, replies)
    if ctx.flow is not None:  # an interrupted conversation was handed back
        return answer
    if not ctx.person.onboarded:
        return Answer([*answer.replies, Reply(t._("Stopped. Send /start to continue."))])
    return Answer([*answer.replies, menu.main(ctx, t._("Stopped. Nothing was changed."))])


async def my_data(conversation: Engine, ctx: Context) -> Answer:
    answer = await privacy.my_data(ctx)
    if ctx.flow is not None:
        answer.replies.append(await conversation.reshow(ctx))
    return answer


START = Action(
    "start",
    start,
    command=Command(
        "start", N_("Start, or go back to the main menu"), position=10, aliases=("menu",)
    ),
)
HELP = Action(
    "help",
    help_,
    menu=MenuEntry(N_("Help"), "❓", row=60, column=2),
    command=Command("help", N_("What can I do here?"), position=40),
)
CANCEL = Action("cancel", cancel, command=Command("cancel", N_("Stop what you are doing"), 50))
MY_DATA = Action("mydata", my_data, command=Command("mydata", N_("Get a copy of your data"), 60))
