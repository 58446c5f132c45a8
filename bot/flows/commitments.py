"""Commitments: coordinators record them, partners keep them up to date.

list (open first, page ◀ ▶) ──> commitment ──> in progress · done · progress note
     └─> new (coordinators): organisation ─> what ─> due date ─> list

A neighbourhood can have hundreds of commitments: the list shows a page at a
time, so that no message grows past Telegram's 4096 characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.chat.limits import bounded
from bot.chat.replies import Reply
from bot.domain import commitments, invites, neighbourhoods
from bot.domain.commitments import NOTE_LIMIT, WHAT_LIMIT
from bot.domain.models import Commitment, CommitmentStatus, Organisation
from bot.domain.roles import Permission
from bot.flows import menu
from bot.flows.entries import NOT_ALLOWED, Command, MenuEntry
from bot.flows.steps import Back, Context, Finish, Flow, Next, Outcome, Refresh, Retry, Step
from bot.flows.text_input import clean_text
from bot.flows.texts import short
from bot.flows.widgets import ChoiceStep, DateStep, Option, TextStep, pager
from bot.i18n import N_, Html, escape

PAGE_SIZE = 6  # a line can be ~500 characters (organisation, what, date): 6 fit in one message
STATUS_NAMES = {
    CommitmentStatus.OPEN: N_("open"),
    CommitmentStatus.IN_PROGRESS: N_("in progress"),
    CommitmentStatus.DONE: N_("done"),
}


def manages(ctx: Context) -> list[int]:
    return ctx.neighbourhoods_for(Permission.MANAGE_COMMITMENTS)


async def visible(ctx: Context) -> list[Commitment]:
    """A coordinator sees the neighbourhood's; a partner their organisation's."""
    if manages(ctx):
        return await commitments.listed(ctx.session, manages(ctx))
    found: list[Commitment] = []
    for neighbourhood_id in ctx.neighbourhoods_for(Permission.UPDATE_COMMITMENTS):
        organisation = await commitments.partner_organisation(
            ctx.session, ctx.person.id, neighbourhood_id
        )
        if organisation is not None:
            found += await commitments.listed(ctx.session, [neighbourhood_id], organisation)
    return found


async def in_hand(ctx: Context) -> Commitment | None:
    item = await ctx.session.get(Commitment, ctx.data.get("commitment", 0))
    if item is not None:
        await commitments.require_update(ctx.session, ctx.person, item)
    return item


def line(ctx: Context, item: Commitment, organisation: str) -> Html:
    t = ctx.t
    overdue = (
        item.due_on is not None
        and item.status is not CommitmentStatus.DONE
        and item.due_on < ctx.now.date()
    )
    due = t.day(item.due_on) if item.due_on else "-"
    mark = "⚠️ " if overdue else ("✅ " if item.status is CommitmentStatus.DONE else "• ")
    return Html(
        mark
        + t._(
            "{organisation}: {what} (due {due}, {status})",
            organisation=organisation,
            what=item.what,
            due=due,
            status=t._(STATUS_NAMES[item.status]),
        )
    )


class Listing(Step):
    name = "list"

    async def auto(self, ctx: Context) -> Outcome | None:
        if not manages(ctx) and not ctx.neighbourhoods_for(Permission.UPDATE_COMMITMENTS):
            return Finish([Reply(ctx.t._("Sorry, only coordinators and partners can do that."))])
        return None

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        items = await visible(ctx)
        pages = max(1, -(-len(items) // PAGE_SIZE))
        page = min(ctx.data.get("page", 0), pages - 1)
        ctx.remember(page=page)
        on_page = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        names = {o.id: o.name for o in await neighbourhoods.organisations(ctx.session)}
        head = ["🤝 <b>" + t._("Commitments") + "</b>"]
        listed = [line(ctx, item, names.get(item.organisation_id, "?")) for item in on_page]
        lines, shown = bounded(t, head, listed) if listed else ([*head, t._("None yet.")], 0)
        buttons = [(ctx.button(short(item.what), "open", item.id),) for item in on_page[:shown]]
        if pages > 1:
            buttons.append(pager(ctx, page, pages))
        if manages(ctx):
            buttons.append((ctx.button("➕ " + t._("New commitment"), "new"),))
        buttons.append((ctx.button(t._("Done"), "done"),))
        return Reply(Html("\n".join(lines)), buttons=tuple(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "done":
            return Finish([menu.main(ctx)])
        if action == "new" and manages(ctx):
            return Next("organisation")
        if action == "page" and arg.isdigit():
            ctx.remember(page=int(arg))
            return Refresh()
        if action == "open" and arg.isdigit():
            ctx.remember(commitment=int(arg))
            return Next("detail") if await in_hand(ctx) else None
        return None


class Detail(Step):
    name = "detail"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        item = await in_hand(ctx)
        assert item is not None
        organisation = await ctx.session.get(Organisation, item.organisation_id)
        lines = [line(ctx, item, organisation.name if organisation else "?")]
        if item.progress_note:
            lines.append(t._("Latest note: {note}", note=item.progress_note))
        return Reply(
            Html("\n".join(lines)),
            buttons=(
                (
                    ctx.button(
                        "▶️ " + t._("In progress"), "status", CommitmentStatus.IN_PROGRESS.value
                    ),
                ),
                (ctx.button("✅ " + t._("Done"), "status", CommitmentStatus.DONE.value),),
                (ctx.button("📝 " + t._("Add a progress note"), "note"),),
            ),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        item = await in_hand(ctx)
        if item is None:
            return Back()
        if action == "status" and arg in {status.value for status in CommitmentStatus}:
            commitments.update(ctx.session, item, ctx.person, ctx.now, status=CommitmentStatus(arg))
            return Refresh(note=ctx.t._("Saved."))
        if action == "note":
            return Next("note")
        return None


class Note(TextStep):
    name = "note"
    question = N_("What is the latest news? At most {limit} characters.")
    limit = NOTE_LIMIT

    async def accept(self, ctx: Context, text: str) -> Outcome:
        item = await in_hand(ctx)
        if item is None:
            return Back()
        commitments.update(ctx.session, item, ctx.person, ctx.now, note=text)
        return Back(note=ctx.t._("Saved."))


class NewOrganisation(ChoiceStep):
    name = "organisation"
    question = N_("Which organisation makes the commitment? Choose, or type its name.")
    page_size = 20

    async def options(self, ctx: Context) -> Sequence[Option]:
        organisations = await neighbourhoods.organisations(ctx.session, limit=self.page_size)
        return [Option(str(organisation.id), organisation.name) for organisation in organisations]

    async def choose(self, ctx: Context, value: str) -> Outcome:
        ctx.remember(organisation=int(value))
        return Next("what")

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        value, problem = clean_text(ctx.t, text, 120)
        if problem:
            return Retry(problem)
        organisation = await invites.organisation_named(ctx.session, value, ctx.now)
        ctx.remember(organisation=organisation.id)
        return Next("what")


class NewWhat(TextStep):
    name = "what"
    question = N_("What do they promise? At most {limit} characters.")
    limit = WHAT_LIMIT

    async def accept(self, ctx: Context, text: str) -> Outcome:
        ctx.remember(what=text)
        return Next("due")


class NewDue(DateStep):
    name = "due"
    question = N_("By which date? Type it like 21-3-2026.")
    example = False

    async def store(self, ctx: Context, value: date) -> Outcome:
        neighbourhood_id = manages(ctx)[0]
        item = await commitments.create(
            ctx.session,
            ctx.person,
            neighbourhood_id=neighbourhood_id,
            organisation_id=ctx.data["organisation"],
            what=ctx.data["what"],
            due_on=value,
            now=ctx.now,
        )
        return Back(to="list", note=ctx.t._("Saved: {what}", what=escape(item.what)))


class CommitmentsFlow(Flow):
    name = "commitments"
    code = "k"
    menu = (
        MenuEntry(N_("Commitments"), "🤝", row=11, column=1, see=Permission.MANAGE_COMMITMENTS),
        MenuEntry(
            N_("Our commitments"),
            "🤝",
            row=13,
            see=Permission.UPDATE_COMMITMENTS,
            unless=Permission.MANAGE_COMMITMENTS,
        ),
    )
    command = Command("commitments", before_onboarding=NOT_ALLOWED)

    def __init__(self) -> None:
        super().__init__(Listing(), Detail(), Note(), NewOrganisation(), NewWhat(), NewDue())
