"""🎯 Goals, for coordinators: the neighbourhood's goals, a new one, and counting one by hand.

list (page ◀ ▶) ──> goal ──> count (by hand only) ─> note ─> goal again
     └─> new: theme ─> title ─> measure ─> target ─> period ─> list

Every change is checked and audited in the core (`bot.domain.goals`): a coordinator
of another neighbourhood, or a forged button, changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from bot.chat.replies import Reply
from bot.domain import goals
from bot.domain.goals import NOTE_LIMIT, TARGET_LIMIT, TITLE_LIMIT, Progress, TooManyGoals
from bot.domain.models import Goal, GoalMeasure
from bot.domain.roles import Permission
from bot.flows import menu
from bot.flows.entries import NOT_ALLOWED, Command, MenuEntry
from bot.flows.my_buurt import goal_lines, goals_page
from bot.flows.steps import Back, Context, Finish, Flow, Next, Outcome, Refresh, Retry, Step
from bot.flows.text_input import parse_number
from bot.flows.texts import theme_options
from bot.flows.widgets import ChoiceStep, Option, TextStep
from bot.i18n import N_, Html, Translator, escape

MEASURE_NAMES = {
    GoalMeasure.PARTICIPANTS: N_("Residents who join activities"),
    GoalMeasure.INITIATIVES: N_("Approved initiatives"),
    GoalMeasure.RESULT_NUMBERS: N_("The numbers of results, added up"),
    GoalMeasure.COMMITMENTS_KEPT: N_("Commitments of partners kept"),
    GoalMeasure.BY_HAND: N_("Counted by hand"),
}
ALL = "all"
_DAY = r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})"
_PERIOD = re.compile(rf"^\s*{_DAY}\s*(?:-|–|—|\s)\s*{_DAY}\s*$")


def manages(ctx: Context) -> list[int]:
    return ctx.neighbourhoods_for(Permission.MANAGE_GOALS)


async def in_hand(ctx: Context) -> Progress | None:
    """The goal being looked at; another neighbourhood's is refused (NotAllowed)."""
    item = await goals.one(ctx.session, ctx.data.get("goal", 0))
    if item is not None:
        await goals.require_manage(ctx.session, ctx.person.id, item.goal)
    return item


def parse_period(t: Translator, text: str) -> tuple[tuple[date, date] | None, Html | None]:
    """A year (2027: all of it) or two dates (1-9-2026 31-8-2027), the second not earlier."""
    hint = t._("Please type a year, such as 2027, or two dates, such as 1-9-2026 31-8-2027.")
    value = text.strip()
    if value.isdigit() and len(value) == 4:
        year = int(value)
        return ((date(year, 1, 1), date(year, 12, 31)), None) if year >= 2000 else (None, hint)
    match = _PERIOD.match(value)
    if match is None:
        return None, hint
    numbers = [int(part) for part in match.groups()]
    try:
        start, end = date(*numbers[2::-1]), date(*numbers[5:2:-1])
    except ValueError:
        return None, hint
    if end < start:
        return None, t._("The second date is before the first. Please type them again.")
    return (start, end), None


