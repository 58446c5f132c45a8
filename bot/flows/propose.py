"""Proposing an initiative, step by step, kept as a draft all along.

resume? ─> title ─> description ─> theme ─> buurt ─> help wanted ─┬─> how many volunteers ─┐
                                                                  └──────────────────────────┤
summary <─ photo <─ (date | period from, until) <─ when <──────────────────────────────────┘
   │  any field can be changed from the summary, which comes back after it
   └─> submit ─> confirmation; the coordinators get a review request
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from sqlalchemy import select

from bot.chat.replies import Reply
from bot.delivery import outbox
from bot.domain import initiatives, roles
from bot.domain.initiatives import DESCRIPTION_LIMIT, TITLE_LIMIT, VOLUNTEERS_LIMIT
from bot.domain.models import (
    Area,
    Initiative,
    InitiativeStatus,
    Neighbourhood,
    RoleGrant,
    Theme,
    WhenKind,
)
from bot.flows import menu
from bot.flows.steps import Context, Finish, Flow, Next, Outcome, Refresh, Retry, Step
from bot.flows.text_input import clean_text, parse_date, parse_number
from bot.i18n import N_, Html

HELP_KINDS = {
    "volunteers": N_("Volunteers"),
    "materials": N_("Materials"),
    "space": N_("A space"),
    "partner": N_("A partner organisation"),
}
FIELDS = ("title", "description", "theme", "area", "help", "when", "photo")


async def draft(ctx: Context) -> Initiative:
    found = await ctx.session.get(Initiative, ctx.data.get("draft"))
    assert found is not None, "the proposal flow always has its draft"
    return found


def touched(ctx: Context, initiative: Initiative) -> None:
    initiative.updated_at = ctx.now


class FieldStep(Step):
    """A question about one field; while editing from the summary it returns there."""

    def after(self, ctx: Context) -> Next:
        return Next("summary") if ctx.data.get("editing") else self.proceed()


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


class Title(FieldStep):
    name = "title"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            Html(
                "💡 "
                + t._("What is the name of your initiative?")
                + "\n"
                + t._("Keep it short: at most {limit} characters.", limit=TITLE_LIMIT)
            )
        )

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        value, problem = clean_text(ctx.t, text, TITLE_LIMIT)
        if problem:
            return Retry(problem)
        item = await draft(ctx)
        item.title = value
        touched(ctx, item)
        return self.after(ctx)

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please type the name as a text message.")


class Description(FieldStep):
    name = "description"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            Html(
                t._("Describe your initiative: what do you want to do, and for whom?")
                + "\n"
                + t._("At most {limit} characters.", limit=DESCRIPTION_LIMIT)
            )
        )

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        value, problem = clean_text(ctx.t, text, DESCRIPTION_LIMIT)
        if problem:
            return Retry(problem)
        item = await draft(ctx)
        item.description = value
        touched(ctx, item)
        return self.after(ctx)

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please type the description as a text message.")


class ThemeChoice(FieldStep):
    name = "theme"

    async def _themes(self, ctx: Context) -> list[Theme]:
        return list(
            await ctx.session.scalars(
                select(Theme)
                .where(Theme.neighbourhood_id == ctx.person.neighbourhood_id)
                .order_by(Theme.position)
            )
        )

    async def show(self, ctx: Context) -> Reply:
        buttons = tuple(
            (
                ctx.button(
                    f"{theme.emoji} {theme.name_in(ctx.person.locale)}".strip(), "theme", theme.id
                ),
            )
            for theme in await self._themes(ctx)
        )
        return Reply(ctx.t._("Which theme does your initiative belong to?"), buttons=buttons)

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        chosen = {str(theme.id): theme for theme in await self._themes(ctx)}.get(arg)
        if action != "theme" or chosen is None:
            return None
        item = await draft(ctx)
        item.theme_id = chosen.id
        touched(ctx, item)
        return self.after(ctx)


class AreaChoice(FieldStep):
    name = "area"
    WHOLE: ClassVar[str] = "all"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        areas = await ctx.session.scalars(
            select(Area)
            .where(Area.neighbourhood_id == ctx.person.neighbourhood_id)
            .order_by(Area.position)
        )
        buttons = [ctx.button(area.name, "area", area.id) for area in areas]
        rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        whole = ((ctx.button(t._("The whole neighbourhood"), "area", self.WHOLE),),)
        return Reply(t._("In which buurt will it happen?"), buttons=(*rows, *whole))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "area":
            return None
        item = await draft(ctx)
        if arg == self.WHOLE:
            item.area_id = None
        else:
            area = await ctx.session.get(Area, int(arg)) if arg.isdigit() else None
            if area is None or area.neighbourhood_id != item.neighbourhood_id:
                return None
            item.area_id = area.id
        touched(ctx, item)
        return self.after(ctx)


class HelpWanted(FieldStep):
    name = "help"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        wanted = (await draft(ctx)).help_wanted
        toggles = tuple(
            (ctx.button(("✅ " if wanted.get(key) else "▫️ ") + t._(label), "toggle", key),)
            for key, label in HELP_KINDS.items()
        )
        return Reply(
            t._("What help do you need? Tap everything that applies, then Continue."),
            buttons=(*toggles, (ctx.button(t._("Continue"), "next"),)),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        item = await draft(ctx)
        if action == "toggle" and arg in HELP_KINDS:
            wanted = dict(item.help_wanted)
            wanted[arg] = not wanted.get(arg)
            if arg == "volunteers" and not wanted[arg]:
                wanted.pop("volunteer_count", None)
            item.help_wanted = wanted
            touched(ctx, item)
            return Refresh()
        if action == "next":
            return Next("volunteers") if item.help_wanted.get("volunteers") else self.after(ctx)
        return None


class VolunteerCount(FieldStep):
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
        item.help_wanted = {**item.help_wanted, "volunteer_count": number}
        touched(ctx, item)
        return self.after(ctx)

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please type a number, for example 4.")


class When(FieldStep):
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
            item.starts_on = item.ends_on = None
            touched(ctx, item)
            return self.after(ctx)
        return Next("starts")


class DateStep(FieldStep):
    """A date typed as day-month-year; not in the past."""

    question: ClassVar[str]

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        example = ctx.now.astimezone(ctx.settings.zone).strftime("%-d-%-m-%Y")
        return Reply(
            Html(t._(self.question) + "\n" + t._("Type it like this: {example}", example=example))
        )

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        today = ctx.now.astimezone(ctx.settings.zone).date()
        value, problem = parse_date(ctx.t, text, not_before=self.earliest(ctx, today))
        if problem:
            return Retry(problem)
        assert value is not None
        return await self.store(ctx, value)

    def earliest(self, ctx: Context, today: date) -> date:
        return today

    async def store(self, ctx: Context, value: date) -> Outcome:
        raise NotImplementedError

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please type a date, for example 21-3-2026.")


class StartDate(DateStep):
    name = "starts"
    question = N_("On which date does it start?")

    async def store(self, ctx: Context, value: date) -> Outcome:
        item = await draft(ctx)
        item.starts_on = value
        touched(ctx, item)
        if item.when_kind is WhenKind.PERIOD:
            ctx.remember(starts_on=value.isoformat())
            return Next("ends")
        item.ends_on = None
        return self.after(ctx)


class EndDate(DateStep):
    name = "ends"
    question = N_("Until which date does it run?")

    def earliest(self, ctx: Context, today: date) -> date:
        return date.fromisoformat(ctx.data.get("starts_on", today.isoformat()))

    async def store(self, ctx: Context, value: date) -> Outcome:
        item = await draft(ctx)
        item.ends_on = value
        touched(ctx, item)
        return self.after(ctx)


class Photo(FieldStep):
    name = "photo"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            t._("Do you have a photo that shows your idea? Send it now, or skip this step."),
            buttons=((ctx.button(t._("Skip"), "skip"),),),
        )

    async def on_photo(self, ctx: Context, file_id: str, caption: str) -> Outcome | None:
        item = await draft(ctx)
        item.photo_file_id = file_id
        touched(ctx, item)
        return self.after(ctx)

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        return self.after(ctx) if action == "skip" else None

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please send a photo, or tap Skip.")


class Summary(Step):
    name = "summary"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        ctx.remember(_trail=[], editing=False)  # from here on, fields are edited one by one
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
        rows = tuple(tuple(edits[i : i + 2]) for i in range(0, len(edits), 2))
        return Reply(text, buttons=(*rows, (ctx.button("✅ " + t._("Send"), "submit"),)))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "edit" and arg in FIELDS:
            ctx.remember(editing=True)
            return Next(arg)
        if action != "submit":
            return None
        item = await draft(ctx)
        missing = first_missing(item)
        if missing:
            ctx.remember(editing=True)
            return Next(missing)
        if await initiatives.waiting_of(ctx.session, ctx.person.id) >= initiatives.WAITING_LIMIT:
            return Refresh(note=too_many_waiting(ctx))
        await initiatives.submit(ctx.session, item, ctx.now)
        await notify_coordinators(ctx, item)
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


async def describe(ctx: Context, item: Initiative) -> Html:
    """The proposal's fields as readable lines (everything typed is escaped)."""
    t = ctx.t
    theme = await ctx.session.get(Theme, item.theme_id) if item.theme_id else None
    area = await ctx.session.get(Area, item.area_id) if item.area_id else None
    wanted = [t._(label) for key, label in HELP_KINDS.items() if item.help_wanted.get(key)]
    if item.help_wanted.get("volunteer_count"):
        wanted[0] = t._("{count} volunteers", count=item.help_wanted["volunteer_count"])
    lines = [
        t._("<b>Name:</b> {title}", title=item.title),
        t._("<b>Description:</b> {text}", text=item.description),
        t._("<b>Theme:</b> {theme}", theme=theme.name_in(ctx.person.locale) if theme else "-"),
        t._("<b>Buurt:</b> {area}", area=area.name if area else t._("The whole neighbourhood")),
        t._("<b>Help wanted:</b> {help}", help=", ".join(wanted) or "-"),
        t._("<b>When:</b> {when}", when=when_text(ctx, item)),
    ]
    if item.photo_file_id:
        lines.append("📷 " + t._("With a photo"))
    return Html("\n".join(lines))


def when_text(ctx: Context, item: Initiative) -> str:
    t = ctx.t
    if item.when_kind is WhenKind.DATE and item.starts_on:
        return t.day(item.starts_on)
    if item.when_kind is WhenKind.PERIOD and item.starts_on and item.ends_on:
        return t._("{start} until {end}", start=t.day(item.starts_on), end=t.day(item.ends_on))
    return t._("Not known yet")


async def notify_coordinators(ctx: Context, item: Initiative) -> None:
    """A review request to each coordinator of the neighbourhood, through the outbox."""
    coordinators = await ctx.session.scalars(
        select(RoleGrant.person_id).where(
            RoleGrant.neighbourhood_id == item.neighbourhood_id,
            RoleGrant.role.in_(list(roles.REVIEWERS)),
        )
    )
    submitted = str(int(item.submitted_at.timestamp())) if item.submitted_at else ""
    messages = [
        outbox.Message(person_id, "review_request", f"initiative:{item.id}", submitted)
        for person_id in set(coordinators)
    ]
    await outbox.enqueue(ctx.session, messages, now=ctx.now)


class ProposeFlow(Flow):
    name = "propose"
    code = "p"

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
