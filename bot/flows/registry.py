"""Every conversation and action a person can reach, in one list, checked once at start-up.

    FLOWS + ACTIONS ──> Registry ──> the main menu's rows        (menu.main)
                                 ──> /help and the messenger's command menu (per language)
                                 ──> the router: menu button or command -> flow or action
    PUSHED ──────────────────────────> the router: a pushed message's button -> its answer

Adding a conversation is one module with its `Flow` (steps, code, menu entry, command)
and one line in `FLOWS` below. Like aiogram's StatesGroup, where a mistyped state fails
at import, a registry that does not hold together fails when it is built (`build_app`):
two flows with one code, two steps with one name, two commands or menu places alike, and
a step whose target names no step of its flow raise `FlowError`.

A step's targets are what its `targets()` names (its `then`; a widget adds e.g. the
summary it returns to) and the step names written literally in its class (and its base
classes) as `Next("summary")` or `Back(to="queue")`, read from the source with `ast`; a
target computed at run time (`Next(arg)` after `arg in FIELDS`) is not seen here and is
covered by the test that walks every flow (tests/unit/test_registry.py).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Iterable
from functools import cache

from bot.chat.menu import PREFIX as MENU_PREFIX
from bot.chat.menu import menu_button
from bot.chat.replies import Button
from bot.flows.broadcast import BroadcastFlow
from bot.flows.browse import AgendaFlow, BrowseFlow
from bot.flows.chat_link import ChatLinkFlow
from bot.flows.commands import CANCEL, HELP, MY_DATA, START
from bot.flows.commitments import CommitmentsFlow
from bot.flows.entries import Command, MenuEntry
from bot.flows.goals import GoalsFlow
from bot.flows.invite import InviteFlow
from bot.flows.menu import PRIVACY
from bot.flows.mine import MineFlow
from bot.flows.my_buurt import HomeFlow
from bot.flows.notifications import NotificationsFlow
from bot.flows.offers import OFFERS
from bot.flows.onboarding import OnboardingFlow
from bot.flows.privacy import ForgetFlow
from bot.flows.profile import LanguageFlow
from bot.flows.propose import ProposeFlow
from bot.flows.public import PublicFlow
from bot.flows.report_back import REPORTS
from bot.flows.results import ResultFlow
from bot.flows.review import ReviewFlow
from bot.flows.review_requests import REVIEW_REQUESTS
from bot.flows.roles import RolesFlow
from bot.flows.statistics import STATISTICS
from bot.flows.steps import Action, Context, Flow, FlowError, PushedButton, Step
from bot.flows.still_coming import STILL_COMING

# The one place where a flow is registered.
FLOWS: tuple[type[Flow], ...] = (
    OnboardingFlow,
    LanguageFlow,
    HomeFlow,
    NotificationsFlow,
    PublicFlow,
    ProposeFlow,
    BrowseFlow,
    AgendaFlow,
    MineFlow,
    ForgetFlow,
    ReviewFlow,
    BroadcastFlow,
    ResultFlow,
    CommitmentsFlow,
    GoalsFlow,
    InviteFlow,
    RolesFlow,
    ChatLinkFlow,
)
# Reachable things that answer at once instead of starting a conversation.
ACTIONS: tuple[Action, ...] = (START, HELP, CANCEL, MY_DATA, PRIVACY, STATISTICS)
# Answers to the buttons of pushed messages, by topic (see bot.chat.answers).
PUSHED: tuple[PushedButton, ...] = (STILL_COMING, OFFERS, REPORTS, REVIEW_REQUESTS)

Reachable = Flow | Action
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")  # what Telegram accepts in setMyCommands


class Registry:
    """The flows and actions of one running Wijkbot, with what is derived from them."""

    def __init__(
        self,
        flows: Iterable[Flow],
        actions: Iterable[Action] = (),
        pushed: Iterable[PushedButton] = (),
    ) -> None:
        self.flows: dict[str, Flow] = {}
        self._pushed: dict[str, PushedButton] = {}
        for answer in pushed:
            if answer.topic in self._pushed or not answer.topic or ":" in answer.topic:
                raise FlowError(f"pushed buttons: topic {answer.topic!r} is taken or unusable")
            self._pushed[answer.topic] = answer
        self._owners: dict[str, Reachable] = {}
        codes: dict[str, str] = {}
        for flow in flows:
            self._add(flow)
            self.flows[flow.name] = flow
            if ":" in flow.code or not flow.code or f"{flow.code}:" == MENU_PREFIX:
                raise FlowError(f"flow {flow.name!r}: code {flow.code!r} cannot mark its buttons")
            if flow.code in codes:
                raise FlowError(
                    f"flows {codes[flow.code]!r} and {flow.name!r} share the code {flow.code!r}"
                )
            codes[flow.code] = flow.name
            check_targets(flow)
        for action in actions:
            self._add(action)
        self._menu = _menu_of(self._owners.values())
        self._commands, self.listed = _commands_of(self._owners.values())

    def _add(self, owner: Reachable) -> None:
        if owner.name in self._owners:
            raise FlowError(f"two flows or actions are named {owner.name!r}")
        self._owners[owner.name] = owner

    def menu_rows(self, ctx: Context) -> tuple[tuple[Button, ...], ...]:
        """The main menu's buttons this person may see, row by row."""
        rows: dict[int, list[Button]] = {}
        for entry, owner in self._menu:
            if entry.see is not None and not ctx.neighbourhoods_for(entry.see):
                continue
            if entry.unless is not None and ctx.neighbourhoods_for(entry.unless):
                continue
            label = f"{entry.emoji} {ctx.t._(entry.label)}"
            rows.setdefault(entry.row, []).append(menu_button(label, owner.name))
        return tuple(tuple(row) for row in rows.values())

    def on_menu(self, key: str) -> Reachable | None:
        """What the main-menu button `key` opens; None for a key no entry has."""
        owner = self._owners.get(key)
        return owner if owner is not None and _entries(owner) else None

    def on_command(self, name: str) -> tuple[Command, Reachable] | None:
        return self._commands.get(name)

    def on_pushed(self, topic: str) -> PushedButton | None:
        """What answers a pushed message's button of `topic`; None for an unknown topic."""
        return self._pushed.get(topic)


