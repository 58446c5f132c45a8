"""One of the rows a query returns, as buttons (aiogram_dialog's Select, as a Step).

    Which theme …?
    [🏥 Health] [👪 Parenting] …        (`per_row` a row, `page_size` a page)
    [◀] [2/3] [▶]                        (only when the rows do not fit one page)
    [The whole neighbourhood]            (`extra`: fixed choices after the rows)

A button carries the option's value (an id or a short code), never its label,
so its data stays within Telegram's 64 bytes whatever the label; the value
pressed is looked up in the query again, so a forged or outdated one is not
accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from bot.chat.replies import Reply
from bot.flows.steps import Context, Outcome, Refresh
from bot.flows.widgets.base import Field, Option, pager, rows
from bot.i18n import Html


class ChoiceStep(Field):
    question: ClassVar[str]  # an N_() msgid
    per_row: ClassVar[int] = 1
    page_size: ClassVar[int] = 10

    async def options(self, ctx: Context) -> Sequence[Option]:
        raise NotImplementedError

    def extra(self, ctx: Context) -> Sequence[Option]:
        """Choices that are always there, one a row, after the query's (e.g. "all")."""
        return ()

    async def choose(self, ctx: Context, value: str) -> Outcome:
        raise NotImplementedError

    def prompt(self, ctx: Context) -> Html:
        return ctx.t._(self.question)

    async def show(self, ctx: Context) -> Reply:
        options = await self.options(ctx)
        pages = max(1, -(-len(options) // self.page_size))
        page = min(ctx.data.get(self._page, 0), pages - 1)
        shown = options[page * self.page_size : (page + 1) * self.page_size]
        picks = rows([ctx.button(o.label, "pick", o.value) for o in shown], self.per_row)
        paging = (pager(ctx, page, pages),) if pages > 1 else ()
        fixed = rows([ctx.button(o.label, "pick", o.value) for o in self.extra(ctx)])
        return Reply(self.prompt(ctx), buttons=(*picks, *paging, *fixed))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "page" and arg.isdigit():
            ctx.remember(**{self._page: int(arg)})
            return Refresh()
        if action != "pick":
            return None
        offered = [*self.extra(ctx), *await self.options(ctx)]
        return await self.choose(ctx, arg) if arg in {o.value for o in offered} else None

    @property
    def _page(self) -> str:
        return f"{self.name}_page"
