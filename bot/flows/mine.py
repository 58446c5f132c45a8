"""My Wijkbot: my initiatives, my activities, what I support; post progress; withdraw.

Each list on the overview shows the latest few (and "… and 12 more"), so that
the overview fits one message and its keyboard whatever a person has done.

overview ──> own initiative ──> post an update: text ─> photo? ─> people reached? ─> sent
                               (also reached from "how did it go?" after an activity,
                               bot.flows.report_back: then the update reports on it)
                            └─> withdraw? ─> yes / no
                            └─> 📷 an activity's check-in QR code (bot.flows.check_in)
         ──> leave an activity · stop supporting (stays on the overview)
"""

from __future__ import annotations

from bot.chat.limits import bounded, plain_text
from bot.chat.replies import Reply
from bot.delivery.audiences import tell_followers
from bot.domain import actions, activity_reports, initiatives
from bot.domain import check_in as check_in_codes
from bot.domain.models import Action, Initiative, InitiativeStatus, ProgressUpdate
from bot.flows import check_in, joining
from bot.flows.entries import MenuEntry
from bot.flows.steps import Back, Context, Flow, Next, Outcome, Refresh, Retry, Step
from bot.flows.text_input import parse_number
from bot.flows.texts import describe, short
from bot.flows.widgets import TextStep
from bot.i18n import N_, Html
from bot.reports.labels import STATUS_NAMES

WITHDRAWABLE = (
    InitiativeStatus.SUBMITTED,
    InitiativeStatus.CHANGES_REQUESTED,
    InitiativeStatus.APPROVED,
)
UPDATE_LIMIT = 800  # UTF-16 units; with the frame it stays within a photo caption's 1024
SECTION_LIMIT = 1100  # three lists, the heading and a note within one message of 4096
SECTION_ITEMS = 8  # and with their buttons within a usable keyboard


async def own_initiative(ctx: Context) -> Initiative | None:
    item = await ctx.session.get(Initiative, ctx.data.get("initiative", 0))
    return item if item is not None and item.owner_id == ctx.person.id else None


