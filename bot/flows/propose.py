"""Proposing an initiative, step by step, kept as a draft all along.

resume? ─> title ─> description ─> theme ─> buurt ─> help wanted ─┬─> how many volunteers ─┐
                                                                  └──────────────────────────┤
summary <─ photo <─ (date | period from, until) <─ when <──────────────────────────────────┘
   │  any field can be changed from the summary, which comes back after it
   └─> submit ─> confirmation; the coordinators get a review request
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.chat.replies import Reply
from bot.delivery.coordinators import notify_coordinators
from bot.domain import initiatives, neighbourhoods
from bot.domain.initiatives import DESCRIPTION_LIMIT, TITLE_LIMIT, VOLUNTEERS_LIMIT
from bot.domain.models import Initiative, InitiativeStatus, Neighbourhood, WhenKind
from bot.flows import menu
from bot.flows.entries import Command, MenuEntry
from bot.flows.steps import Context, Finish, Flow, Next, Outcome, Refresh, Retry, Step
from bot.flows.text_input import parse_number
from bot.flows.texts import HELP_KINDS, describe, theme_options
from bot.flows.widgets import (
    EDITING,
    ChoiceStep,
    DateStep,
    Field,
    Option,
    TextStep,
    ToggleStep,
    rows,
)
from bot.i18n import N_, Html

FIELDS = ("title", "description", "theme", "area", "help", "when", "photo")


async def draft(ctx: Context) -> Initiative:
    found = await ctx.session.get(Initiative, ctx.data.get("draft"))
    assert found is not None, "the proposal flow always has its draft"
    return found


def touched(ctx: Context, initiative: Initiative) -> None:
    initiative.updated_at = ctx.now


async def save(ctx: Context, **values: Any) -> Initiative:
    """Set fields of the draft (and when it changed)."""
    item = await draft(ctx)
    for name, value in values.items():
        setattr(item, name, value)
    touched(ctx, item)
    return item


class InProposal:
    """A field of the proposal: changed from the summary, it returns there."""

    summary = "summary"


class Resume(Step):
    name = "resume"

    async def auto(self, ctx: Context) -> Outcome | None:
        existing = await initiatives.draft_of(ctx.session, ctx.person)
        if existing is None:
            existing = await initiatives.start_draft(ctx.session, ctx.person, ctx.now)
            ctx.remember(draft=existing.id)
            return Next("title")
        ctx.remember(draft=existing.id)
        return None if existing.title else Next("title")

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        item = await draft(ctx)
        question = t._(
            "You have an unfinished proposal: “{title}”. Continue with it?", title=item.title
        )
        if item.status is InitiativeStatus.CHANGES_REQUESTED:
            question = t._(
                "The coordinators asked you to change “{title}”: {note}",
                title=item.title,
                note=item.review_note or "",
            )
        return Reply(
            question,
            buttons=(
                (ctx.button(t._("Continue"), "continue"),),
                (ctx.button(t._("Start again"), "restart"),),
            ),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        item = await draft(ctx)
        if action == "continue":
            return Next(first_missing(item) or "summary")
        if item.status is InitiativeStatus.CHANGES_REQUESTED:
            return None  # starting again would lose the proposal the coordinators saw
        if action == "restart":
            item.title, item.description, item.theme_id = "", "", None
            item.help_wanted, item.when_kind, item.photo_file_id = {}, WhenKind.UNKNOWN, None
            item.starts_on = item.ends_on = None
            touched(ctx, item)
            return Next("title")
        return None


def first_missing(item: Initiative) -> str | None:
    if not item.title:
        return "title"
    if not item.description:
        return "description"
    if item.theme_id is None:
        return "theme"
    return None


class DraftText(InProposal, TextStep):
    """A text field of the draft, named like the step."""

    async def accept(self, ctx: Context, text: str) -> Outcome:
        await save(ctx, **{self.name: text})
        return self.after(ctx)


class Title(DraftText):
    name = "title"
    icon = "💡 "
    question = N_("What is the name of your initiative?")
    limit_note = N_("Keep it short: at most {limit} characters.")
    limit, retry = TITLE_LIMIT, N_("Please type the name as a text message.")


class Description(DraftText):
    name = "description"
    question = N_("Describe your initiative: what do you want to do, and for whom?")
    limit_note = N_("At most {limit} characters.")
    limit, retry = DESCRIPTION_LIMIT, N_("Please type the description as a text message.")


class ThemeChoice(InProposal, ChoiceStep):
    name = "theme"
    question = N_("Which theme does your initiative belong to?")

    async def options(self, ctx: Context) -> Sequence[Option]:
        return await theme_options(ctx)

    async def choose(self, ctx: Context, value: str) -> Outcome:
        await save(ctx, theme_id=int(value))
        return self.after(ctx)


class AreaChoice(InProposal, ChoiceStep):
    name = "area"
    question = N_("In which buurt will it happen?")
    per_row, page_size = 2, 20
    WHOLE = "all"

    async def options(self, ctx: Context) -> Sequence[Option]:
        item = await draft(ctx)
        areas = await neighbourhoods.areas_of(ctx.session, item.neighbourhood_id)
        return [Option(str(area.id), area.name) for area in areas]

    def extra(self, ctx: Context) -> Sequence[Option]:
        return [Option(self.WHOLE, ctx.t._("The whole neighbourhood"))]

    async def choose(self, ctx: Context, value: str) -> Outcome:
        await save(ctx, area_id=None if value == self.WHOLE else int(value))
        return self.after(ctx)


class HelpWanted(InProposal, ToggleStep):
    name = "help"
    question = N_("What help do you need? Tap everything that applies, then Continue.")

    async def options(self, ctx: Context) -> Sequence[Option]:
        return [Option(key, ctx.t._(label)) for key, label in HELP_KINDS.items()]

    async def chosen(self, ctx: Context) -> set[str]:
        wanted = (await draft(ctx)).help_wanted
        return {key for key in HELP_KINDS if wanted.get(key)}

    async def toggle(self, ctx: Context, value: str, on: bool) -> None:
        wanted = {**(await draft(ctx)).help_wanted, value: on}
        if value == "volunteers" and not on:
            wanted.pop("volunteer_count", None)
        await save(ctx, help_wanted=wanted)

    async def done(self, ctx: Context, chosen: set[str]) -> Outcome:
        return Next("volunteers") if "volunteers" in chosen else self.after(ctx)


class VolunteerCount(InProposal, Field):
    name = "volunteers"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        quick = tuple(ctx.button(str(n), "count", n) for n in (2, 5, 10, 20))
        return Reply(t._("How many volunteers do you need? Type a number."), buttons=(quick,))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        return await self._set(ctx, arg) if action == "count" else None

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        return await self._set(ctx, text)

    async def _set(self, ctx: Context, text: str) -> Outcome:
        number, problem = parse_number(ctx.t, text, 1, VOLUNTEERS_LIMIT)
        if problem:
            return Retry(problem)
        item = await draft(ctx)
        await save(ctx, help_wanted={**item.help_wanted, "volunteer_count": number})
        return self.after(ctx)

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please type a number, for example 4.")


class When(InProposal, Field):
    name = "when"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            t._("When will it happen?"),
            buttons=(
                (ctx.button(t._("On one day"), "kind", WhenKind.DATE.value),),
                (ctx.button(t._("During a period"), "kind", WhenKind.PERIOD.value),),
                (ctx.button(t._("Not known yet"), "kind", WhenKind.UNKNOWN.value),),
            ),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "kind" or arg not in {kind.value for kind in WhenKind}:
            return None
        item = await draft(ctx)
        item.when_kind = WhenKind(arg)
        if item.when_kind is WhenKind.UNKNOWN:
            await save(ctx, starts_on=None, ends_on=None)
            return self.after(ctx)
        return Next("starts")


class StartDate(InProposal, DateStep):
    name = "starts"
    question = N_("On which date does it start?")

    async def store(self, ctx: Context, value: date) -> Outcome:
        item = await save(ctx, starts_on=value)
        if item.when_kind is WhenKind.PERIOD:
            ctx.remember(starts_on=value.isoformat())
            return Next("ends")
        item.ends_on = None
        return self.after(ctx)


class EndDate(InProposal, DateStep):
    name = "ends"
    question = N_("Until which date does it run?")

    def earliest(self, ctx: Context) -> date:
        return date.fromisoformat(ctx.data.get("starts_on", self.today(ctx).isoformat()))

    async def store(self, ctx: Context, value: date) -> Outcome:
        await save(ctx, ends_on=value)
        return self.after(ctx)


class Photo(InProposal, Field):
    name = "photo"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            t._("Do you have a photo that shows your idea? Send it now, or skip this step."),
            buttons=((ctx.button(t._("Skip"), "skip"),),),
        )

    async def on_photo(self, ctx: Context, file_id: str, caption: str) -> Outcome | None:
        await save(ctx, photo_file_id=file_id)
        return self.after(ctx)

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        return self.after(ctx) if action == "skip" else None

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please send a photo, or tap Skip.")


class Summary(Step):
    name = "summary"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        ctx.remember(_trail=[], **{EDITING: False})  # from here on, fields are edited one by one
        item = await draft(ctx)
        text = Html(
            "📝 <b>"
            + t._("Your proposal")
            + "</b>\n\n"
            + await describe(ctx, item)
            + "\n\n"
            + t._("Is everything right? Then send it to the coordinators.")
        )
        edits = [
            ctx.button("✏️ " + t._(label), "edit", field)
            for field, label in (
                ("title", N_("Name")),
                ("description", N_("Description")),
                ("theme", N_("Theme")),
                ("area", N_("Buurt")),
                ("help", N_("Help")),
                ("when", N_("When")),
                ("photo", N_("Photo")),
            )
        ]
        return Reply(text, buttons=(*rows(edits, 2), (ctx.button("✅ " + t._("Send"), "submit"),)))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "edit" and arg in FIELDS:
            ctx.remember(**{EDITING: True})
            return Next(arg)
        if action != "submit":
            return None
        item = await draft(ctx)
        missing = first_missing(item)
        if missing:
            ctx.remember(**{EDITING: True})
            return Next(missing)
        if await initiatives.waiting_of(ctx.session, ctx.person.id) >= initiatives.WAITING_LIMIT:
            return Refresh(note=too_many_waiting(ctx))
        await initiatives.submit(ctx.session, item, ctx.now)
        await notify_coordinators(ctx.session, item, ctx.now)
        neighbourhood = await ctx.session.get(Neighbourhood, item.neighbourhood_id)
        thanks = ctx.t._(
            "Thank you! Your proposal “{title}” has gone to the coordinators of {neighbourhood}. "
            "You will hear from them here.",
            title=item.title,
            neighbourhood=neighbourhood.name if neighbourhood else "",
        )
        return Finish([Reply(text=Html(f"🙌 {thanks}"), edit=True), menu.main(ctx)])


def too_many_waiting(ctx: Context) -> Html:
    return ctx.t.n_(
        "You already have {n} proposal waiting for review. You can send this one as soon as "
        "the coordinators have decided on it. Your proposal is kept as a draft.",
        "You already have {n} proposals waiting for review. You can send this one as soon as "
        "the coordinators have decided on one of them. Your proposal is kept as a draft.",
        initiatives.WAITING_LIMIT,
    )


class ProposeFlow(Flow):
    name = "propose"
    code = "p"
    menu = MenuEntry(N_("Propose an initiative"), "💡", row=20)
    command = Command(
        "propose",
        N_("Propose an initiative"),
        position=20,
        before_onboarding=N_("First, tell me a little about yourself."),
    )

    def __init__(self) -> None:
        super().__init__(
            Resume(),
            Title("description"),
            Description("theme"),
            ThemeChoice("area"),
            AreaChoice("help"),
            HelpWanted("when"),
            VolunteerCount("when"),
            When("photo"),
            StartDate("photo"),
            EndDate("photo"),
            Photo("summary"),
            Summary(),
        )

    async def cancelled(self, ctx: Context) -> list[Reply]:
        return [Reply(ctx.t._("Your proposal is kept as a draft. You can continue it later."))]
