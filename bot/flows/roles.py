"""An admin takes roles back and withdraws invite links, from the chat.

    start ──> roles ──> pick one ──> confirm ──> taken back, the list again
          └─> open invite links ──> withdraw one ──> the list again

Every button that names a grant or an invite is checked in the core:
`roles.require(GRANT_ROLES)` in the neighbourhood of that grant or invite, before
anything changes, so a forged button for another neighbourhood is refused. The
last admin of a neighbourhood cannot be removed here (nobody would be left to
repair a mistake); on the server, `wijkbot admin revoke` can.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from bot.chat.limits import clip
from bot.chat.replies import Button, Reply
from bot.domain import invites, roles
from bot.domain.errors import NotAllowed
from bot.domain.models import Invite, Neighbourhood, Role, RoleGrant
from bot.domain.roles import Permission
from bot.flows import menu
from bot.flows.entries import NOT_ALLOWED, Command, MenuEntry
from bot.flows.steps import Back, Context, Finish, Flow, Next, Outcome, Refresh, Step
from bot.i18n import N_, Html

T = TypeVar("T")
PAGE_SIZE = 8
ROLE_NAMES = {
    Role.COORDINATOR: N_("coordinator"),
    Role.PARTNER: N_("partner"),
    Role.ADMIN: N_("administrator"),
}


def _neighbourhood(ctx: Context) -> int:
    """The neighbourhood the admin manages here: their own first."""
    places = ctx.neighbourhoods_for(Permission.GRANT_ROLES)
    if not places:  # the role was taken back since the flow began
        raise NotAllowed(Permission.GRANT_ROLES.value, None)
    return places[0]


def _role(ctx: Context, role: Role) -> str:
    return ctx.t._(ROLE_NAMES[role])


def _page(ctx: Context, items: Sequence[T]) -> tuple[Sequence[T], tuple[Button, ...]]:
    """This page's items, and ◀ ▶ buttons when there is more than one page."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(int(ctx.data.get("page", 0)), pages - 1)
    ctx.remember(page=page)
    navigation: list[Button] = []
    if page > 0:
        navigation.append(ctx.button("◀", "page", page - 1))
    if page + 1 < pages:
        navigation.append(ctx.button("▶", "page", page + 1))
    return items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], tuple(navigation)


def _turn_page(ctx: Context, action: str, arg: str) -> Outcome | None:
    if action == "page" and arg.isdigit():
        ctx.remember(page=int(arg))
        return Refresh()
    return None


async def _require(ctx: Context, neighbourhood_id: int) -> None:
    """The core check behind every button that names a grant or an invite."""
    await roles.require(ctx.session, ctx.person.id, Permission.GRANT_ROLES, neighbourhood_id)


async def _grant(ctx: Context, arg: str) -> RoleGrant | None:
    """The grant a button names, once the presser may manage roles where it is held."""
    grant = await ctx.session.get(RoleGrant, int(arg)) if arg.isdigit() else None
    if grant is not None:
        await _require(ctx, grant.neighbourhood_id)
        await ctx.session.refresh(grant, ["person", "organisation"])
    return grant


def _describe(ctx: Context, grant: RoleGrant) -> Html:
    if grant.organisation is not None:
        return ctx.t._(
            "{name} (#{id}): {role} for {organisation}",
            name=grant.person.first_name,
            id=grant.person_id,
            role=_role(ctx, grant.role),
            organisation=grant.organisation.name,
        )
    return ctx.t._(
        "{name} (#{id}): {role}",
        name=grant.person.first_name,
        id=grant.person_id,
        role=_role(ctx, grant.role),
    )


