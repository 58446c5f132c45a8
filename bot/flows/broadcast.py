"""The broadcast composer: a message, an audience, a preview with the count, now or later.

overview (recent broadcasts, reports, cancel a scheduled one)
  └─> text (or photo + caption) ─> audience ─┬─ everyone ────────────────┐
                                             ├─ buurten (toggle) ────────┤
                                             ├─ languages (toggle) ──────┤
                                             ├─ followers of an initiative┤
                                             └─ partners ────────────────┤
      preview (count, urgent, translations) <──────────────────────────┘
         ├─ send now ─> sending; a report follows when done
         └─ later: date and time ─> scheduled (cancel from the overview)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from bot.chat.limits import CAPTION_LIMIT, plain_text
from bot.chat.replies import Reply
from bot.config import SUPPORTED_LOCALES
from bot.delivery import broadcasting
from bot.delivery.kinds import KINDS, RenderContext
from bot.domain import broadcasts, neighbourhoods, roles
from bot.domain.models import (
    Broadcast,
    BroadcastStatus,
    Delivery,
    Initiative,
    InitiativeStatus,
)
from bot.domain.roles import Permission
from bot.flows import menu
from bot.flows.entries import NOT_ALLOWED, Command, MenuEntry
from bot.flows.steps import Back, Context, Finish, Flow, Next, Outcome, Refresh, Step
from bot.flows.texts import short
from bot.flows.widgets import EDITING, ChoiceStep, MomentStep, Option, TextStep, ToggleStep
from bot.i18n import LANGUAGE_NAMES, N_, Html

TEXT_LIMIT = 3000
PHOTO_TEXT_LIMIT = CAPTION_LIMIT - 120  # room for the frame around it


async def composing(ctx: Context) -> Broadcast:
    """The broadcast being written; its neighbourhood's coordinator role is checked each time."""
    item = await ctx.session.get(Broadcast, ctx.data.get("broadcast", 0))
    assert item is not None
    await roles.require(ctx.session, ctx.person.id, Permission.BROADCAST, item.neighbourhood_id)
    return item