def build() -> Registry:
    """The registry of `FLOWS`, `ACTIONS` and `PUSHED`, each flow built afresh; raises
    `FlowError`."""
    return Registry([flow() for flow in FLOWS], ACTIONS, PUSHED)


def _entries(owner: Reachable) -> tuple[MenuEntry, ...]:
    return owner.menu if isinstance(owner.menu, tuple) else (owner.menu,)


def _menu_of(owners: Iterable[Reachable]) -> list[tuple[MenuEntry, Reachable]]:
    menu = sorted(
        ((entry, owner) for owner in owners for entry in _entries(owner)),
        key=lambda pair: (pair[0].row, pair[0].column),
    )
    places: dict[tuple[int, int], str] = {}
    labels: dict[str, str] = {}
    for entry, owner in menu:
        place = (entry.row, entry.column)
        if place in places:
            raise FlowError(f"{places[place]!r} and {owner.name!r} share menu place {place}")
        if entry.label in labels:
            raise FlowError(f"{labels[entry.label]!r} and {owner.name!r} share {entry.label!r}")
        places[place], labels[entry.label] = owner.name, owner.name
    return menu


def _commands_of(
    owners: Iterable[Reachable],
) -> tuple[dict[str, tuple[Command, Reachable]], tuple[Command, ...]]:
    commands: dict[str, tuple[Command, Reachable]] = {}
    listed: dict[int, Command] = {}
    for owner in owners:
        command = owner.command
        if command is None:
            continue
        for name in (command.name, *command.aliases):
            if not _COMMAND_NAME.fullmatch(name):
                raise FlowError(f"{owner.name!r}: /{name} is not a valid command name")
            if name in commands:
                raise FlowError(f"{commands[name][1].name!r} and {owner.name!r} share /{name}")
            commands[name] = (command, owner)
        if command.description is not None:
            if command.position in listed:
                other = listed[command.position].name
                raise FlowError(f"/{other} and /{command.name} share position {command.position}")
            listed[command.position] = command
    return commands, tuple(listed[position] for position in sorted(listed))


def check_targets(flow: Flow) -> None:
    """Raise `FlowError` when a step of `flow` names a target that is not one of its steps."""
    for step in flow.steps.values():
        for target in sorted(targets_of(step)):
            if target not in flow.steps:
                raise FlowError(
                    f"flow {flow.name!r}, step {step.name!r}: "
                    f"target {target!r} is not a step (steps: {', '.join(flow.steps)})"
                )


def targets_of(step: Step) -> set[str]:
    """The step names `step` may go to that can be known before it runs."""
    found = step.targets()
    for cls in type(step).__mro__:
        if issubclass(cls, Step) and cls is not Step:
            found |= _written_targets(cls)
    return found


@cache
def _written_targets(cls: type[Step]) -> frozenset[str]:
    """Literal step names in `Next(...)` and `Back(to=...)` in the class's own source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    found: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        arguments = [keyword.value for keyword in node.keywords]
        if node.func.id == "Next":
            found |= {name for argument in [*node.args, *arguments] for name in _literals(argument)}
        elif node.func.id == "Back":
            to = [keyword.value for keyword in node.keywords if keyword.arg == "to"]
            found |= {name for argument in to for name in _literals(argument)}
    return frozenset(found)


def _literals(node: ast.expr) -> set[str]:
    """The strings an argument can be: "a", x or "a", "a" if c else "b"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.BoolOp):
        return {name for value in node.values for name in _literals(value)}
    if isinstance(node, ast.IfExp):
        return _literals(node.body) | _literals(node.orelse)
    return set()
