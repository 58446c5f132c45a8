"""What Wijkbot may send a person unasked, and when: quiet hours, topics, nudges per week.

overview ──> quiet hours ──(choose)──> overview
         ──> nudges per week ──(choose)──> overview
         ──> weekly news: weekday ──> hour ──> overview
         ──> new proposals (coordinators): each one, or one summary a day at an hour ──> overview
         ──> toggle a topic (stays) · Done ──> main menu
"""

from __future__ import annotations

from bot.chat.replies import Button, Reply
from bot.delivery.preferences import CATEGORY_NAMES, OPTIONAL, Category
from bot.domain.roles import Permission
from bot.flows import menu
from bot.flows.entries import MenuEntry
from bot.flows.steps import Back, Context, Finish, Flow, Next, Outcome, Refresh, Step
from bot.i18n import N_, Html

QUIET_CHOICES = ((22 * 60, 8 * 60), (21 * 60, 9 * 60), (23 * 60, 7 * 60), (0, 0))
NUDGE_CHOICES = (0, 1, 3, 7)
DIGEST_HOURS = (7, 8, 9, 10, 12, 14, 17, 18, 19, 20)
SUMMARY_HOURS = (8, 9, 12, 17, 18, 20)


def clock_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def quiet_label(ctx: Context, start: int, end: int) -> str:
    if start == end:
        return ctx.t._("No quiet hours")
    return f"{clock_time(start)}–{clock_time(end)}"


def digest_label(ctx: Context) -> str:
    """When the weekly news comes, e.g. "Monday 09:00"."""
    return f"{ctx.t.weekday(ctx.person.digest_day)} {clock_time(ctx.person.digest_hour * 60)}"


def summary_label(ctx: Context) -> str:
    hour = ctx.person.proposals_summary_hour
    if hour is None:
        return ctx.t._("New proposals: each one at once")
    return ctx.t._("New proposals: one summary a day at {time}", time=clock_time(hour * 60))


