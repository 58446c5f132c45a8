"""The conversation engine: one event from one person in, an answer out.

    event ──> a command ──> its flow or action (from the registry); a command typed as a
              word (WhatsApp's "taal") that the current step takes as text is that text
          └─> a pushed message's button ──> its answer (from the registry), whatever
              flow the person is in, which stays where it was
          └─> the person's current flow and step ──> outcome ──> state saved
          └─> no flow: onboarding if not done yet, else a main-menu button's
              flow or action (from the registry), else the main menu

State lives in the database (`ConversationState`), so a restart, another bot
process or another runtime continues exactly where the person was. The caller
owns the transaction: it commits after `handle` and only then sends the answer.
A refusal (`NotAllowed`) is the exception: `handle` rolls the session back, so
the caller commits nothing of the refused event.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat import answers
from bot.chat.events import Event, Kind
from bot.chat.limits import popup_text
from bot.chat.links import StartLink
from bot.chat.menu import PREFIX as MENU_PREFIX
from bot.chat.replies import Answer, Reply
from bot.clock import Clock
from bot.config import Settings
from bot.domain import people, roles
from bot.domain.errors import NotAllowed
from bot.flows import commands, menu
from bot.flows.registry import Registry
from bot.flows.steps import (
    Action,
    Back,
    Context,
    Finish,
    Flow,
    Next,
    Outcome,
    Refresh,
    Retry,
    WorkingState,
)
from bot.i18n import Html, pick_locale, translator

# Commands a typed word always means, even where a step asks for text: the ways out.
ALWAYS_COMMANDS = frozenset({"cancel", "menu", "help", "forget"})

TRAIL = "_trail"
RESUME = "_resume"


class Conversation:
    def __init__(self, settings: Settings, clock: Clock, registry: Registry) -> None:
        self.settings = settings
        self.clock = clock
        self.registry = registry
        self.flows = registry.flows
        # Each channel's link that opens Wijkbot with a payload (invites, check-in), by
        # messenger: set by its runtime once it knows its address (bot.chat.links).
        self.start_links: dict[str, StartLink] = {}

    async def handle(self, session: AsyncSession, contact: people.Contact, event: Event) -> Answer:
        now = self.clock.now()
        guess = pick_locale(contact.language_code, self.settings.default_locale)
        seen = await people.recognise(session, contact, now=now, locale=guess)
        person, state = seen.person, seen.state
        ctx = Context(
            session=session,
            person=person,
            state=WorkingState.of(state),
            t=translator(person.locale),
            now=now,
            settings=self.settings,
            event=event,
            registry=self.registry,
            flow=self.flows.get(state.flow or ""),
            grants=await roles.grants_of(session, person.id) if seen.has_roles else [],
            start_links=tuple(self.start_links.values()),
        )
        try:
            answer = await self._route(ctx)
        except NotAllowed:
            # A refusal changes nothing: not what the step did before the check, not the
            # conversation state (a refused button's id must not stay in it).
            refusal = ctx.t._("Sorry, you are not allowed to do that.")
            await session.rollback()
            return Answer([Reply(refusal)], notice=popup_text(refusal))
        if not ctx.forgotten:
            ctx.state.save(state, now)
        return answer

    async def _route(self, ctx: Context) -> Answer:
        event = ctx.event
        if event.kind is Kind.COMMAND:
            if event.keyword and event.command not in ALWAYS_COMMANDS and ctx.flow is not None:
                taken = await self._keyword_as_text(ctx)
                if taken is not None:
                    return taken
            return await commands.run(self, ctx)
        pressed = answers.parse(event.payload) if event.kind is Kind.BUTTON else None
        pushed = self.registry.on_pushed(pressed.topic) if pressed else None
        if pressed is not None and pushed is not None and ctx.person.onboarded:
            return await pushed.run(self, ctx, pressed)
        # A main-menu button works from any menu message, old or new, and in a flow as its
        # command does (a pushed message's Open, e.g. a WhatsApp template's quick reply).
        entry = self.registry.on_menu(event.payload.removeprefix(MENU_PREFIX))
        menu_pressed = event.kind is Kind.BUTTON and event.payload.startswith(MENU_PREFIX)
        if menu_pressed and entry is not None and ctx.person.onboarded:
            return await self.open(ctx, entry)
        if ctx.flow is not None:
            return await self._in_flow(ctx)
        if not ctx.person.onboarded:
            return await self.start(ctx, "onboarding")
        if event.kind is Kind.BUTTON:
            return Answer(
                [menu.main(ctx)], notice=popup_text(ctx.t._("This button is no longer active."))
            )
        return Answer([menu.main(ctx, ctx.t._("I did not understand that. Choose from the menu:"))])

    # -- moving through a flow -------------------------------------------------------------

    async def open(self, ctx: Context, entry: Flow | Action) -> Answer:
        """What a menu button or a command opens: a flow starts, an action answers."""
        if isinstance(entry, Flow):
            return await self.start(ctx, entry.name)
        return await entry.run(self, ctx)

    async def start(
        self, ctx: Context, name: str, *, at: tuple[str, ...] = (), **data: object
    ) -> Answer:
        """Begin flow `name`; an interrupting flow keeps the current one to hand it back.

        `at` begins further in: the steps as if walked through, the last one shown (a
        pushed message's button that opens "post an update" on one initiative), so that
        Back and `Back(to=...)` lead where they would have.
        """
        flow = self.flows[name]
        state = ctx.state
        if flow.interrupts and ctx.flow is not None and not ctx.flow.interrupts:
            data[RESUME] = {"flow": state.flow, "step": state.step, "data": state.data}
        *walked, first = at or (flow.first,)
        state.flow, state.step, state.data = flow.name, first, {**data, TRAIL: walked}
        ctx.flow = flow
        return await self._enter(ctx, first, edit=False)

    async def _enter(
        self, ctx: Context, name: str | None, *, edit: bool, note: Html | None = None
    ) -> Answer:
        assert ctx.flow is not None
        while name is not None:
            ctx.state.step = name
            step = ctx.flow.steps[name]
            outcome = await step.auto(ctx)
            if outcome is None:
                return Answer([await self._show(ctx, edit=edit, hint=note)])
            if not isinstance(outcome, Next):
                return await self._apply(ctx, outcome, edit=edit)
            name = outcome.step
        return await self.finish(ctx, await ctx.flow.complete(ctx), edit=edit)

    async def _show(self, ctx: Context, *, edit: bool = False, hint: Html | None = None) -> Reply:
        """The current step's question, with a way back when there is one to go back to."""
        assert ctx.flow is not None and ctx.state.step is not None
        ctx.state.version += 1
        reply = await ctx.flow.steps[ctx.state.step].show(ctx)
        buttons = reply.buttons
        if ctx.data.get(TRAIL):
            buttons = (*buttons, (ctx.button("« " + ctx.t._("Back"), "back"),))
        text = Html(f"{hint}\n\n{reply.text}") if hint else reply.text
        return replace(reply, text=text, buttons=buttons, edit=edit)

    async def _apply(self, ctx: Context, outcome: Outcome, *, edit: bool) -> Answer:
        if isinstance(outcome, Next):
            ctx.remember(**{TRAIL: [*ctx.data.get(TRAIL, []), ctx.state.step]})
            return await self._enter(ctx, outcome.step, edit=edit)
        if isinstance(outcome, Retry):
            # Asked again, the step may no longer apply (another coordinator decided the
            # proposal meanwhile): it moves on by itself, as when it was entered.
            assert ctx.flow is not None and ctx.state.step is not None
            moved = await ctx.flow.steps[ctx.state.step].auto(ctx)
            if moved is not None:
                return await self._apply(ctx, moved, edit=False)
            return Answer([await self._show(ctx, hint=outcome.hint)])
        if isinstance(outcome, Refresh):
            return Answer([*outcome.extra, await self._show(ctx, edit=edit, hint=outcome.note)])
        if isinstance(outcome, Back):
            return await self._back(ctx, outcome)
        return await self.finish(ctx, outcome.replies, edit=edit)

    async def _back(self, ctx: Context, back: Back | None = None) -> Answer:
        back = back or Back()
        trail = list(ctx.data.get(TRAIL, []))
        if back.to in trail:
            del trail[trail.index(back.to) + 1 :]
        if not trail:
            return Answer([await self._show(ctx, edit=True, hint=back.note)])
        previous = trail.pop()
        ctx.remember(**{TRAIL: trail})
        return await self._enter(ctx, previous, edit=True, note=back.note)

    async def finish(self, ctx: Context, replies: list[Reply], *, edit: bool = False) -> Answer:
        """End the current flow; an interrupted one is handed back and shown again."""
        if ctx.forgotten:
            return Answer(replies)
        if edit and replies:
            replies = [replace(replies[0], edit=True), *replies[1:]]
        resume = ctx.data.get(RESUME)
        self.clear(ctx)
        if resume:
            ctx.state.flow, ctx.state.step, ctx.state.data = (
                resume["flow"],
                resume["step"],
                resume["data"],
            )
            ctx.flow = self.flows[resume["flow"]]
            replies = [*replies, await self._show(ctx)]
        return Answer(replies)

    def clear(self, ctx: Context) -> None:
        ctx.state.flow = ctx.state.step = None
        ctx.state.data = {}
        ctx.state.version += 1
        ctx.flow = None

    async def reshow(self, ctx: Context, hint: Html | None = None) -> Reply:
        return await self._show(ctx, hint=hint)

    async def _in_flow(self, ctx: Context) -> Answer:
        assert ctx.flow is not None and ctx.state.step is not None
        event, t = ctx.event, ctx.t
        step = ctx.flow.steps[ctx.state.step]
        outcome: Outcome | None = None
        if event.kind is Kind.BUTTON:
            code, _, rest = event.payload.partition(":")
            version, _, rest = rest.partition(":")
            action, _, arg = rest.partition(":")
            if code != ctx.flow.code or version != str(ctx.state.version):
                notice = popup_text(t._("This button is no longer active."))
                return Answer([await self._show(ctx, hint=self._where(ctx))], notice=notice)
            if action == "back" and ctx.data.get(TRAIL):
                return await self._back(ctx)
            outcome = await step.on_button(ctx, action, arg)
        elif event.kind is Kind.TEXT:
            outcome = await step.on_text(ctx, event.text.strip())
        elif event.kind is Kind.PHOTO and event.photo:
            outcome = await step.on_photo(ctx, event.photo, event.text.strip())
        elif event.kind is Kind.LOCATION and event.location:
            outcome = await step.on_location(ctx, *event.location)
        if outcome is None:
            hint = step.hint(ctx)
            if event.kind in (Kind.OTHER, Kind.PHOTO, Kind.LOCATION):
                hint = Html(t._("I cannot use that kind of message here.") + " " + hint)
            outcome = Retry(hint)
        return await self._apply(ctx, outcome, edit=event.kind is Kind.BUTTON)

    async def _keyword_as_text(self, ctx: Context) -> Answer | None:
        """A word that names a command, typed where the step asks for text: a proposal
        titled "Taal" or "Group" is a title, not /language or /group. What the step does
        not take as an answer (a button step, a date it cannot read) stays the command."""
        assert ctx.flow is not None and ctx.state.step is not None
        step = ctx.flow.steps[ctx.state.step]
        outcome = await step.on_text(ctx, ctx.event.text.strip())
        if outcome is None or isinstance(outcome, Retry):
            return None
        return await self._apply(ctx, outcome, edit=False)

    @staticmethod
    def _where(ctx: Context) -> Html:
        return ctx.t._("You were here. Send /cancel to stop.")


__all__ = ["Conversation", "Finish", "Next", "Retry"]