class Overview(Step):
    name = "overview"

    async def auto(self, ctx: Context) -> Outcome | None:
        if not ctx.neighbourhoods_for(Permission.BROADCAST):
            return Finish(
                [Reply(ctx.t._("Sorry, only coordinators of this neighbourhood can do that."))]
            )
        return None

    async def _recent(self, ctx: Context) -> list[Broadcast]:
        return list(
            await ctx.session.scalars(
                select(Broadcast)
                .where(
                    Broadcast.neighbourhood_id.in_(ctx.neighbourhoods_for(Permission.BROADCAST)),
                    Broadcast.status != BroadcastStatus.DRAFT,
                )
                .order_by(Broadcast.created_at.desc())
                .limit(5)
            )
        )

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        lines = ["📣 <b>" + t._("Broadcasts") + "</b>"]
        buttons = [(ctx.button("✍️ " + t._("New message"), "new"),)]
        for item in await self._recent(ctx):
            report = await broadcasts.report(ctx.session, item.id)
            if item.status is BroadcastStatus.SCHEDULED and item.scheduled_for:
                state = t._(
                    "scheduled for {when}", when=t.datetime(item.scheduled_for, ctx.settings.zone)
                )
                buttons.append(
                    (
                        ctx.button(
                            "🗑️ " + plain_text(t._("Cancel: {text}", text=short(item.text, 20))),
                            "cancel",
                            item.id,
                        ),
                    )
                )
            elif item.status is BroadcastStatus.CANCELLED:
                state = t._("cancelled")
            else:
                state = t._(
                    "sent {sent}, waiting {waiting}, unreachable {unreachable}, failed {failed}",
                    sent=report.sent,
                    waiting=report.waiting,
                    unreachable=report.unreachable,
                    failed=report.failed,
                )
            lines.append(t._("“{text}”: {state}", text=short(item.text, 40), state=state))
        buttons.append((ctx.button(t._("Done"), "done"),))
        return Reply(Html("\n".join(lines)), buttons=tuple(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "done":
            return Finish([menu.main(ctx)])
        if action == "new":
            neighbourhood_id = ctx.neighbourhoods_for(Permission.BROADCAST)[0]
            item = Broadcast(
                neighbourhood_id=neighbourhood_id,
                author_id=ctx.person.id,
                text="",
                audience={},
                created_at=ctx.now,
            )
            ctx.session.add(item)
            await ctx.session.flush()
            ctx.remember(broadcast=item.id)
            return Next("text")
        if action == "cancel" and arg.isdigit():
            ctx.remember(broadcast=int(arg))
            item = await composing(ctx)
            cancelled = broadcasts.cancel(item)
            note = (
                ctx.t._("Cancelled.")
                if cancelled
                else ctx.t._("Too late: it is being sent already.")
            )
            return Refresh(note=note)
        return None


class Text(TextStep):
    """The message, typed, or as the caption of a photo (which leaves less room)."""

    name = "text"
    question = N_("Type your message. You can also send a photo with the message as its caption.")
    limit_note = N_("At most {limit} characters.")
    limit = TEXT_LIMIT
    retry = N_("Please type the message, or send a photo with a caption.")

    async def on_photo(self, ctx: Context, file_id: str, caption: str) -> Outcome | None:
        return await self.on_text(ctx, caption)

    async def limit_for(self, ctx: Context) -> int:
        return PHOTO_TEXT_LIMIT if ctx.event.photo else TEXT_LIMIT

    async def accept(self, ctx: Context, text: str) -> Outcome:
        item = await composing(ctx)
        item.text, item.photo_file_id = text, ctx.event.photo
        return Next("preview") if ctx.data.get(EDITING) else Next("audience")


class Audience(Step):
    name = "audience"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            t._("Who should receive it?"),
            buttons=(
                (ctx.button("🏘️ " + t._("Everyone in the neighbourhood"), "all"),),
                (ctx.button("📍 " + t._("Choose buurten"), "areas"),),
                (ctx.button("🌐 " + t._("Choose languages"), "locales"),),
                (ctx.button("👍 " + t._("Followers of an initiative"), "initiative"),),
                (ctx.button("🤝 " + t._("Partners"), "partners"),),
            ),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        item = await composing(ctx)
        if action == "all":
            item.audience = {}
            return Next("preview")
        if action == "partners":
            item.audience = {"roles": ["partner"]}
            return Next("preview")
        if action in ("areas", "locales", "initiative"):
            item.audience = {}
            return Next(action)
        return None


class ToggleAudience(ToggleStep):
    """Tick buurten or languages, then Continue; kept in the broadcast's audience, in the
    order they were ticked."""

    question = N_("Tap to choose, then Continue.")
    at_least = 1
    key: str

    async def choices(self, ctx: Context, item: Broadcast) -> list[tuple[object, str]]:
        raise NotImplementedError

    async def options(self, ctx: Context) -> Sequence[Option]:
        item = await composing(ctx)
        return [Option(str(value), label) for value, label in await self.choices(ctx, item)]

    async def chosen(self, ctx: Context) -> set[str]:
        item = await composing(ctx)
        return {str(value) for value in item.audience.get(self.key, [])}

    async def toggle(self, ctx: Context, value: str, on: bool) -> None:
        item = await composing(ctx)
        typed = {str(v): v for v, _ in await self.choices(ctx, item)}[value]
        chosen = [v for v in item.audience.get(self.key, []) if v != typed]
        item.audience = {self.key: [*chosen, typed] if on else chosen}

    async def done(self, ctx: Context, chosen: set[str]) -> Outcome:
        return Next("preview")


class Areas(ToggleAudience):
    name = "areas"
    key = "areas"

    async def choices(self, ctx: Context, item: Broadcast) -> list[tuple[object, str]]:
        areas = await neighbourhoods.areas_of(ctx.session, item.neighbourhood_id)
        return [(area.id, area.name) for area in areas]


class Locales(ToggleAudience):
    name = "locales"
    key = "locales"

    async def choices(self, ctx: Context, item: Broadcast) -> list[tuple[object, str]]:
        return [(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LOCALES]


class InitiativeAudience(ChoiceStep):
    name = "initiative"
    question = N_("The supporters and participants of which initiative?")

    async def options(self, ctx: Context) -> Sequence[Option]:
        item = await composing(ctx)
        approved = await ctx.session.scalars(
            select(Initiative)
            .where(
                Initiative.neighbourhood_id == item.neighbourhood_id,
                Initiative.status == InitiativeStatus.APPROVED,
            )
            .order_by(Initiative.decided_at.desc())
            .limit(self.page_size)
        )
        return [Option(str(i.id), short(i.title)) for i in approved]

    async def choose(self, ctx: Context, value: str) -> Outcome:
        item = await composing(ctx)
        item.audience = {"initiative": int(value)}
        return Next("preview")


class Preview(Step):
    name = "preview"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        ctx.remember(**{EDITING: False})
        item = await composing(ctx)
        count = await broadcasts.audience_size(ctx.session, item)
        sample = Delivery(
            kind="broadcast", subject=f"broadcast:{item.id}", broadcast_id=item.id, payload={}
        )
        render = RenderContext(ctx.session, ctx.person, t, ctx.settings.zone, ctx.now)
        looks = await KINDS["broadcast"].render(render, sample)
        translations = ", ".join(LANGUAGE_NAMES[code] for code in item.texts_by_locale) or "-"
        lines = [
            "👀 <b>" + t._("This is how it will look:") + "</b>",
            "",
            looks.text if looks else "",
            "",
            t.n_("{n} person will receive it.", "{n} people will receive it.", count),
            t._("Own versions in: {languages}", languages=translations),
        ]
        urgent = ("⚡ " + t._("Urgent: yes")) if item.urgent else t._("Urgent: no")
        return Reply(
            Html("\n".join(lines)),
            buttons=(
                (
                    ctx.button("📤 " + t._("Send now"), "now"),
                    ctx.button("🕒 " + t._("Send later"), "later"),
                ),
                (
                    ctx.button(urgent, "urgent"),
                    ctx.button("🌐 " + t._("Add a translation"), "translate"),
                ),
                (
                    ctx.button("✏️ " + t._("Change the text"), "text"),
                    ctx.button("👥 " + t._("Change the audience"), "audience"),
                ),
            ),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        t = ctx.t
        item = await composing(ctx)
        if action == "urgent":
            item.urgent = not item.urgent
            return Refresh()
        if action == "text":
            ctx.remember(**{EDITING: True})
            return Next("text")
        if action in ("audience", "translate", "later"):
            return Next(action)
        if action == "now":
            if await broadcasts.audience_size(ctx.session, item) == 0:
                return Refresh(note=t._("Nobody is in this audience. Choose another one."))
            broadcasts.schedule(item, ctx.now)
            count = await broadcasting.expand(ctx.session, item, ctx.now)
            done = t.n_(
                "Sending to {n} person. You will get a report when it is done.",
                "Sending to {n} people. You will get a report when it is done.",
                count,
            )
            return Finish([Reply(done, edit=True), menu.main(ctx)])
        return None


class TranslationLanguage(ChoiceStep):
    name = "translate"
    question = N_("For which language do you want to write your own version?")

    async def options(self, ctx: Context) -> Sequence[Option]:
        return [Option(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LOCALES]

    async def choose(self, ctx: Context, value: str) -> Outcome:
        ctx.remember(translating=value)
        return Next("translation")


class TranslationText(TextStep):
    name = "translation"
    limit = TEXT_LIMIT

    async def show(self, ctx: Context) -> Reply:
        language = LANGUAGE_NAMES[ctx.data.get("translating", "nl")]
        return Reply(ctx.t._("Type the message in {language}.", language=language))

    async def limit_for(self, ctx: Context) -> int:
        item = await composing(ctx)
        return PHOTO_TEXT_LIMIT if item.photo_file_id else TEXT_LIMIT

    async def accept(self, ctx: Context, text: str) -> Outcome:
        item = await composing(ctx)
        item.texts_by_locale = {**item.texts_by_locale, ctx.data["translating"]: text}
        return Back(to="preview")


class Later(MomentStep):
    name = "later"
    question = N_("When should it go out? Type a date and time like 21-3-2026 19:00.")

    async def store(self, ctx: Context, value: datetime) -> Outcome:
        t, zone = ctx.t, ctx.settings.zone
        item = await composing(ctx)
        broadcasts.schedule(item, value)
        scheduled = t._(
            "Scheduled for {when}. You can cancel it under Broadcast.", when=t.datetime(value, zone)
        )
        return Finish([menu.main(ctx, scheduled)])


class BroadcastFlow(Flow):
    name = "broadcast"
    code = "c"
    menu = MenuEntry(N_("Broadcast"), "📣", row=10, column=1, see=Permission.BROADCAST)
    command = Command("broadcast", before_onboarding=NOT_ALLOWED)

    def __init__(self) -> None:
        super().__init__(
            Overview(),
            Text(),
            Audience(),
            Areas(),
            Locales(),
            InitiativeAudience(),
            Preview(),
            TranslationLanguage(),
            TranslationText(),
            Later(),
        )

    async def cancelled(self, ctx: Context) -> list[Reply]:
        item = await ctx.session.get(Broadcast, ctx.data.get("broadcast", 0))
        if item is not None and item.status is BroadcastStatus.DRAFT:
            await ctx.session.delete(item)
        return []
