"""A question answered with a line of text, within a limit (aiogram_dialog's TextInput, as a Step).

Empty and overlong answers are refused with a hint before `accept` sees them;
what is accepted is stored exactly as typed and escaped when shown.
"""

from __future__ import annotations

from typing import ClassVar

from bot.chat.replies import Reply
from bot.flows.steps import Context, Outcome, Retry
from bot.flows.text_input import clean_text
from bot.flows.widgets.base import Field
from bot.i18n import N_, Html


class TextStep(Field):
    """Subclasses give the question (an N_() msgid that may use {limit}) and say what to do
    with the answer in `accept`; `after(ctx)` is the usual next step (or back to the summary).

    `limit_note` adds a second line about the limit, `icon` goes in front of the question,
    `retry` is said when something other than text arrives.
    """

    question: ClassVar[str]
    limit: ClassVar[int]
    limit_note: ClassVar[str | None] = None
    icon: ClassVar[str] = ""
    retry: ClassVar[str] = N_("Please type it as a text message.")

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        text = self.icon + t._(self.question, limit=self.limit)
        if self.limit_note:
            text += "\n" + t._(self.limit_note, limit=self.limit)
        return Reply(Html(text))

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        value, problem = clean_text(ctx.t, text, await self.limit_for(ctx))
        if problem:
            return Retry(problem)
        return await self.accept(ctx, value)

    async def limit_for(self, ctx: Context) -> int:
        """How long this answer may be: `limit`, unless it depends on what is in hand (a
        caption under a photo has less room than a message)."""
        return self.limit

    async def accept(self, ctx: Context, text: str) -> Outcome:
        raise NotImplementedError

    def hint(self, ctx: Context) -> Html:
        return ctx.t._(self.retry)
