"""Coordinators invite partners (of an organisation) and fellow coordinators by link."""

from __future__ import annotations

from datetime import timedelta

from bot.domain import invites, roles
from bot.domain.models import Role
from bot.domain.roles import Permission
from bot.flows import menu
from bot.flows.replies import Reply
from bot.flows.steps import Context, Finish, Flow, Next, Outcome, Step
from bot.flows.text_input import TextStep
from bot.i18n import N_, Html, escape


class InviteRole(Step):
    name = "role"

    async def auto(self, ctx: Context) -> Outcome | None:
        if not ctx.neighbourhoods_for(Permission.INVITE_PARTNER):
            return Finish(
                [Reply(ctx.t._("Sorry, only coordinators of this neighbourhood can do that."))]
            )
        return None

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            t._("Whom do you want to invite?"),
            buttons=(
                (ctx.button("🤝 " + t._("A partner organisation"), "role", Role.PARTNER.value),),
                (ctx.button("🧭 " + t._("A fellow coordinator"), "role", Role.COORDINATOR.value),),
            ),
        )

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
    permission = (
        Permission.INVITE_PARTNER if role is Role.PARTNER else Permission.INVITE_COORDINATOR
    )
    neighbourhood_id = ctx.neighbourhoods_for(permission)[0]
    await roles.require(ctx.session, ctx.person.id, permission, neighbourhood_id)
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
    link = f"https://t.me/{ctx.bot_username or 'your_bot'}?start={payload}"
    t = ctx.t
    text = Html(
        t._(
            "Send this link to the person you invite. It works once, until {when}:",
            when=t.datetime(invite.expires_at, ctx.settings.zone),
        )
        + "\n"
        + escape(link)
    )
    return Finish([Reply(text), menu.main(ctx)])


class InviteFlow(Flow):
    name = "invite"
    code = "i"

    def __init__(self) -> None:
        super().__init__(InviteRole(), OrganisationName())
