"""Coordinators invite partners (of an organisation) by link; admins also invite coordinators.

Who may invite a coordinator is decided in the core (`roles.allowed`, checked
again when the link is made, whatever button was pressed): admins, and
coordinators of a neighbourhood whose file allows it. Each person may have a
few unused links out at once (`invites.MAX_OPEN_PER_CREATOR`).
"""

from __future__ import annotations

from datetime import timedelta

from bot.chat import links
from bot.chat.replies import Button, Reply
from bot.domain import invites, roles
from bot.domain.errors import NotAllowed, TooManyOpenInvites
from bot.domain.models import Role
from bot.domain.roles import Permission
from bot.flows import menu
from bot.flows.entries import NOT_ALLOWED, Command, MenuEntry
from bot.flows.steps import Context, Finish, Flow, Next, Outcome, Step
from bot.flows.widgets import TextStep
from bot.i18n import N_, Html, escape

SEND_LINK = N_("Send this link to the person you invite. It works once, until {when}:")
# With several channels (CHANNELS=telegram,whatsapp): a link for each app, labelled.
SEND_ONE_OF_THE_LINKS = N_(
    "Send the person you invite the link for the app they use. It works once, until {when}:"
)


def _neighbourhood(ctx: Context) -> int | None:
    """Where the person invites: their own neighbourhood first, if they may invite there."""
    places = ctx.neighbourhoods_for(Permission.INVITE_PARTNER)
    return places[0] if places else None


class InviteRole(Step):
    name = "role"

    async def auto(self, ctx: Context) -> Outcome | None:
        if _neighbourhood(ctx) is None:
            return Finish(
                [Reply(ctx.t._("Sorry, only coordinators of this neighbourhood can do that."))]
            )
        return None

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        rows: list[tuple[Button, ...]] = [
            (ctx.button("🤝 " + t._("A partner organisation"), "role", Role.PARTNER.value),)
        ]
        neighbourhood_id = _neighbourhood(ctx)
        assert neighbourhood_id is not None
        permission = roles.TO_INVITE[Role.COORDINATOR]
        if await roles.allowed(ctx.session, ctx.person.id, permission, neighbourhood_id):
            rows.append(
                (ctx.button("🧭 " + t._("A fellow coordinator"), "role", Role.COORDINATOR.value),)
            )
        return Reply(t._("Whom do you want to invite?"), buttons=tuple(rows))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "role" or arg not in (Role.PARTNER.value, Role.COORDINATOR.value):
            return None
        if arg == Role.PARTNER.value:
            return Next("organisation")
        return await make_link(ctx, Role.COORDINATOR, None)


class OrganisationName(TextStep):
    name = "organisation"
    question = N_("What is the name of the organisation?")
    limit = 120

    async def accept(self, ctx: Context, text: str) -> Outcome:
        return await make_link(ctx, Role.PARTNER, text)


async def make_link(ctx: Context, role: Role, organisation_name: str | None) -> Outcome:
    neighbourhood_id = _neighbourhood(ctx)
    if neighbourhood_id is None:  # the role was taken back meanwhile
        raise NotAllowed(roles.TO_INVITE[role].value, None)
    await roles.require(ctx.session, ctx.person.id, roles.TO_INVITE[role], neighbourhood_id)
    t = ctx.t
    try:
        await invites.ensure_room(ctx.session, ctx.person.id, ctx.now)  # before any write
    except TooManyOpenInvites as too_many:
        refusal = t.n_(
            "You already have {n} invite link that nobody has used yet.",
            "You already have {n} invite links that nobody has used yet.",
            too_many.limit,
        )
        advice = t._(
            "That is the most you can have at once. Unused links stop working after "
            "{hours} hours; an administrator can also withdraw them.",
            hours=ctx.settings.invite_ttl_hours,
        )
        return Finish([menu.main(ctx, Html(refusal + " " + advice))])
    organisation = (
        await invites.organisation_named(ctx.session, organisation_name, ctx.now)
        if organisation_name
        else None
    )
    invite, payload = await invites.create(
        ctx.session,
        ctx.settings.signing_key(),
        role=role,
        neighbourhood_id=neighbourhood_id,
        organisation_id=organisation.id if organisation else None,
        created_by_id=ctx.person.id,
        now=ctx.now,
        ttl=timedelta(hours=ctx.settings.invite_ttl_hours),
    )
    shown = links.labelled(ctx.start_links, payload)
    when = t.datetime(invite.expires_at, ctx.settings.zone)
    send = t._(SEND_LINK if len(shown) == 1 else SEND_ONE_OF_THE_LINKS, when=when)
    text = Html(send + "\n" + "\n".join(map(escape, shown)))
    return Finish([Reply(text), menu.main(ctx)])


class InviteFlow(Flow):
    name = "invite"
    code = "i"
    menu = MenuEntry(N_("Invite a partner"), "✉️", row=12, column=1, see=Permission.INVITE_PARTNER)
    command = Command("invite", before_onboarding=NOT_ALLOWED)

    def __init__(self) -> None:
        super().__init__(InviteRole(), OrganisationName())