class Start(Step):
    name = "start"

    async def auto(self, ctx: Context) -> Outcome | None:
        if not ctx.neighbourhoods_for(Permission.GRANT_ROLES):
            refusal = ctx.t._("Sorry, only administrators of this neighbourhood can do that.")
            return Finish([Reply(refusal)])
        return None

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        place = await ctx.session.get(Neighbourhood, _neighbourhood(ctx))
        assert place is not None
        return Reply(
            t._("Roles and invite links in {neighbourhood}:", neighbourhood=place.name),
            buttons=(
                (ctx.button("👥 " + t._("Who has a role"), "to", "grants"),),
                (ctx.button("✉️ " + t._("Open invite links"), "to", "invites"),),
            ),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "to" and arg in ("grants", "invites"):
            ctx.remember(page=0)
            return Next(arg)
        return None


class Grants(Step):
    name = "grants"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        grants, navigation = _page(ctx, await roles.grants_in(ctx.session, _neighbourhood(ctx)))
        lines = ["👥 <b>" + t._("Who has a role") + "</b>"]
        rows: list[tuple[Button, ...]] = []
        for grant in grants:
            lines.append("• " + _describe(ctx, grant))
            label = f"✖️ {clip(grant.person.first_name, 20)} · {_role(ctx, grant.role)}"
            rows.append((ctx.button(label, "pick", grant.id),))
        if not grants:
            lines.append(t._("Nobody has a role here."))
        else:
            lines.append(t._("Choose whose role to take back."))
        rows += [navigation] if navigation else []
        return Reply(Html("\n".join(lines)), buttons=tuple(rows))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "pick":
            return _turn_page(ctx, action, arg)
        grant = await _grant(ctx, arg)
        if grant is None:
            return Refresh(note=ctx.t._("That role was already taken back."))
        ctx.remember(grant=grant.id)
        return Next("confirm")


class Confirm(Step):
    name = "confirm"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        grant = await _grant(ctx, str(ctx.data.get("grant", "")))
        if grant is None:
            return Reply(t._("That role was already taken back."))
        question = t._(
            "Take this role away? {who}. They can go on using Wijkbot as a resident.",
            who=_describe(ctx, grant),
        )
        return Reply(
            question,
            buttons=(
                (ctx.button("✅ " + t._("Yes, take it away"), "revoke", grant.id),),
                (ctx.button(t._("No, keep it"), "keep"),),
            ),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        t = ctx.t
        if action == "keep":
            return Back(note=t._("Nothing was changed."))
        if action != "revoke":
            return None
        grant = await _grant(ctx, arg)
        if grant is None:
            return Back(note=t._("That role was already taken back."))
        if await roles.is_last_admin(ctx.session, grant):
            return Back(
                note=t._(
                    "{name} is the last administrator here, so I cannot take that role away. "
                    "Invite another administrator first.",
                    name=grant.person.first_name,
                )
            )
        done = t._(
            "{name} no longer has the role {role}.",
            name=grant.person.first_name,
            role=_role(ctx, grant.role),
        )
        own = grant.person_id == ctx.person.id
        await roles.revoke(ctx.session, grant, now=ctx.now, revoked_by_id=ctx.person.id)
        if own:  # their own menu changes at once
            ctx.grants = await roles.grants_of(ctx.session, ctx.person.id)
            return Finish([menu.main(ctx, done)])
        return Back(note=done)


class Invites(Step):
    name = "invites"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        neighbourhood_id = _neighbourhood(ctx)
        found = await invites.open_invites(ctx.session, ctx.now, neighbourhood_id=neighbourhood_id)
        shown, navigation = _page(ctx, found)
        creators = await roles.first_names(ctx.session, [item.created_by_id for item in shown])
        lines = ["✉️ <b>" + t._("Open invite links") + "</b>"]
        rows: list[tuple[Button, ...]] = []
        for item in shown:
            lines.append(
                "• "
                + t._(
                    "#{id} ({role}), made by {name}, valid until {when}",
                    id=item.id,
                    role=_role(ctx, item.role),
                    name=creators.get(item.created_by_id or 0, t._("the server")),
                    when=t.datetime(item.expires_at, ctx.settings.zone),
                )
            )
            rows.append(
                (ctx.button("✖️ " + t._("Withdraw #{id}", id=item.id), "withdraw", item.id),)
            )
        lines.append(
            t._("A withdrawn link no longer works.") if shown else t._("No open invite links.")
        )
        rows += [navigation] if navigation else []
        return Reply(Html("\n".join(lines)), buttons=tuple(rows))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "withdraw":
            return _turn_page(ctx, action, arg)
        item = await ctx.session.get(Invite, int(arg)) if arg.isdigit() else None
        if item is None:
            return Refresh(note=ctx.t._("That link was already used, withdrawn or expired."))
        await _require(ctx, item.neighbourhood_id)
        if await invites.revoke(ctx.session, item, ctx.now, revoked_by_id=ctx.person.id):
            return Refresh(note=ctx.t._("Invite link #{id} is withdrawn.", id=item.id))
        return Refresh(note=ctx.t._("That link was already used, withdrawn or expired."))


class RolesFlow(Flow):
    name = "roles"
    code = "g"
    menu = MenuEntry(N_("Roles and invite links"), "🔑", row=14, see=Permission.GRANT_ROLES)
    command = Command("roles", before_onboarding=NOT_ALLOWED)

    def __init__(self) -> None:
        super().__init__(Start(), Grants(), Confirm(), Invites())