class Overview(Step):
    name = "overview"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        mine = await initiatives.owned_by(ctx.session, ctx.person.id)
        joined = await actions.mine(ctx.session, ctx.person.id, ctx.now)
        supported = await initiatives.supported_by(ctx.session, ctx.person.id)
        own_lines, own_shown = section(
            ctx,
            t._("My initiatives"),
            [
                t._("{title} ({status})", title=item.title, status=t._(STATUS_NAMES[item.status]))
                for item in mine
            ],
        )
        joined_lines, joined_shown = section(
            ctx,
            t._("My activities"),
            [await joining.describe_action(ctx, action, signup) for action, signup in joined],
        )
        supported_lines, supported_shown = section(
            ctx, t._("I support"), [t._("{title}", title=item.title) for item in supported]
        )
        lines = ["👤 <b>" + t._("My Wijkbot") + "</b>", *own_lines, *joined_lines, *supported_lines]
        buttons = [
            (ctx.button("⚙️ " + short(item.title), "own", item.id),) for item in mine[:own_shown]
        ]
        buttons += [
            joining.action_buttons(ctx, action, signup) for action, signup in joined[:joined_shown]
        ]
        buttons += [
            (
                ctx.button(
                    "↩️ " + plain_text(t._("Stop supporting: {title}", title=short(item.title, 24))),
                    "unsupport",
                    item.id,
                ),
            )
            for item in supported[:supported_shown]
        ]
        return Reply(Html("\n".join(lines)), buttons=tuple(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "own" and arg.isdigit():
            ctx.remember(initiative=int(arg))
            return Next("own") if await own_initiative(ctx) else None
        if action == "unsupport" and arg.isdigit():
            item = await ctx.session.get(Initiative, int(arg))
            if item is not None:
                await initiatives.unsupport(ctx.session, item, ctx.person)
            return Refresh(note=ctx.t._("Your support is undone."))
        return await joining.press(ctx, action, arg)


def section(ctx: Context, title: str, items: list[Html]) -> tuple[list[str], int]:
    """A titled list of the overview, bounded; with how many of its items are shown."""
    head = ["", "<b>" + title + "</b>"]
    if not items:
        return [*head, ctx.t._("None yet.")], 0
    return bounded(ctx.t, head, items, SECTION_LIMIT, most=SECTION_ITEMS)


class Own(Step):
    name = "own"

    async def auto(self, ctx: Context) -> Outcome | None:
        return None if await own_initiative(ctx) else Back()

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        item = await own_initiative(ctx)
        assert item is not None
        lines = [
            await describe(ctx, item),
            t._("Status: {status}", status=t._(STATUS_NAMES[item.status])),
            t.n_("{n} supporter", "{n} supporters", item.supporter_count),
        ]
        if item.review_note:
            lines.append(t._("Note from the coordinators: {note}", note=item.review_note))
        coming = await actions.of_initiative(ctx.session, item.id, ctx.now, limit=5)
        if coming:
            seen = await joining.attendance_for(ctx, coming, lead=True)
            lines.append("\n<b>" + t._("Coming activities") + "</b>")
            lines += [
                await joining.describe_action(ctx, action, None, seen[action.id])
                for action in coming
            ]
        buttons = []
        if item.status is InitiativeStatus.APPROVED:
            buttons.append((ctx.button("📣 " + t._("Post an update"), "update"),))
        today = await check_in_codes.under_way(
            ctx.session, ctx.now, ctx.settings.zone, initiative_id=item.id
        )
        buttons += [
            (
                ctx.button(
                    "📷 " + plain_text(t._("Check-in QR: {title}", title=short(action.title, 24))),
                    "qr",
                    action.id,
                ),
            )
            for action in [*today, *coming]
        ]
        if item.status in WITHDRAWABLE:
            buttons.append((ctx.button(t._("Withdraw"), "withdraw"),))
        return Reply(Html("\n".join(lines)), buttons=tuple(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        item = await own_initiative(ctx)
        if item is None:
            return Back()
        if action == "update" and item.status is InitiativeStatus.APPROVED:
            ctx.remember(report=None)  # news of its own, not a report on an activity
            return Next("update_text")
        if action == "withdraw" and item.status in WITHDRAWABLE:
            return Next("withdraw")
        if action == "qr" and arg.isdigit():
            coming = await ctx.session.get(Action, int(arg))
            if coming is not None and coming.initiative_id == item.id:
                return Refresh(extra=await check_in.codes(ctx, coming))
        return Refresh(note=ctx.t._("That is not possible any more."))


class ConfirmWithdraw(Step):
    name = "withdraw"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        item = await own_initiative(ctx)
        title = item.title if item else ""
        return Reply(
            t._("Do you really want to withdraw “{title}”? This cannot be undone.", title=title),
            buttons=((ctx.button(t._("Yes, withdraw"), "yes"), ctx.button(t._("No"), "no")),),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        item = await own_initiative(ctx)
        if action == "yes" and item is not None and item.status in WITHDRAWABLE:
            await initiatives.withdraw(ctx.session, item, ctx.now)
            return Back(note=ctx.t._("Your initiative is withdrawn."))
        return Back() if action in ("yes", "no") else None


class UpdateText(TextStep):
    name = "update_text"
    question = N_(
        "What is the news? Your supporters and participants will hear it. "
        "At most {limit} characters."
    )
    limit = UPDATE_LIMIT

    async def show(self, ctx: Context) -> Reply:
        reporting = await reported_action(ctx)
        if reporting is None:
            return await super().show(ctx)
        question = ctx.t._(
            "How did {title} go? Tell it in a few words: your supporters and participants "
            "will hear it. At most {limit} characters.",
            title=reporting.title,
            limit=self.limit,
        )
        return Reply(Html("📝 " + question))

    async def accept(self, ctx: Context, text: str) -> Outcome:
        ctx.remember(update_text=text, update_photo=None)
        return Next("update_photo")


async def reported_action(ctx: Context) -> Action | None:
    """The activity this update reports on (after "how did it go?"), if it is one."""
    report = ctx.data.get("report")
    return await ctx.session.get(Action, report) if isinstance(report, int) else None


class UpdatePhoto(Step):
    name = "update_photo"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            t._("Add a photo? Send it now, or skip."), buttons=((ctx.button(t._("Skip"), "skip"),),)
        )

    async def on_photo(self, ctx: Context, file_id: str, caption: str) -> Outcome | None:
        ctx.remember(update_photo=file_id)
        return Next("update_number")

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        return Next("update_number") if action == "skip" else None

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please send a photo, or tap Skip.")


class UpdateNumber(Step):
    name = "update_number"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            t._("How many people did you reach? Type a number, or skip."),
            buttons=((ctx.button(t._("Skip"), "skip"),),),
        )

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        number, problem = parse_number(ctx.t, text, 0, 1_000_000)
        if problem:
            return Retry(problem)
        return await self._post(ctx, number)

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        return await self._post(ctx, None) if action == "skip" else None

    async def _post(self, ctx: Context, reached: int | None) -> Outcome:
        item = await own_initiative(ctx)
        if item is None or item.status is not InitiativeStatus.APPROVED:
            return Back()
        reporting = await reported_action(ctx)
        if reporting is not None and await activity_reports.report_of(ctx.session, reporting.id):
            reporting = None  # reported meanwhile (from another chat): plain news then
        update = ProgressUpdate(
            initiative_id=item.id,
            author_id=ctx.person.id,
            action_id=reporting.id if reporting else None,
            text=ctx.data["update_text"],
            photo_file_id=ctx.data.get("update_photo"),
            numbers={"reached": reached} if reached is not None else {},
            created_at=ctx.now,
        )
        ctx.session.add(update)
        ctx.remember(report=None)
        item.last_progress_at = ctx.now
        await ctx.session.flush()
        told = await tell_followers(
            ctx.session,
            item.id,
            "progress_update",
            f"progress:{update.id}",
            "",
            ctx.now,
            include_owner=False,
        )
        note = ctx.t.n_(
            "Posted! {n} person will hear about it.", "Posted! {n} people will hear about it.", told
        )
        return Back(note=note, to="own")  # back to the initiative, not through the questions


class MineFlow(Flow):
    name = "mine"
    code = "y"
    menu = MenuEntry(N_("My Wijkbot"), "👤", row=40)

    def __init__(self) -> None:
        super().__init__(
            Overview(), Own(), ConfirmWithdraw(), UpdateText(), UpdatePhoto(), UpdateNumber()
        )
