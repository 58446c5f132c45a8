"""The registry of flows: every flow walks, a registry that does not fit together fails when it is
built, and a new flow is reachable by menu and command from one registry entry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build_app
from bot.chat.events import Event, Kind
from bot.chat.menu import PREFIX as MENU_PREFIX
from bot.chat.replies import Answer, Reply
from bot.config import SUPPORTED_LOCALES
from bot.domain.models import ConversationState, Identity, InitiativeStatus, Person
from bot.flows import menu, registry
from bot.flows.entries import Command, MenuEntry
from bot.flows.steps import Action, Back, Context, Finish, Flow, FlowError, Next, Outcome, Step
from bot.flows.widgets import TextStep
from bot.handlers.telegram import command_menus
from bot.i18n import N_, Html, Translator, escape, translator
from tests.chat import Chat, onboard, person_with
from tests.conftest import load_example, make_settings
from tests.factories import action, initiative, join, person_of, resident
from tests.telegram_limits import assert_fits
from tests.whatsapp_limits import assert_fits_whatsapp

# -- the small flow of the README's "Adding a conversation" ---------------------------------------


class Topic(Step):
    name = "topic"

    async def show(self, ctx: Context) -> Reply:
        green = ctx.button("🌳 " + ctx.t._("Green"), "topic", "green")
        safety = ctx.button("🦺 " + ctx.t._("Safety"), "topic", "safety")
        return Reply(ctx.t._("What is your tip about?"), buttons=((green,), (safety,)))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "topic" or arg not in ("green", "safety"):
            return None  # the engine answers with the hint
        ctx.remember(topic=arg)
        return Next("tip")


class Tip(TextStep):  # empty and too long answers are refused for it
    name = "tip"
    question = N_("Type your tip in at most {limit} characters.")
    limit = 300

    async def accept(self, ctx: Context, text: str) -> Outcome:
        ctx.remember(tip=text)
        return self.proceed()  # to its `then`


class Share(Step):
    name = "share"

    async def show(self, ctx: Context) -> Reply:
        share = ctx.button("✅ " + ctx.t._("Share"), "share")
        return Reply(Html(escape(ctx.data["tip"])), buttons=((share,),))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "share":
            return None
        return Finish([menu.main(ctx, ctx.t._("Thank you for your tip!"))])


class TipsFlow(Flow):
    name = "tips"
    code = "t"
    menu = MenuEntry(N_("Tips"), "💬", row=45)  # a row of its own, after 👤 My Wijkbot
    command = Command("tips", N_("Share a tip"), position=80)  # listed after /forget

    def __init__(self) -> None:
        super().__init__(Topic(), Tip(then="share"), Share())


# -- every flow in the registry, walked ------------------------------------------------------

# Who walks each flow (everyone else: an administrator, who may do everything).
WALKER = {"onboarding": "newcomer"}
# Steps the walk does not show, and why.
NOT_SHOWN = {
    # One neighbourhood: onboarding and moving house pass this question without asking it.
    "onboarding": {"neighbourhood"},
    # The walk opens one goal of the example (the last button first), one without an
    # initiative and counted by Wijkbot: the initiatives of a goal and counting by hand are
    # walked in tests/unit/test_goals_chat.py.
    "home": {"neighbourhood", "detail"},
    "goals": {"count", "count_note"},
    # The example links no group or channel: unlinking one is walked in
    # tests/unit/test_chat_links.py.
    "group": {"unlink"},
}
TEXTS = ("Plant trees", "3", "21-3-2026", "21-3-2026 19:00")


async def test_every_step_target_names_a_step_of_its_flow() -> None:
    for flow in registry.build().flows.values():
        for step in flow.steps.values():
            assert registry.targets_of(step) <= set(flow.steps), (flow.name, step.name)


@pytest.mark.parametrize("name", sorted(registry.build().flows))
async def test_every_flow_shows_each_of_its_steps(app: App, name: str) -> None:
    """Enter the flow as a person who may use it, then press every button and send a few
    texts from every step shown, going back to where each started, in every language:
    every step is shown, every reply fits Telegram's rules and, rendered for WhatsApp,
    WhatsApp's, and no event fails."""
    flow = app.conversation.flows[name]
    chat = await _walker(app, name)
    for n, locale in enumerate(SUPPORTED_LOCALES):
        speaker = await _speaking(app, chat, locale, n)
        entered = await _enter(speaker, flow)
        seen = await _walk(app, speaker, flow, entered, translator(locale))
        assert seen == set(flow.steps) - NOT_SHOWN.get(name, set()), locale


