"""Who and where a person is: their language, neighbourhood and buurt.

These steps serve onboarding and the flows that change a choice later.
"""

from __future__ import annotations

from typing import ClassVar

from bot.chat.replies import Button, Reply
from bot.config import SUPPORTED_LOCALES
from bot.domain import neighbourhoods
from bot.domain.models import Area, Neighbourhood
from bot.flows import menu
from bot.flows.entries import Command, MenuEntry
from bot.flows.steps import Context, Finish, Flow, Next, Outcome, Step
from bot.flows.text_input import folded
from bot.i18n import LANGUAGE_NAMES, N_, Html, escape, translator


def _rows(buttons: list[Button], width: int = 2) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


def _matching(text: str, options: dict[str, str]) -> str | None:
    """The key whose name is `text` (compared `folded`), or None when no name or more than one
    name matches: a typed answer that could mean two choices is asked again."""
    wanted = folded(text)
    found = {key for key, name in options.items() if wanted and folded(name) == wanted}
    return found.pop() if len(found) == 1 else None


class ChooseLanguage(Step):
    name = "language"

    def __init__(self, then: str | None = None, *, welcome: bool = False) -> None:
        super().__init__(then)
        self.welcome = welcome

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        question = t._("Which language do you want to use?")
        if self.welcome:
            intro = t._("Welcome to Wijkbot! I help neighbours and organisations work together.")
            question = Html(f"👋 {intro}\n\n{question}")
        buttons = [ctx.button(LANGUAGE_NAMES[code], "lang", code) for code in SUPPORTED_LOCALES]
        return Reply(question, buttons=_rows(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        return self._choose(ctx, arg) if action == "lang" else None

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        names = {**{code: code for code in SUPPORTED_LOCALES}, **LANGUAGE_NAMES}
        code = _matching(text, names) or _matching(text, {c: c for c in SUPPORTED_LOCALES})
        return self._choose(ctx, code) if code else None

    def _choose(self, ctx: Context, code: str) -> Outcome | None:
        if code not in SUPPORTED_LOCALES:
            return None
        ctx.person.locale = code
        ctx.use_locale(translator(code))
        return self.proceed()

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please choose a language with the buttons below.")


class ChooseNeighbourhood(Step):
    name = "neighbourhood"

    def __init__(self, then: str | None = None, *, keep_given: bool = True) -> None:
        super().__init__(then)
        self.keep_given = keep_given  # onboarding after an invite keeps its neighbourhood

    async def auto(self, ctx: Context) -> Outcome | None:
        if self.keep_given and ctx.person.neighbourhood_id is not None:
            return self.proceed()
        options = await neighbourhoods.all_neighbourhoods(ctx.session)
        if not options:
            message = ctx.t._("Wijkbot is not set up for any neighbourhood yet. Please try later.")
            return Finish([Reply(message)])
        if len(options) == 1:
            return self._choose(ctx, options[0])
        return None

    async def show(self, ctx: Context) -> Reply:
        options = await neighbourhoods.all_neighbourhoods(ctx.session)
        buttons = [ctx.button(option.name, "nb", option.id) for option in options]
        return Reply(ctx.t._("Which neighbourhood do you live or work in?"), buttons=_rows(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "nb" or not arg.isdigit():
            return None
        chosen = await neighbourhoods.neighbourhood(ctx.session, int(arg))
        return self._choose(ctx, chosen) if chosen else None

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        options = {n.slug: n for n in await neighbourhoods.all_neighbourhoods(ctx.session)}
        slug = _matching(text, {slug: n.name for slug, n in options.items()})
        return self._choose(ctx, options[slug]) if slug else None

    def _choose(self, ctx: Context, chosen: Neighbourhood) -> Outcome:
        if ctx.person.neighbourhood_id != chosen.id:
            ctx.person.neighbourhood_id, ctx.person.area_id = chosen.id, None
        return self.proceed()


class ChooseArea(Step):
    name = "area"
    NONE: ClassVar[str] = "none"

    async def auto(self, ctx: Context) -> Outcome | None:
        if ctx.person.neighbourhood_id is None:
            return Next("neighbourhood")
        if not await self._options(ctx):
            return self.proceed()
        return None

    async def _options(self, ctx: Context) -> list[Area]:
        assert ctx.person.neighbourhood_id is not None
        return await neighbourhoods.areas_of(ctx.session, ctx.person.neighbourhood_id)

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        buttons = [ctx.button(area.name, "area", area.id) for area in await self._options(ctx)]
        buttons.append(ctx.button(t._("Another buurt"), "area", self.NONE))
        return Reply(t._("Which buurt do you live in?"), buttons=_rows(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "area":
            return None
        if arg == self.NONE:
            ctx.person.area_id = None
            return self.proceed()
        chosen = int(arg) if arg.isdigit() else None
        area = await neighbourhoods.area(ctx.session, ctx.person.neighbourhood_id, chosen)
        return self._choose(ctx, area) if area else None

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        areas = {str(area.id): area for area in await self._options(ctx)}
        key = _matching(text, {key: area.name for key, area in areas.items()})
        return self._choose(ctx, areas[key]) if key else None

    def _choose(self, ctx: Context, area: Area) -> Outcome:
        ctx.person.area_id = area.id
        return self.proceed()

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please choose your buurt with the buttons below.")


async def home_description(ctx: Context) -> Html:
    """ "Vechtzoom-Noord, Overvecht" or just the neighbourhood when no buurt was chosen."""
    neighbourhood = await neighbourhoods.neighbourhood(ctx.session, ctx.person.neighbourhood_id)
    area = await neighbourhoods.area(ctx.session, ctx.person.neighbourhood_id, ctx.person.area_id)
    name = neighbourhood.name if neighbourhood else ""
    if area is None:
        return escape(name)
    return ctx.t._("{area}, {neighbourhood}", area=area.name, neighbourhood=name)


class LanguageFlow(Flow):
    """/language: choose again; whatever the person was doing continues after it."""

    name = "language"
    code = "l"
    menu = MenuEntry(N_("Language"), "🌐", row=50, column=1)
    command = Command("language", N_("Change your language"), position=30)
    interrupts = True

    def __init__(self) -> None:
        super().__init__(ChooseLanguage())

    async def complete(self, ctx: Context) -> list[Reply]:
        message = ctx.t._(
            "Done: I will now write to you in {language}.",
            language=LANGUAGE_NAMES[ctx.person.locale],
        )
        if ctx.data.get("_resume") or not ctx.person.onboarded:
            return [Reply(message)]
        return [menu.main(ctx, message)]
