"""The building blocks of a conversation: steps, flows and what a step decides.

A flow is a list of named steps. A step shows a question (`show`) and reads
the answer (`on_button`, `on_text`, ...), returning an outcome: go to the
next step, ask again with a hint, or finish. The engine does the rest: it
stores where the person is, offers "back", answers the wrong kind of input,
and recognises buttons from old messages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.answers import Pressed
from bot.chat.events import Event
from bot.chat.links import StartLink
from bot.chat.replies import Answer, Button, Reply
from bot.domain.roles import PERMISSIONS, Permission
from bot.flows.entries import Command, MenuEntry
from bot.i18n import Html, Translator

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.domain.models import ConversationState, Person, RoleGrant


@dataclass(slots=True)
class WorkingState:
    """Where the person is, while an event is handled; written to the database once, at the end.

    (Changing the mapped row step by step would make every query on the way
    flush it again.)
    """

    flow: str | None
    step: str | None
    data: dict[str, Any]
    version: int

    @classmethod
    def of(cls, stored: ConversationState) -> WorkingState:
        return cls(stored.flow, stored.step, dict(stored.data or {}), stored.version)

    def save(self, stored: ConversationState, now: datetime) -> None:
        if (stored.flow, stored.step, stored.data, stored.version) != (
            self.flow,
            self.step,
            self.data,
            self.version,
        ):
            stored.flow, stored.step, stored.data = self.flow, self.step, self.data
            stored.version, stored.updated_at = self.version, now


class Directory(Protocol):
    """What a step may read of the registry (`bot.flows.registry`)."""

    @property
    def listed(self) -> tuple[Command, ...]:
        """The commands /help and the messenger's command menu list, in order."""
        ...

    def menu_rows(self, ctx: Context) -> tuple[tuple[Button, ...], ...]:
        """The main menu's buttons this person may see, row by row."""
        ...

    def on_command(self, name: str) -> tuple[Command, Flow | Action] | None:
        """What `/name` opens, with the command's declaration; None for an unknown command."""
        ...


@dataclass
class Context:
    """Everything a step may use while it handles one event."""

    session: AsyncSession
    person: Person
    state: WorkingState
    t: Translator
    now: datetime
    settings: Settings
    event: Event
    registry: Directory  # every flow, menu entry and command (for the main menu)
    flow: Flow | None = None
    forgotten: bool = False  # the person was erased while handling this event
    grants: list[RoleGrant] = field(default_factory=list)  # the person's roles, read per event
    start_links: tuple[StartLink, ...] = ()  # a channel's link, once its runtime knows it

    def neighbourhoods_for(self, permission: Permission) -> list[int]:
        """Neighbourhoods where the person holds `permission` (their own first)."""
        allowed = {
            grant.neighbourhood_id for grant in self.grants if permission in PERMISSIONS[grant.role]
        }
        return sorted(allowed, key=lambda n: (n != self.person.neighbourhood_id, n))

    @property
    def data(self) -> dict[str, Any]:
        return self.state.data

    def remember(self, **values: Any) -> None:
        # A new dict, so that SQLAlchemy sees the JSON column change.
        self.state.data = {**self.state.data, **values}

    def button(self, label: str, action: str, arg: object = "") -> Button:
        """A button for the current step; pressed later, it is recognised as stale."""
        assert self.flow is not None, "step buttons belong to a flow"
        return Button(label, f"{self.flow.code}:{self.state.version}:{action}:{arg}")

    def use_locale(self, translator: Translator) -> None:
        self.t = translator


@dataclass(frozen=True, slots=True)
class Next:
    """Go to the named step; None completes the flow."""

    step: str | None


@dataclass(frozen=True, slots=True)
class Retry:
    """Ask the same question again, starting with what was wrong."""

    hint: Html


@dataclass(frozen=True, slots=True)
class Finish:
    replies: list[Reply] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Refresh:
    """Show the same step again in place (e.g. after a toggle), maybe with a note on top
    and extra replies (e.g. a calendar file) before it."""

    note: Html | None = None
    extra: tuple[Reply, ...] = ()