async def _walker(app: App, name: str) -> Chat:
    owner = await resident(app, 700, first_name="Bram")
    await initiative(app, owner, "Repair café", status=InitiativeStatus.SUBMITTED)
    soon = await action(app, app.clock.now() + timedelta(days=3))
    await join(app, soon.id, owner.id)
    role = WALKER.get(name, "admin")
    if role == "newcomer":
        return Chat(app, 701, language_code="en")
    chat = await person_with(app, role, 702)
    person = await person_of(app, 702)
    assert person is not None
    garden = await initiative(app, person, "Vegetable garden")
    await initiative(app, person, "Street library", status=InitiativeStatus.DRAFT)
    await join(app, (await action(app, soon.starts_at, initiative_id=garden.id)).id, person.id)
    partner = await person_with(app, "partner", 703)
    await partner.send("/commitments")
    coordinator = await person_with(app, "coordinator", 704)  # a commitment to keep
    await coordinator.press("Commitments")
    await coordinator.press("New commitment")
    await coordinator.press("Mitros")
    await coordinator.send("Fix the lights")
    await coordinator.send("5-3-2026")
    return chat


async def _speaking(app: App, chat: Chat, locale: str, n: int) -> Chat:
    """The walker, now speaking `locale`: a newcomer is a new person with that app language
    (one per language, as onboarding keeps who started it)."""
    person = await person_of(app, chat.contact.chat_id)
    if person is None:
        return Chat(app, chat.contact.chat_id * 100 + n, language_code=locale)
    async with app.sessions.begin() as session:
        await session.execute(update(Person).where(Person.id == person.id).values(locale=locale))
    return chat


async def _enter(chat: Chat, flow: Flow) -> Answer:
    """Open `flow` as a person would: its menu button, else its command, else /start."""
    if flow.menu:
        await chat.send("/menu")
        return await chat.event(Event.button(MENU_PREFIX + flow.name))
    if flow.command is not None:
        return await chat.send(f"/{flow.command.name}")
    return await chat.send("/start")


async def _walk(app: App, chat: Chat, flow: Flow, entered: Answer, t: Translator) -> set[str]:
    """Breadth first from where the person entered: each way on is tried by replaying the
    events that lead to it in one transaction that is then rolled back, so what one try
    changes (a proposal approved, a person forgotten) never spoils the next."""
    async with app.sessions() as session:
        start = await _where(session, chat)
    assert start is not None and start[0] == flow.name, start
    _fits(entered, t)
    seen, todo = {start[1]}, [([], entered)]
    while todo:
        path, answer = todo.pop(0)
        for event in _events(flow, answer):
            there, reached = await _try(app, chat, [*path, event], t)
            if there is not None and there[0] == flow.name and there[1] not in seen:
                seen.add(there[1])
                todo.append(([*path, event], reached))
    return seen


async def _try(
    app: App, chat: Chat, path: list[Event], t: Translator
) -> tuple[tuple[str, str] | None, Answer]:
    async with app.sessions() as session:
        for event in path[:-1]:  # checked when it was the last of a shorter path
            await app.conversation.handle(session, chat.contact, event)
        answer = await app.conversation.handle(session, chat.contact, path[-1])
        _fits(answer, t)
        there = await _where(session, chat)
        await session.rollback()
    return there, answer


def _fits(answer: Answer, t: Translator) -> None:
    for reply in answer.replies:
        assert_fits(reply)
        assert_fits_whatsapp(reply, t)


async def _where(session: AsyncSession, chat: Chat) -> tuple[str, str] | None:
    """The person's flow and step; None when they have none (or were forgotten)."""
    state = await session.scalar(
        select(ConversationState)
        .join(Identity, Identity.person_id == ConversationState.person_id)
        .where(Identity.external_id == chat.contact.external_id)
    )
    if state is None or state.flow is None or state.step is None:
        return None
    return state.flow, state.step


def _events(flow: Flow, answer: Answer) -> list[Event]:
    """Texts and a photo first, then the buttons from the last (the decisive one is often first)."""
    buttons = [
        Event.button(button.payload)
        for reply in answer.replies
        for row in reply.buttons
        for button in row
        if button.payload.startswith(f"{flow.code}:")
    ]
    photo = Event(Kind.PHOTO, photo="AgAD-photo", text="")
    return [*(Event.from_text(text) for text in TEXTS), photo, *reversed(buttons)]


# -- a registry that does not fit together fails when it is built -------------------------------


class One(Step):
    name = "one"

    async def show(self, ctx: Context) -> Reply:
        return Reply(ctx.t._("One"))

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        return Next("two") if text else Back(to="one")


class Two(Step):
    name = "two"


class Typo(Step):
    name = "typo"

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        return Next("summray") if action == "on" else None


class Edits(TextStep):
    """A question of a form that returns to its summary when changed from there."""

    name = "edits"
    question = "Edit"
    limit = 10
    summary = "summary"


class Small(Flow):
    name = "small"
    code = "s"
    menu = MenuEntry("Small", "🔹", row=90)
    command = Command("small", "A small flow", position=90)

    def __init__(self, *steps: Step) -> None:
        super().__init__(*(steps or (One(), Two())))


B = {"name": "b", "code": "b"}


def small(**declared: Any) -> Flow:
    """A `Small` flow with other declarations, as its own class."""
    return type("Other", (Small,), declared)()


