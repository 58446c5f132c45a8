"""Discovering what happens in the neighbourhood: open initiatives and upcoming activities.

list (page ◀ ▶, newest / most supported, theme) ──> detail (support, join, calendar)
agenda: upcoming activities (join, leave, calendar)
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat.replies import Button, Reply
from bot.delivery import outbox
from bot.delivery.audiences import tell_followers
from bot.domain import actions, commitments, initiatives, neighbourhoods
from bot.domain.errors import NotAllowed
from bot.domain.initiatives import Sort
from bot.domain.models import Initiative, InitiativeStatus, Person
from bot.domain.roles import Permission
from bot.flows import joining
from bot.flows.entries import MenuEntry
from bot.flows.steps import Back, Context, Flow, Next, Outcome, Refresh, Step
from bot.flows.texts import describe, short, theme_options
from bot.flows.widgets import ChoiceStep, Option, pager
from bot.i18n import N_, Html, escape


def may_see_name(ctx: Context, lead: Person, item: Initiative) -> bool:
    """A lead's name is for the coordinators of the neighbourhood, and for everyone only when
    the lead agreed to show it (as the privacy statement says)."""
    return (
        lead.show_full_name
        or lead.id == ctx.person.id
        or item.neighbourhood_id in ctx.neighbourhoods_for(Permission.REVIEW_PROPOSALS)
    )


class InitiativeList(Step):
    name = "list"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        assert ctx.person.neighbourhood_id is not None
        sort = Sort(ctx.data.get("sort", Sort.NEWEST.value))
        theme_id = ctx.data.get("theme")
        page = await initiatives.browse(
            ctx.session,
            ctx.person.neighbourhood_id,
            theme_id=theme_id,
            sort=sort,
            page=ctx.data.get("page", 0),
        )
        ctx.remember(page=page.page)
        in_neighbourhood = await neighbourhoods.themes_of(ctx.session, ctx.person.neighbourhood_id)
        themes = {theme.id: theme for theme in in_neighbourhood}
        heading = "🔎 <b>" + t._("Initiatives") + "</b>"
        if theme_id in themes:
            heading += " · " + escape(themes[theme_id].name_in(ctx.person.locale))
        lines = [heading]
        buttons: list[tuple[Button, ...]] = []
        for number, item in enumerate(page.items, start=1 + page.page * initiatives.PAGE_SIZE):
            theme = themes.get(item.theme_id or 0)
            supporters = t.n_("{n} supporter", "{n} supporters", item.supporter_count)
            lines.append(
                f"{number}. {theme.emoji if theme else ''} {escape(item.title)} · {supporters}"
            )
            buttons.append((ctx.button(f"{number}. {short(item.title)}", "open", item.id),))
        if not page.items:
            lines.append(t._("No open initiatives here yet. Why not propose one yourself?"))
        navigation = pager(ctx, page.page, page.pages)
        other_sort = Sort.SUPPORTED if sort is Sort.NEWEST else Sort.NEWEST
        sort_label = (
            t._("Most supported first") if other_sort is Sort.SUPPORTED else t._("Newest first")
        )
        buttons += [navigation] if navigation else []
        buttons.append(
            (
                ctx.button("↕️ " + sort_label, "sort", other_sort.value),
                ctx.button("🏷️ " + t._("Theme"), "themes"),
            )
        )
        return Reply(Html("\n".join(lines)), buttons=tuple(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "page" and arg.isdigit():
            ctx.remember(page=int(arg))
            return Refresh()
        if action == "sort" and arg in {sort.value for sort in Sort}:
            ctx.remember(sort=arg, page=0)
            return Refresh()
        if action == "themes":
            return Next("themes")
        if action == "open" and arg.isdigit():
            item = await ctx.session.get(Initiative, int(arg))
            if (
                item is None
                or item.status is not InitiativeStatus.APPROVED
                or item.neighbourhood_id != ctx.person.neighbourhood_id
            ):
                return Refresh(note=ctx.t._("This initiative is no longer open."))
            ctx.remember(initiative=item.id)
            return Next("detail")
        return None


class ThemeFilter(ChoiceStep):
    name = "themes"
    question = N_("Which theme would you like to see?")
    ALL = "all"

    async def options(self, ctx: Context) -> Sequence[Option]:
        return [Option(self.ALL, ctx.t._("All themes")), *await theme_options(ctx)]

    async def choose(self, ctx: Context, value: str) -> Outcome:
        ctx.remember(theme=None if value == self.ALL else int(value), page=0)
        return Back()


class InitiativeDetail(Step):
    name = "detail"

    async def _item(self, ctx: Context) -> Initiative | None:
        item = await ctx.session.get(Initiative, ctx.data.get("initiative", 0))
        return item if item is not None and item.status is InitiativeStatus.APPROVED else None

    async def auto(self, ctx: Context) -> Outcome | None:
        if await self._item(ctx) is None:
            return Back()
        return None

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        item = await self._item(ctx)
        assert item is not None
        owner = await ctx.session.get(Person, item.owner_id) if item.owner_id else None
        supporting = await initiatives.is_supporter(ctx.session, item.id, ctx.person.id)
        upcoming = await actions.of_initiative(ctx.session, item.id, ctx.now)
        signups = await joining.signups_of(ctx, upcoming)
        lines = [await describe(ctx, item)]
        if owner is not None and may_see_name(ctx, owner, item):
            lines.append(t._("Led by {name}", name=owner.first_name))
        lines.append(t.n_("{n} supporter", "{n} supporters", item.supporter_count))
        seen = await joining.attendance_for(ctx, upcoming, lead=item.owner_id == ctx.person.id)
        if upcoming:
            lines.append("\n<b>" + t._("Coming activities") + "</b>")
            lines += [
                await joining.describe_action(
                    ctx, action, signups.get(action.id), seen.get(action.id)
                )
                for action in upcoming
            ]
        support = (
            ctx.button("↩️ " + t._("Undo my support"), "unsupport")
            if supporting
            else ctx.button("👍 " + t._("Support"), "support")
        )
        offers = []
        if item.help_wanted.get("partner") and item.neighbourhood_id in ctx.neighbourhoods_for(
            Permission.UPDATE_COMMITMENTS
        ):
            offers = [(ctx.button("🤝 " + t._("Offer help from our organisation"), "offer"),)]
        buttons = [(support,), *offers] + [
            joining.action_buttons(ctx, action, signups.get(action.id))
            + joining.check_in_buttons(ctx, action, seen)
            for action in upcoming
        ]
        return Reply(Html("\n".join(lines)), buttons=tuple(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        t = ctx.t
        item = await self._item(ctx)
        if item is None:
            return Back()
        if action == "support":
            milestone = await initiatives.support(ctx.session, item, ctx.person, ctx.now)
            if milestone:
                await tell_followers(
                    ctx.session,
                    item.id,
                    "celebration_milestone",
                    f"initiative:{item.id}",
                    str(milestone),
                    ctx.now,
                )
            return Refresh(note=t._("Thank you for your support! You will hear how it goes."))
        if action == "unsupport":
            await initiatives.unsupport(ctx.session, item, ctx.person)
            return Refresh(note=t._("Your support is undone."))
        if action == "offer":
            organisation_id = await commitments.partner_organisation(
                ctx.session, ctx.person.id, item.neighbourhood_id
            )
            if organisation_id is None or item.owner_id is None:
                raise NotAllowed(Permission.UPDATE_COMMITMENTS.value, item.neighbourhood_id)
            offer = outbox.Message(
                item.owner_id, "help_offered", f"initiative:{item.id}", str(organisation_id)
            )
            await outbox.enqueue(ctx.session, [offer], now=ctx.now)
            return Refresh(note=t._("Thank you! The lead of this initiative will hear your offer."))
        return await joining.press(ctx, action, arg)


class Agenda(Step):
    name = "agenda"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        assert ctx.person.neighbourhood_id is not None
        upcoming = await actions.upcoming(ctx.session, ctx.person.neighbourhood_id, ctx.now)
        signups = await joining.signups_of(ctx, upcoming)
        seen = await joining.attendance_for(ctx, upcoming, lead=False)
        lines = ["📅 <b>" + t._("Coming activities") + "</b>"]
        lines += [
            await joining.describe_action(ctx, action, signups.get(action.id), seen.get(action.id))
            for action in upcoming
        ]
        if not upcoming:
            lines.append(t._("No activities planned yet."))
        buttons = tuple(
            joining.action_buttons(ctx, action, signups.get(action.id))
            + joining.check_in_buttons(ctx, action, seen)
            for action in upcoming
        )
        return Reply(Html("\n".join(lines)), buttons=(*await joining.under_way(ctx), *buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        return await joining.press(ctx, action, arg)


class BrowseFlow(Flow):
    name = "browse"
    code = "b"
    menu = MenuEntry(N_("Initiatives"), "🔎", row=30)

    def __init__(self) -> None:
        super().__init__(InitiativeList(), ThemeFilter(), InitiativeDetail())


class AgendaFlow(Flow):
    name = "agenda"
    code = "a"
    menu = MenuEntry(N_("Activities"), "📅", row=30, column=1)

    def __init__(self) -> None:
        super().__init__(Agenda())