@dataclass(frozen=True, slots=True)
class Back:
    """Return to the step before, as the "Back" button does, or further back to `to`,
    maybe with a note on top."""

    note: Html | None = None
    to: str | None = None


Outcome = Next | Retry | Finish | Refresh | Back


class Step:
    """One question. Subclasses override what they accept; the rest is answered for them."""

    name: ClassVar[str]

    def __init__(self, then: str | None = None) -> None:
        self.then = then  # the step after this one; None completes the flow

    def proceed(self) -> Next:
        return Next(self.then)

    def targets(self) -> set[str]:
        """The steps this one names by attribute, checked when the flows are built (the
        registry also reads `Next("...")` and `Back(to="...")` written in the class)."""
        return {self.then} if self.then is not None else set()

    async def auto(self, ctx: Context) -> Outcome | None:
        """An outcome that needs no question (e.g. only one choice); None shows the step."""
        return None

    async def show(self, ctx: Context) -> Reply:
        raise NotImplementedError

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        return None

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        return None

    async def on_photo(self, ctx: Context, file_id: str, caption: str) -> Outcome | None:
        return None

    async def on_location(self, ctx: Context, latitude: float, longitude: float) -> Outcome | None:
        return None

    def hint(self, ctx: Context) -> Html:
        """What to do here, said when the input did not fit."""
        return ctx.t._("Please choose one of the buttons below.")


class FlowError(Exception):
    """Flows that do not fit together (a duplicate code, step or command, a target that names
    no step); raised when they are built, at start-up."""


class Flow:
    """A named conversation; `code` is its short name inside button data.

    It declares how it is reached: a main-menu entry (or several, for different roles)
    and a command; see `bot.flows.entries` and `bot.flows.registry`.
    """

    name: ClassVar[str]
    code: ClassVar[str]
    menu: ClassVar[MenuEntry | tuple[MenuEntry, ...]] = ()
    command: ClassVar[Command | None] = None
    steps: dict[str, Step]
    first: str
    # A flow that may interrupt another (e.g. changing language) and then hands it back.
    interrupts: ClassVar[bool] = False

    def __init__(self, *steps: Step) -> None:
        self.steps = {}
        for step in steps:
            if step.name in self.steps:
                raise FlowError(f"flow {self.name!r} has two steps named {step.name!r}")
            self.steps[step.name] = step
        self.first = steps[0].name

    async def complete(self, ctx: Context) -> list[Reply]:
        """What to say when the last step is done."""
        return []

    async def cancelled(self, ctx: Context) -> list[Reply]:
        """What to say when the person stops this flow with /cancel."""
        return []


class Engine(Protocol):
    """What an action may ask of the conversation engine (`bot.flows.conversation`)."""

    async def start(
        self, ctx: Context, name: str, *, at: tuple[str, ...] = (), **data: object
    ) -> Answer: ...

    async def open(self, ctx: Context, entry: Flow | Action) -> Answer: ...

    async def finish(self, ctx: Context, replies: list[Reply], *, edit: bool = False) -> Answer: ...

    def clear(self, ctx: Context) -> None: ...

    async def reshow(self, ctx: Context, hint: Html | None = None) -> Reply: ...


@dataclass(frozen=True, slots=True)
class Action:
    """Something reachable from the menu or by a command that answers at once instead of
    starting a conversation (/start, /help, statistics); declared like a flow's entries."""

    name: str
    run: Callable[[Engine, Context], Awaitable[Answer]]
    menu: MenuEntry | tuple[MenuEntry, ...] = ()
    command: Command | None = None


@dataclass(frozen=True, slots=True)
class PushedButton:
    """What answers the buttons of one `topic` on pushed messages (`bot.chat.answers`),
    whatever conversation the person is in; registered like a flow (`bot.flows.registry`)."""

    topic: str
    run: Callable[[Engine, Context, Pressed], Awaitable[Answer]]
