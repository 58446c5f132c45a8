"""Date questions: a day typed in the person's language (or picked from a few buttons), or a
moment (a day and a time of day); never in the past.

    show ──> "On which date …?  Type it like this: 1-12-2026"   [today] [tomorrow] …
    21-3-2026 ──> read ──> store ──> the next step
    "next Saturday", "9/1", "9 stycznia" ──> "Saturday 5 December 2026: is that right?"
                                               [✅ Yes] ──> store     [✏️ Change] ──> the question
    32-3-2026 ──> "I cannot read that date …" and the question again

What was typed is read by `typed_dates` in the neighbourhood's time zone: a date
in full (with its year) is taken as it is; words, or a date without its year, are
shown back in full for a yes first, so a misreading costs one tap. The example is
today's date, so it is a date the person can copy. Buttons (`quick`) are optional:
a step that offers none is answered by typing only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Generic, TypeVar

from bot.chat.replies import Reply
from bot.flows.steps import Context, Outcome, Refresh, Retry
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

    async def auto(self, ctx: Context) -> Outcome | None:
        ctx.remember(**{self._typed: None})  # a reading not confirmed is not kept for later
        return await super().auto(ctx)

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        typed = ctx.data.get(self._typed)
        if typed:
            understood = self.describe(ctx, self.decode(typed))
            return Reply(
                t._("{when}: is that right?", when=understood),
                buttons=(
                    (
                        ctx.button("✅ " + t._("Yes"), "typed", "yes"),
                        ctx.button("✏️ " + t._("Change"), "typed", "change"),
                    ),
                ),
            )
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
        value, exact, problem = self.read(ctx, text)
        if problem or value is None:
            return Retry(problem or self.hint(ctx))
        if exact:
            ctx.remember(**{self._typed: None})
            return await self.store(ctx, value)
        ctx.remember(**{self._typed: value.isoformat()})
        return Refresh()

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        typed = ctx.data.get(self._typed)
        if action != "typed" or not typed:
            return None
        ctx.remember(**{self._typed: None})
        if arg != "yes":
            return Refresh()
        value = self.decode(typed)
        problem = self.passed(ctx, value)  # confirmed after midnight, or after the time
        return Retry(problem) if problem else await self.store(ctx, value)

    def read(self, ctx: Context, text: str) -> tuple[When | None, bool, Html | None]:
        """(value, typed in full, problem)."""
        raise NotImplementedError

    def decode(self, stored: str) -> When:
        raise NotImplementedError

    def describe(self, ctx: Context, value: When) -> str:
        raise NotImplementedError

    def passed(self, ctx: Context, value: When) -> Html | None:
        raise NotImplementedError

    async def store(self, ctx: Context, value: When) -> Outcome:
        raise NotImplementedError

    @property
    def _typed(self) -> str:
        return f"{self.name}_typed"

    def hint(self, ctx: Context) -> Html:
        return ctx.t._(self.retry)


class DateStep(Question[date]):
    """A day, not before `earliest` (today unless a subclass says otherwise)."""

    def earliest(self, ctx: Context) -> date:
        return self.today(ctx)

    def read(self, ctx: Context, text: str) -> tuple[date | None, bool, Html | None]:
        reading, problem = parse_date(
            ctx.t, text, today=self.today(ctx), not_before=self.earliest(ctx)
        )
        return (reading.day, reading.exact, None) if reading else (None, False, problem)

    def decode(self, stored: str) -> date:
        return date.fromisoformat(stored)

    def describe(self, ctx: Context, value: date) -> str:
        return ctx.t.day(value)

    def passed(self, ctx: Context, value: date) -> Html | None:
        if value < self.earliest(ctx):
            return ctx.t._("That date has passed. Please choose a later date.")
        return None

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        offered = {option.value for option in self.quick(ctx)}
        if action != "day" or arg not in offered:
            return await super().on_button(ctx, action, arg)
        day = date.fromisoformat(arg)
        problem = self.passed(ctx, day)  # a button from before midnight, pressed after it
        return Retry(problem) if problem else await self.store(ctx, day)


class MomentStep(Question[datetime]):
    """A day and a time of day, typed like 21-3-2026 19:00, later than now."""

    example = False
    retry = N_("Please type a date and time like 21-3-2026 19:00.")

    def read(self, ctx: Context, text: str) -> tuple[datetime | None, bool, Html | None]:
        return parse_moment(ctx.t, text, ctx.settings.zone, after=ctx.now)

    def decode(self, stored: str) -> datetime:
        return datetime.fromisoformat(stored)

    def describe(self, ctx: Context, value: datetime) -> str:
        return ctx.t.datetime(value, ctx.settings.zone)

    def passed(self, ctx: Context, value: datetime) -> Html | None:
        if value <= ctx.now:
            return ctx.t._("That time has passed. Please choose a later time.")
        return None