class Overview(Step):
    name = "overview"

    async def show(self, ctx: Context) -> Reply:
        t, person = ctx.t, ctx.person
        if person.quiet_start == person.quiet_end:
            quiet = t._("No quiet hours: messages can come at any time.")
        else:
            hours = quiet_label(ctx, person.quiet_start, person.quiet_end)
            quiet = t._("In quiet hours ({quiet}) messages wait until the morning.", quiet=hours)
        title = t._("Messages from Wijkbot")
        how = t._("Tap a topic to switch it on or off.")
        text = Html(f"🔔 <b>{title}</b>\n{how}\n{quiet}")
        toggles: list[tuple[Button, ...]] = []
        for category in OPTIONAL:
            mark = "🔕 " if category.value in person.opt_outs else "✅ "
            toggles.append(
                (ctx.button(mark + t._(CATEGORY_NAMES[category]), "topic", category.value),)
            )
        nudges = t.n_("{n} nudge a week", "{n} nudges a week", person.nudges_per_week)
        choices = [
            (
                ctx.button("🌙 " + t._("Quiet hours"), "quiet"),
                ctx.button("👉 " + nudges, "nudges"),
            )
        ]
        if Category.DIGEST.value not in person.opt_outs:
            when = t._("Weekly news: {when}", when=digest_label(ctx))
            choices.append((ctx.button("📰 " + when, "digest"),))
        if ctx.neighbourhoods_for(Permission.REVIEW_PROPOSALS):
            choices.append((ctx.button("🗂️ " + summary_label(ctx), "proposals"),))
        return Reply(
            text,
            buttons=(*toggles, *choices, (ctx.button(t._("Done"), "done"),)),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        person = ctx.person
        if action == "topic" and arg in {category.value for category in OPTIONAL}:
            opt_outs = set(person.opt_outs)
            opt_outs.symmetric_difference_update({arg})
            person.opt_outs = sorted(opt_outs)
            return Refresh()
        if action == "quiet":
            return Next("quiet")
        if action == "nudges":
            return Next("nudges")
        if action == "digest":
            return Next("digest_day")
        if action == "proposals" and ctx.neighbourhoods_for(Permission.REVIEW_PROPOSALS):
            return Next("proposals")
        if action == "done":
            return Finish([menu.main(ctx, ctx.t._("Saved."))])
        return None


class QuietHours(Step):
    name = "quiet"

    async def show(self, ctx: Context) -> Reply:
        buttons = [
            (ctx.button(quiet_label(ctx, start, end), "set", index),)
            for index, (start, end) in enumerate(QUIET_CHOICES)
        ]
        question = ctx.t._("When should Wijkbot keep quiet? Messages wait until the end.")
        return Reply(question, buttons=tuple(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "set" or not arg.isdigit() or int(arg) >= len(QUIET_CHOICES):
            return None
        ctx.person.quiet_start, ctx.person.quiet_end = QUIET_CHOICES[int(arg)]
        return Back()


class NudgesPerWeek(Step):
    name = "nudges"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        buttons = tuple(
            (ctx.button(t.n_("{n} nudge a week", "{n} nudges a week", n), "set", n),)
            for n in NUDGE_CHOICES
        )
        return Reply(t._("How many nudges a week are fine for you at most?"), buttons=buttons)

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "set" or not arg.isdigit() or int(arg) not in NUDGE_CHOICES:
            return None
        ctx.person.nudges_per_week = int(arg)
        return Back()


class DigestDay(Step):
    name = "digest_day"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        days = [ctx.button(t.weekday(day), "set", day) for day in range(7)]
        question = t._("On which day do you want the weekly news?")
        return Reply(question, buttons=(tuple(days[:4]), tuple(days[4:])))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "set" or not arg.isdigit() or int(arg) > 6:
            return None
        ctx.remember(digest_day=int(arg))
        return Next("digest_hour")


class DigestHour(Step):
    name = "digest_hour"

    async def show(self, ctx: Context) -> Reply:
        day = ctx.t.weekday(ctx.data.get("digest_day", ctx.person.digest_day))
        hours = [ctx.button(clock_time(hour * 60), "set", hour) for hour in DIGEST_HOURS]
        question = ctx.t._("At what time on {day}?", day=day)
        return Reply(question, buttons=(tuple(hours[:5]), tuple(hours[5:])))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "set" or not arg.isdigit() or int(arg) not in DIGEST_HOURS:
            return None
        day = ctx.data.get("digest_day")
        if isinstance(day, int) and 0 <= day <= 6:
            ctx.person.digest_day = day
        ctx.person.digest_hour = int(arg)
        saved = ctx.t._("The weekly news now comes on {when}.", when=digest_label(ctx))
        return Back(to="overview", note=saved)


class NewProposals(Step):
    name = "proposals"

    async def auto(self, ctx: Context) -> Outcome | None:
        return None if ctx.neighbourhoods_for(Permission.REVIEW_PROPOSALS) else Back()

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        each = ctx.button(t._("Each proposal at once"), "set", "each")
        daily = [
            ctx.button(t._("One summary a day at {time}", time=clock_time(hour * 60)), "set", hour)
            for hour in SUMMARY_HOURS
        ]
        question = t._(
            "How do you want to hear about new proposals to review? One message for each, "
            "or one summary a day with the new ones that still wait."
        )
        return Reply(question, buttons=((each,), *((button,) for button in daily)))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "set":
            return None
        if arg == "each":
            ctx.person.proposals_summary_hour = None
        elif arg.isdigit() and int(arg) in SUMMARY_HOURS:
            ctx.person.proposals_summary_hour = int(arg)
        else:
            return None
        return Back()


class NotificationsFlow(Flow):
    name = "notifications"
    code = "n"
    menu = MenuEntry(N_("Notifications"), "🔔", row=50)

    def __init__(self) -> None:
        super().__init__(
            Overview(), QuietHours(), NudgesPerWeek(), DigestDay(), DigestHour(), NewProposals()
        )
