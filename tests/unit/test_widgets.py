"""The widget kit, each widget through the engine as a person meets it: a valid answer, the
wrong kind of input, too much, Back, and a button from an older message.

A small flow of its own uses every widget:

    pick (ChoiceStep, 25 rows, paged) ─> ticks (ToggleStep, 1 to 2) ─> name (TextStep, at most 10)
        ─> day (DateStep) ─> last (a summary from which the name is changed)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.chat.events import Event
from bot.chat.limits import CALLBACK_DATA_LIMIT
from bot.chat.replies import Reply
from bot.clock import ManualClock
from bot.domain.models import ConversationState, Identity, Person
from bot.flows.steps import Context, Flow, Next, Outcome, Step
from bot.flows.widgets import (
    EDITING,
    ChoiceStep,
    DateStep,
    Option,
    TextStep,
    ToggleStep,
    rows,
)
from bot.i18n import N_, translator
from tests.chat import Chat, onboard

ROWS = [
    Option(str(1000 + n), f"Row {n:02d} " + "with a label far too long for data " * 3)
    for n in range(25)
]


class Pick(ChoiceStep):
    name = "pick"
    question = N_("Which theme would you like to see?")
    per_row, page_size = 2, 6

    async def options(self, ctx: Context) -> Sequence[Option]:
        return ROWS

    def extra(self, ctx: Context) -> Sequence[Option]:
        return [Option("all", ctx.t._("All themes"))]

    async def choose(self, ctx: Context, value: str) -> Outcome:
        ctx.remember(picked=value)
        return self.after(ctx)


class Ticks(ToggleStep):
    name = "ticks"
    question = N_("Tap to choose, then Continue.")
    at_least, at_most = 1, 2

    async def options(self, ctx: Context) -> Sequence[Option]:
        return [
            Option(code, label) for code, label in (("a", "Apples"), ("b", "Pears"), ("c", "Plums"))
        ]


class Day(DateStep):
    name = "day"
    question = N_("On which date does it start?")

    def quick(self, ctx: Context) -> list[Option]:
        tomorrow = self.today(ctx) + timedelta(days=1)
        return [Option(tomorrow.isoformat(), "tomorrow")]

    async def store(self, ctx: Context, value: date) -> Outcome:
        ctx.remember(day=value.isoformat())
        return self.after(ctx)


class Name(TextStep):
    name = "name"
    question = N_("What is the name of your initiative?")
    limit_note = N_("Keep it short: at most {limit} characters.")
    limit = 10
    summary = "last"

    async def accept(self, ctx: Context, text: str) -> Outcome:
        ctx.remember(name=text)
        return self.after(ctx)


class Last(Step):
    name = "last"

    async def show(self, ctx: Context) -> Reply:
        ctx.remember(**{EDITING: False})
        shown = f"{ctx.data.get('picked')} {ctx.data.get('ticks')} {ctx.data.get('day')}"
        return Reply(f"{shown} {ctx.data.get('name')}", buttons=((ctx.button("edit", "edit"),),))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        ctx.remember(**{EDITING: True})
        return Next("name")


class WidgetFlow(Flow):
    name = "widgets"
    code = "z"

    def __init__(self) -> None:
        super().__init__(Pick("ticks"), Ticks("name"), Name("day"), Day("last"), Last())


@pytest.fixture
async def chat(app: App) -> Chat:
    """An onboarded English speaker, in the widget flow at its first step."""
    app.conversation.flows[WidgetFlow.name] = WidgetFlow()
    chat = Chat(app, 70, language_code="en")
    await onboard(chat)
    await enter(chat, "pick")
    return chat


async def enter(chat: Chat, step: str, **data: object) -> None:
    """Put the person at `step` of the widget flow; their next message meets that step."""
    async with chat.app.sessions.begin() as session:
        state = await session.scalar(
            select(ConversationState)
            .join(Person, Person.id == ConversationState.person_id)
            .join(Identity, Identity.person_id == Person.id)
            .where(Identity.external_id == chat.contact.external_id)
        )
        assert state is not None
        state.flow, state.step, state.data = WidgetFlow.name, step, {"_trail": [], **data}
    await chat.send_other()  # a sticker: the step answers with its hint and the question


def payloads(chat: Chat) -> Iterator[str]:
    return (b.payload for r in chat.answers[-1].replies for row in r.buttons for b in row)


async def test_a_choice_pages_long_queries_within_64_bytes_and_accepts_only_its_rows(
    chat: Chat,
) -> None:
    assert "I cannot use that kind of message here." in chat.text
    assert "Which theme would you like to see?" in chat.text
    assert chat.labels[:2] == [ROWS[0].label, ROWS[1].label] and "1/5" in chat.labels
    assert len(chat.last.buttons[0]) == 2  # two a row
    assert all(len(p.encode()) <= CALLBACK_DATA_LIMIT for p in payloads(chat))
    await chat.press("▶")
    assert ROWS[6].label in chat.labels and ROWS[0].label not in chat.labels
    assert "2/5" in chat.labels and "All themes" in chat.labels
    await chat.send("Row 07")  # typed instead of tapped
    assert "Please choose one of the buttons below." in chat.text
    await chat.press("▶", answers_back=2)  # a button from before the last answer
    assert "This button is no longer active." in chat.answers[-1].notice
    forged = chat.button(ROWS[7].label).payload.rsplit(":", 1)[0] + ":9999"
    await chat.event(Event.button(forged))  # a row the query does not return
    assert "Please choose one of the buttons below." in chat.text
    await chat.press(ROWS[7].label)
    assert "Tap to choose, then Continue." in chat.text
    await chat.press("« Back")
    assert "Which theme would you like to see?" in chat.text


async def test_toggles_tick_and_untick_at_least_one_at_most_two(chat: Chat) -> None:
    await chat.press("All themes")
    assert chat.labels == ["▫️ Apples", "▫️ Pears", "▫️ Plums", "Continue", "« Back"]
    await chat.press("Continue")
    assert "Choose at least one." in chat.text
    await chat.press("Apples")
    await chat.press("Plums")
    assert chat.labels[:3] == ["✅ Apples", "▫️ Pears", "✅ Plums"]
    await chat.press("Pears")
    assert "You can choose at most 2. Untick one first." in chat.text
    assert "▫️ Pears" in chat.labels
    for untick_then_tick in ("Apples", "Pears"):
        await chat.press(untick_then_tick)
    assert chat.labels[:3] == ["▫️ Apples", "✅ Pears", "✅ Plums"]
    await chat.send("Pears")
    assert "Please choose one of the buttons below." in chat.text
    await chat.press("Apples", answers_back=3)
    assert "This button is no longer active." in chat.answers[-1].notice
    assert chat.labels[:3] == ["▫️ Apples", "✅ Pears", "✅ Plums"]  # the stale tap changed nothing
    await chat.press("Continue")
    assert "What is the name of your initiative?" in chat.text
    await chat.press("« Back")
    assert chat.labels[:3] == ["▫️ Apples", "✅ Pears", "✅ Plums"]


async def test_a_date_is_typed_or_tapped_and_never_in_the_past(chat: Chat) -> None:
    today = chat.app.clock.now().astimezone(chat.app.settings.zone).date()
    await enter(chat, "day")
    assert f"Type it like this: {today.day}-{today.month}-{today.year}" in chat.text
    for unreadable in ("tomorrow-ish", "21-3-2026 " * 400):  # words; far too long
        await chat.send(unreadable)
        assert "I cannot read that date. Please type it like 21-3-2026." in chat.text
    yesterday = today - timedelta(days=1)
    await chat.send(f"{yesterday.day}-{yesterday.month}-{yesterday.year}")
    assert "That date has passed. Please choose a later date." in chat.text
    await chat.send_other()
    assert "Please type a date, for example 21-3-2026." in chat.text
    await chat.send(f"{today.day}/{today.month}/{today.year}")
    assert today.isoformat() in chat.text  # the summary
    await chat.press("« Back")
    await chat.press("tomorrow")
    assert (today + timedelta(days=1)).isoformat() in chat.text
    await chat.press("tomorrow", answers_back=2)
    assert "This button is no longer active." in chat.answers[-1].notice


async def in_widgets(app: App, user_id: int, language: str, locale: str) -> Chat:
    """Someone onboarded in `language`, at the date question of the widget flow."""
    app.conversation.flows[WidgetFlow.name] = WidgetFlow()
    chat = Chat(app, user_id, language_code=locale)
    await onboard(chat, language)
    await enter(chat, "day")
    return chat


async def test_a_date_typed_in_polish_words_is_confirmed_in_polish(app: App) -> None:
    polish = await in_widgets(app, 71, "Polski", "pl")  # the clock: Monday 2 March 2026
    await polish.send("w przyszłą sobotę")
    assert polish.text == "sobota, 7 marca 2026: czy to się zgadza?"
    assert polish.labels == ["✅ Tak", "✏️ Zmień"]
    await polish.press("Zmień")
    assert translator("pl")._("On which date does it start?") in polish.text
    await polish.send("9 stycznia")  # no year: the next 9 January
    assert polish.text == "sobota, 9 stycznia 2027: czy to się zgadza?"
    await polish.send("21.3.2026")  # typed again instead of answering: a full date is taken
    assert "2026-03-21" in polish.text
    await enter(polish, "day")
    await polish.send("jutro")
    await polish.press("Tak")
    assert "2026-03-03" in polish.text


async def test_a_date_typed_in_arabic_is_read_in_the_neighbourhoods_time_zone(
    app: App, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 3, 2, 23, 30, tzinfo=UTC))  # already Tuesday in Amsterdam
    arabic = await in_widgets(app, 72, "العربية", "ar")
    await arabic.send("بعد الغد")  # the day after tomorrow
    assert arabic.text == "الخميس، 5 مارس 2026: هل هذا صحيح؟"
    await arabic.send("٩/١")
    assert arabic.text == "السبت، 9 يناير 2027: هل هذا صحيح؟"
    await arabic.send("أمس")  # yesterday
    assert translator("ar")._("That date has passed. Please choose a later date.") in arabic.text
    await arabic.send("اليوم")  # today, confirmed only after midnight
    clock.advance(timedelta(days=1))
    await arabic.press("نعم")
    assert translator("ar")._("That date has passed. Please choose a later date.") in arabic.text
    await arabic.send("غدا")
    await arabic.press("نعم")
    assert "2026-03-05" in arabic.text


async def test_text_within_its_limit_and_back_to_the_summary_when_edited(chat: Chat) -> None:
    await enter(chat, "name")
    assert "What is the name of your initiative?\nKeep it short: at most 10 characters." in (
        chat.text
    )
    await chat.send("A name far too long")
    assert "That is 19 characters" in chat.text and "at most 10 fit" in chat.text
    await chat.send("\u200b ")
    assert "That was empty." in chat.text
    await chat.send_other()
    assert "Please type it as a text message." in chat.text
    await chat.send("Tuin")
    assert "On which date does it start?" in chat.text  # on to the next question
    await chat.press("« Back")
    assert "What is the name of your initiative?" in chat.text
    await enter(chat, "last")
    await chat.press("edit")
    await chat.send("Moestuin")
    assert chat.text.endswith(" Moestuin") and "edit" in chat.labels  # back at the summary


def test_rows_lay_out_buttons_in_order() -> None:
    assert rows(list("abcde"), 2) == (("a", "b"), ("c", "d"), ("e",))  # type: ignore[arg-type]
    assert rows([], 3) == ()
