"""Several of a few options: each button ticks or unticks one (✅ / ▫️), a last button is done
(aiogram_dialog's Multiselect, as a Step).

    ▫️ Volunteers      tap ──> ✅ Volunteers   (the same message, refreshed)
    ▫️ Materials
    [Continue]         ──> at least `at_least` ticked? ──> done(); else the hint

Where the ticks are kept is the subclass's choice (`chosen`/`toggle`): a draft's
field, a broadcast's audience, links in the database; by default the flow's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from bot.chat.replies import Reply
from bot.flows.steps import Context, Outcome, Refresh, Retry
from bot.flows.widgets.base import Field, Option, rows
from bot.i18n import N_, Html

TICKED, UNTICKED = "✅ ", "▫️ "


class ToggleStep(Field):
    question: ClassVar[str]  # an N_() msgid
    done_label: ClassVar[str] = N_("Continue")
    at_least: ClassVar[int] = 0
    at_most: ClassVar[int | None] = None

    async def options(self, ctx: Context) -> Sequence[Option]:
        raise NotImplementedError

    async def chosen(self, ctx: Context) -> set[str]:
        return set(ctx.data.get(self.name, []))

    async def toggle(self, ctx: Context, value: str, on: bool) -> None:
        chosen = await self.chosen(ctx)
        ctx.remember(**{self.name: sorted(chosen | {value} if on else chosen - {value})})

    async def done(self, ctx: Context, chosen: set[str]) -> Outcome:
        return self.after(ctx)

    def prompt(self, ctx: Context, options: Sequence[Option]) -> Html:
        return ctx.t._(self.question)

    async def show(self, ctx: Context) -> Reply:
        options, chosen = await self.options(ctx), await self.chosen(ctx)
        ticks = [
            ctx.button((TICKED if o.value in chosen else UNTICKED) + o.label, "toggle", o.value)
            for o in options
        ]
        done = ctx.button(ctx.t._(self.done_label), "done")
        return Reply(self.prompt(ctx, options), buttons=(*rows(ticks), (done,)))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "toggle" and arg in {o.value for o in await self.options(ctx)}:
            chosen = await self.chosen(ctx)
            on = arg not in chosen
            if on and self.at_most is not None and len(chosen) >= self.at_most:
                return Refresh(note=self.too_many(ctx))
            await self.toggle(ctx, arg, on)
            return Refresh()
        if action == "done":
            chosen = await self.chosen(ctx)
            if len(chosen) < self.at_least:
                return Retry(self.too_few(ctx))
            return await self.done(ctx, chosen)
        return None

    def too_few(self, ctx: Context) -> Html:
        if self.at_least == 1:
            return ctx.t._("Choose at least one.")
        return ctx.t.n_("Choose at least {n}.", "Choose at least {n}.", self.at_least)

    def too_many(self, ctx: Context) -> Html:
        assert self.at_most is not None
        return ctx.t.n_(
            "You can choose at most {n}. Untick one first.",
            "You can choose at most {n}. Untick one first.",
            self.at_most,
        )
