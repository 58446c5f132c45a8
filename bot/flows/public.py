"""What the public results page may show of a person: their first name, the photos of
their results. Both are off until they switch them on here (bot/site shows nothing else
of them); /public, or 🌍 in the menu.

    choose ──(tap an option: on ⇄ off, the same message)──> Done ──> main menu
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.flows import menu
from bot.flows.entries import Command, MenuEntry
from bot.flows.steps import Context, Finish, Flow, Outcome
from bot.flows.widgets import Option, ToggleStep
from bot.i18n import N_, Html

NAME, PHOTOS = "name", "photos"


class PublicChoice(ToggleStep):
    """The ticks are the person's own settings, saved as they tap."""

    name = "choose"
    question = N_(
        "The results page of your neighbourhood is public: anyone can see it. It shows "
        "initiatives and results without names. What may it show of you?"
    )
    done_label = N_("Done")

    async def options(self, ctx: Context) -> Sequence[Option]:
        t = ctx.t
        return (
            Option(NAME, t._("My first name with my initiatives")),
            Option(PHOTOS, t._("Photos of the results of my initiatives")),
        )

    async def chosen(self, ctx: Context) -> set[str]:
        person = ctx.person
        return {
            value
            for value, on in ((NAME, person.public_name), (PHOTOS, person.public_photos))
            if on
        }

    async def toggle(self, ctx: Context, value: str, on: bool) -> None:
        if value == NAME:
            ctx.person.public_name = on
        else:
            ctx.person.public_photos = on

    async def done(self, ctx: Context, chosen: set[str]) -> Outcome:
        return Finish([menu.main(ctx, ctx.t._("Saved."))])

    def prompt(self, ctx: Context, options: Sequence[Option]) -> Html:
        how = ctx.t._("Tap to switch it on or off.")
        return Html(f"🌍 {ctx.t._(self.question)}\n{how}")


class PublicFlow(Flow):
    name = "public"
    code = "u"
    menu = MenuEntry(N_("Public page"), "🌍", row=50, column=2)
    command = Command("public", N_("Your name and photos on the public page"), position=65)

    def __init__(self) -> None:
        super().__init__(PublicChoice())