def test_a_small_registry_holds_together() -> None:
    built = registry.Registry([Small()])
    assert built.on_command("small") == (Small.command, built.flows["small"])
    assert built.on_menu("small") is built.flows["small"]
    assert built.on_menu("nothing") is None and built.on_command("nothing") is None
    assert [command.name for command in built.listed] == ["small"]


@pytest.mark.parametrize(
    ("flows", "problem"),
    [
        (lambda: [Small(), small(name="other", menu=(), command=None)], "share the code 's'"),
        (lambda: [Small(), small(code="t")], "named 'small'"),
        (lambda: [small(code="m")], "cannot mark its buttons"),
        (lambda: [small(code="x:y")], "cannot mark its buttons"),
        (lambda: [Small(One(), Two(), Typo())], "target 'summray' is not a step"),
        (lambda: [Small(One())], "step 'one': target 'two' is not a step"),
        (lambda: [Small(One(), Two(then="three"))], "target 'three' is not a step"),
        (lambda: [Small(One(), Two(), Edits())], "target 'summary' is not a step"),
        (lambda: [Small(), small(**B, menu=())], "share /small"),
        (
            lambda: [
                Small(),
                small(**B, menu=(), command=Command("b", aliases=("small",))),
            ],
            "share /small",
        ),
        (lambda: [small(command=Command("Small"))], "not a valid command name"),
        (lambda: [Small(), small(**B, command=None)], "share menu place (90, 0)"),
        (
            lambda: [
                Small(),
                small(**B, command=None, menu=MenuEntry("Small", "", 91)),
            ],
            "share 'Small'",
        ),
        (
            lambda: [Small(), small(**B, menu=(), command=Command("b", "B", 90))],
            "/small and /b share position 90",
        ),
    ],
)
def test_a_registry_that_does_not_fit_together_fails_when_built(flows: Any, problem: str) -> None:
    with pytest.raises(FlowError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        registry.Registry(flows())


def test_two_steps_with_one_name_fail_when_the_flow_is_built() -> None:
    with pytest.raises(FlowError, match="two steps named 'one'"):
        Small(One(), Two(), One())


def test_an_action_and_a_flow_of_one_name_or_command_fail() -> None:
    async def nothing(conversation: Any, ctx: Context) -> Answer:
        return Answer([])

    with pytest.raises(FlowError, match="named 'small'"):
        registry.Registry([Small()], [Action("small", nothing)])
    with pytest.raises(FlowError, match="share /small"):
        registry.Registry([Small()], [Action("tool", nothing, command=Command("small"))])


def test_the_app_does_not_start_with_a_broken_registry(
    monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.setattr(
        registry, "FLOWS", (*registry.FLOWS, type("Copy", (TipsFlow,), {"code": "p"}))
    )
    with pytest.raises(FlowError, match="share the code 'p'"):
        build_app(make_settings(database_url))


# -- a new flow is one registry entry -------------------------------------------------------------


@pytest.fixture
async def tips_app(monkeypatch: pytest.MonkeyPatch, database_url: str, clock: Any) -> Any:
    monkeypatch.setattr(registry, "FLOWS", (*registry.FLOWS, TipsFlow))  # the one entry
    application = build_app(make_settings(database_url), clock)
    await load_example(application, "overvecht.yaml")
    yield application
    await application.close()


async def test_a_new_flow_is_reached_by_its_menu_button_and_its_command(tips_app: App) -> None:
    chat = Chat(tips_app, 1, language_code="en")
    await onboard(chat)
    labels = chat.labels
    assert labels[labels.index("👤 My Wijkbot") + 1] == "💬 Tips"
    assert [len(row) for row in chat.last.buttons] == [1, 2, 1, 1, 3, 3]  # a row of its own

    await chat.press("💬 Tips")
    assert "What is your tip about?" in chat.text
    await chat.press("Green")
    assert "Type your tip" in chat.text
    await chat.send("Swap <seeds> at the library")
    assert "Swap &lt;seeds&gt; at the library" in chat.text
    await chat.press("Share")
    assert "Thank you for your tip!" in chat.text and "What would you like to do?" in chat.text

    await chat.send("/tips")
    assert "What is your tip about?" in chat.text
    await chat.send("/help")  # inside the flow: how to answer here
    assert "Please choose one of the buttons below." in chat.text
    await chat.send("/cancel")
    await chat.send("/help")
    assert "/tips - Share a tip" in chat.text
    for language, commands in command_menus(tips_app.conversation.registry, "nl"):
        assert [name for name, _ in commands][-2:] == ["forget", "tips"], language


async def test_without_its_entry_the_flow_is_unknown(app: App) -> None:
    chat = Chat(app, 1, language_code="en")
    await onboard(chat)
    await chat.send("/tips")
    assert "I do not know the command /tips." in chat.text
    answer = await chat.event(Event.button(MENU_PREFIX + "tips"))
    assert answer.notice == "This button is no longer active."
    assert "💬 Tips" not in chat.labels
    async with app.sessions() as session:
        assert await _where(session, chat) is None  # in no flow
