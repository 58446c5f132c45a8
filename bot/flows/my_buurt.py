"""🏠 My buurt: where the person lives, and how the neighbourhood's goals are coming along.

    home (buurt, goals with a bar, a page at a time) ──> goal ──> an initiative that counts
      └─> change my buurt: neighbourhood ─> buurt (the steps of bot.flows.profile)

The goals are read from the domain (`bot.domain.goals.progress`) and written
by `bot.reports.goals`, the same lines the coordinators and the weekly wins show.
"""

from __future__ import annotations

from bot.chat.limits import bounded
from bot.chat.replies import Button, Reply
from bot.domain import goals, neighbourhoods
from bot.domain.goals import Progress
from bot.domain.models import Initiative, Theme
from bot.flows import menu
from bot.flows.browse import InitiativeDetail
from bot.flows.entries import MenuEntry
from bot.flows.profile import ChooseArea, ChooseNeighbourhood, home_description
from bot.flows.steps import Context, Flow, Next, Outcome, Refresh, Step
from bot.flows.texts import short
from bot.flows.widgets import pager
from bot.i18n import N_, Html
from bot.reports import goals as goal_texts

PAGE_SIZE = 5  # goals a page: each is two lines and a button


async def themes_by_id(ctx: Context, neighbourhood_id: int) -> dict[int, Theme]:
    return {t.id: t for t in await neighbourhoods.themes_of(ctx.session, neighbourhood_id)}


async def goal_lines(ctx: Context, found: list[Progress], neighbourhood_id: int) -> list[str]:
    """Each goal as its two lines, in the reader's language."""
    place = await neighbourhoods.neighbourhood(ctx.session, neighbourhood_id)
    default = place.default_locale if place else ctx.settings.default_locale
    themes = await themes_by_id(ctx, neighbourhood_id)
    return [
        goal_texts.lines(ctx.t, item, themes.get(item.goal.theme_id), default) for item in found
    ]


def goal_button(ctx: Context, item: Progress, action: str) -> Button:
    name = goal_texts.title(item.goal, ctx.person.locale, ctx.settings.default_locale, 40)
    return ctx.button(f"🎯 {short(name)}", action, item.goal.id)


async def goals_page(
    ctx: Context, neighbourhood_id: int, head: list[str], action: str
) -> tuple[Html, list[tuple[Button, ...]]]:
    """A page of the neighbourhood's goals under `head`, as many as fit: their lines, a
    button each that sends `action`, and the pager (the page is kept in the flow's data)."""
    found = await goals.progress(ctx.session, neighbourhood_id)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(ctx.data.get("page", 0), pages - 1)
    ctx.remember(page=page)
    on_page = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if not found:
        head = [*head, ctx.t._("No goals set yet.")]
    listed = [f"\n{line}" for line in await goal_lines(ctx, on_page, neighbourhood_id)]
    text, shown = bounded(ctx.t, head, listed)
    buttons = [(goal_button(ctx, item, action),) for item in on_page[:shown]]
    if pages > 1:
        buttons.append(pager(ctx, page, pages))
    return Html("\n".join(text)), buttons


class Home(Step):
    name = "home"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        assert ctx.person.neighbourhood_id is not None
        head = [
            "🏠 " + t._("Your buurt: {home}", home=await home_description(ctx)),
            "",
            "🎯 <b>" + t._("Our goals") + "</b>",
        ]
        text, buttons = await goals_page(ctx, ctx.person.neighbourhood_id, head, "goal")
        buttons.append((ctx.button("📍 " + t._("Change my buurt"), "move"),))
        return Reply(text, buttons=tuple(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "page" and arg.isdigit():
            ctx.remember(page=int(arg))
            return Refresh()
        if action == "move":
            return Next("neighbourhood")
        if action == "goal" and arg.isdigit():
            item = await goals.one(ctx.session, int(arg))
            if item is None or item.goal.neighbourhood_id != ctx.person.neighbourhood_id:
                return None  # another neighbourhood's goal: a stale button
            ctx.remember(goal=item.goal.id)
            return Next("goal")
        return None


class GoalShown(Step):
    """One goal with the approved initiatives that count towards it; each opens."""

    name = "goal"

    async def _item(self, ctx: Context) -> Progress | None:
        item = await goals.one(ctx.session, ctx.data.get("goal", 0))
        if item is None or item.goal.neighbourhood_id != ctx.person.neighbourhood_id:
            return None
        return item

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        item = await self._item(ctx)
        neighbourhood_id = ctx.person.neighbourhood_id
        assert neighbourhood_id is not None
        if item is None:
            return Reply(t._("This goal is no longer there."))
        (described,) = await goal_lines(ctx, [item], neighbourhood_id)
        text = [described]
        if item.goal.note:
            text.append(t._("Latest count: {note}", note=item.goal.note))
        titles = await _titles(ctx, item.contributing)
        if titles:
            text += ["", "<b>" + t._("Initiatives that count towards it") + "</b>"]
        buttons = tuple(
            (ctx.button(f"🔎 {short(title)}", "open", initiative_id),)
            for initiative_id, title in titles.items()
        )
        return Reply(Html("\n".join(text)), buttons=buttons)

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        item = await self._item(ctx)
        if action == "open" and item is not None and arg.isdigit():
            if int(arg) not in item.contributing:
                return Refresh(note=ctx.t._("This initiative is no longer open."))
            ctx.remember(initiative=int(arg))
            return Next("detail")
        return None


async def _titles(ctx: Context, ids: tuple[int, ...]) -> dict[int, str]:
    """Titles of the initiatives, in the order given."""
    found = {}
    for initiative_id in ids:
        item = await ctx.session.get(Initiative, initiative_id)
        if item is not None:
            found[initiative_id] = item.title
    return found


class HomeFlow(Flow):
    """The person's buurt and the neighbourhood's goals; moving house or correcting the buurt."""

    name = "home"
    code = "h"
    menu = MenuEntry(N_("My buurt"), "🏠", row=60)

    def __init__(self) -> None:
        super().__init__(
            Home(),
            GoalShown(),
            InitiativeDetail(),
            ChooseNeighbourhood("area", keep_given=False),
            ChooseArea(),
        )

    async def complete(self, ctx: Context) -> list[Reply]:
        home = await home_description(ctx)
        return [menu.main(ctx, ctx.t._("Saved. Your buurt is now {home}.", home=home))]
