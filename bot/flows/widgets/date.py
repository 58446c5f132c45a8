"""Date questions: a day typed as day-month-year (or picked from a few buttons), or a moment
(a day and a time of day); never in the past.

    show ──> "On which date …?  Type it like this: 1-12-2026"   [today] [tomorrow] …
    21-3-2026 ──> read ──> store ──> the next step
    32-3-2026 ──> "I cannot read that date …" and the question again

The example is today's date in the neighbourhood's time zone, so it is a
date the person can copy. Buttons (`quick`) are optional: a step that offers
none is answered by typing only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Generic, TypeVar

from bot.chat.replies import Reply
from bot.flows.steps import Context, Outcome, Retry
from bot.flows.text_input import parse_date, parse_moment
from bot.flows.widgets.base import Field, Option, rows
from bot.i18n import N_, Html

When = TypeVar("When", date, datetime)


class Question(Field, Generic[When]):
    """The part every date question shares: show, read what was typed, store it."""

    question: ClassVar[str]  # an N_() msgid
    example: ClassVar[bool] = True  # add "Type it like this: <today>" under the question
    retry: ClassVar[str] = N_("Please type a date, for example 21-3-2026.")

    def today(self, ctx: Context) -> date:
        return ctx.now.astimezone(ctx.settings.zone).date()

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        text = t._(self.question)
        if self.example:
            example = f"{self.today(ctx):%-d-%-m-%Y}"
            text = Html(text + "\n" + t._("Type it like this: {example}", example=example))
        quick = [ctx.button(option.label, "day", option.value) for option in self.quick(ctx)]
        return Reply(text, buttons=rows(quick, 3))

    def quick(self, ctx: Context) -> list[Option]:
        """Days offered as buttons (value: an ISO date); none by default."""
        return []

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        value, problem = self.read(ctx, text)
        if problem or value is None:
            return Retry(problem or self.hint(ctx))
        return await self.store(ctx, value)

    def read(self, ctx: Context, text: str) -> tuple[When | None, Html | None]:
        raise NotImplementedError

    async def store(self, ctx: Context, value: When) -> Outcome:
        raise NotImplementedError

    def hint(self, ctx: Context) -> Html:
        return ctx.t._(self.retry)


class DateStep(Question[date]):
    """A day, not before `earliest` (today unless a subclass says otherwise)."""

    def earliest(self, ctx: Context) -> date:
        return self.today(ctx)

    def read(self, ctx: Context, text: str) -> tuple[date | None, Html | None]:
        return parse_date(ctx.t, text, not_before=self.earliest(ctx))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        offered = {option.value for option in self.quick(ctx)}
        if action != "day" or arg not in offered:
            return None
        day = date.fromisoformat(arg)
        if day < self.earliest(ctx):  # a button from before midnight, pressed after it
            return Retry(ctx.t._("That date has passed. Please choose a later date."))
        return await self.store(ctx, day)


class MomentStep(Question[datetime]):
    """A day and a time of day, typed like 21-3-2026 19:00, later than now."""

    example = False
    retry = N_("Please type a date and time like 21-3-2026 19:00.")

    def read(self, ctx: Context, text: str) -> tuple[datetime | None, Html | None]:
        return parse_moment(ctx.t, text, ctx.settings.zone, after=ctx.now)