class GoalList(Step):
    name = "list"

    async def auto(self, ctx: Context) -> Outcome | None:
        if not manages(ctx):
            message = ctx.t._("Sorry, only coordinators of this neighbourhood can do that.")
            return Finish([Reply(message)])
        return None

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        head = ["🎯 <b>" + t._("Goals") + "</b>"]
        text, buttons = await goals_page(ctx, manages(ctx)[0], head, "open")
        buttons.append((ctx.button("➕ " + t._("New goal"), "new"),))
        buttons.append((ctx.button(t._("Done"), "done"),))
        return Reply(text, buttons=tuple(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "done":
            return Finish([menu.main(ctx)])
        if action == "new":
            return Next("theme")
        if action == "page" and arg.isdigit():
            ctx.remember(page=int(arg))
            return Refresh()
        if action == "open" and arg.isdigit():
            ctx.remember(goal=int(arg))
            return Next("goal") if await in_hand(ctx) else None
        return None


class GoalDetail(Step):
    name = "goal"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        item = await in_hand(ctx)
        assert item is not None
        (described,) = await goal_lines(ctx, [item], item.goal.neighbourhood_id)
        lines = [described, t._("Counts: {measure}", measure=t._(MEASURE_NAMES[item.goal.measure]))]
        if item.goal.note:
            lines.append(t._("Latest count: {note}", note=item.goal.note))
        buttons = ()
        if item.goal.measure is GoalMeasure.BY_HAND:
            buttons = ((ctx.button("✏️ " + t._("Update the count"), "count"),),)
        return Reply(Html("\n".join(lines)), buttons=buttons)

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        item = await in_hand(ctx)
        if item is None:
            return Back()
        if action == "count" and item.goal.measure is GoalMeasure.BY_HAND:
            return Next("count")
        return None


class Count(Step):
    name = "count"

    async def show(self, ctx: Context) -> Reply:
        return Reply(ctx.t._("What is the count now? Type a number."))

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        number, problem = parse_number(ctx.t, text, 0, TARGET_LIMIT)
        if problem:
            return Retry(problem)
        ctx.remember(count=number)
        return Next("count_note")

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please type a number, for example 4.")


class CountNote(TextStep):
    name = "count_note"
    question = N_("What does the count stand for, or what changed? At most {limit} characters.")
    limit = NOTE_LIMIT

    async def accept(self, ctx: Context, text: str) -> Outcome:
        item = await in_hand(ctx)
        if item is None:
            return Back(to="list")
        await goals.count_by_hand(
            ctx.session, ctx.person.id, item.goal, ctx.data["count"], text, ctx.now
        )
        return Back(to="goal", note=ctx.t._("Saved."))


class NewTheme(ChoiceStep):
    name = "theme"
    question = N_("For which theme is the goal?")
    per_row = 2

    async def options(self, ctx: Context) -> Sequence[Option]:
        return await theme_options(ctx, manages(ctx)[0])

    async def choose(self, ctx: Context, value: str) -> Outcome:
        ctx.remember(theme=int(value))
        return Next("title")


class NewTitle(TextStep):
    name = "title"
    question = N_(
        "What is the goal? For example: Residents take part in health activities. "
        "At most {limit} characters."
    )
    limit = TITLE_LIMIT

    async def accept(self, ctx: Context, text: str) -> Outcome:
        ctx.remember(title=text)
        return Next("measure")


class NewMeasure(ChoiceStep):
    name = "measure"
    question = N_("What should Wijkbot count?")

    async def options(self, ctx: Context) -> Sequence[Option]:
        return [Option(measure.value, ctx.t._(label)) for measure, label in MEASURE_NAMES.items()]

    async def choose(self, ctx: Context, value: str) -> Outcome:
        ctx.remember(measure=value)
        return Next("target")


class NewTarget(Step):
    name = "target"

    def _all_possible(self, ctx: Context) -> bool:
        return ctx.data.get("measure") == GoalMeasure.COMMITMENTS_KEPT.value

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        buttons = ()
        if self._all_possible(ctx):
            buttons = ((ctx.button(t._("All of them"), "target", ALL),),)
        return Reply(t._("What is the target? Type a number."), buttons=buttons)

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        number, problem = parse_number(ctx.t, text, 1, TARGET_LIMIT)
        if problem:
            return Retry(problem)
        ctx.remember(target=number)
        return Next("period")

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "target" and arg == ALL and self._all_possible(ctx):
            ctx.remember(target=None)
            return Next("period")
        return None

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please type a number, for example 4.")


class NewPeriod(Step):
    name = "period"

    def _years(self, ctx: Context) -> list[int]:
        this_year = ctx.now.astimezone(ctx.settings.zone).year
        return [this_year, this_year + 1]

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        question = t._(
            "In which period? Choose a year, or type two dates, such as 1-9-2026 31-8-2027."
        )
        years = tuple(ctx.button(str(year), "year", year) for year in self._years(ctx))
        return Reply(question, buttons=(years,))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "year" and arg.isdigit() and int(arg) in self._years(ctx):
            year = int(arg)
            return await self._create(ctx, date(year, 1, 1), date(year, 12, 31))
        return None

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        period, problem = parse_period(ctx.t, text)
        if period is None:
            return Retry(problem or self.hint(ctx))
        return await self._create(ctx, *period)

    def hint(self, ctx: Context) -> Html:
        return ctx.t._(
            "Please type a year, such as 2027, or two dates, such as 1-9-2026 31-8-2027."
        )

    async def _create(self, ctx: Context, starts_on: date, ends_on: date) -> Outcome:
        t = ctx.t
        try:
            goal: Goal = await goals.create(
                ctx.session,
                ctx.person.id,
                neighbourhood_id=manages(ctx)[0],
                theme_id=ctx.data["theme"],
                title=ctx.data["title"],
                locale=ctx.person.locale,
                measure=GoalMeasure(ctx.data["measure"]),
                target=ctx.data.get("target"),
                starts_on=starts_on,
                ends_on=ends_on,
                now=ctx.now,
            )
        except TooManyGoals:
            note = t.n_(
                "A neighbourhood has at most {n} goal.",
                "A neighbourhood has at most {n} goals.",
                goals.MOST_GOALS,
            )
            return Back(to="list", note=note)
        saved = t._("Saved: {what}", what=escape(goal.titles[ctx.person.locale]))
        return Back(to="list", note=saved)


class GoalsFlow(Flow):
    name = "goals"
    code = "d"
    menu = MenuEntry(N_("Goals"), "🎯", row=12, column=2, see=Permission.MANAGE_GOALS)
    command = Command("goals", before_onboarding=NOT_ALLOWED)

    def __init__(self) -> None:
        super().__init__(
            GoalList(),
            GoalDetail(),
            Count(),
            CountNote(),
            NewTheme(),
            NewTitle(),
            NewMeasure(),
            NewTarget(),
            NewPeriod(),
        )
