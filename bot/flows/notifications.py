"""What Wijkbot may send a person unasked, and when: quiet hours, topics, nudges per week.

overview ──> quiet hours ──(choose)──> overview
         ──> nudges per week ──(choose)──> overview
         ──> toggle a topic (stays) · Done ──> main menu
"""

from __future__ import annotations

from bot.chat.replies import Button, Reply
from bot.delivery.preferences import CATEGORY_NAMES, OPTIONAL
from bot.flows import menu
from bot.flows.entries import MenuEntry
from bot.flows.steps import Back, Context, Finish, Flow, Next, Outcome, Refresh, Step
from bot.i18n import N_, Html

QUIET_CHOICES = ((22 * 60, 8 * 60), (21 * 60, 9 * 60), (23 * 60, 7 * 60), (0, 0))
NUDGE_CHOICES = (0, 1, 3, 7)


def clock_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def quiet_label(ctx: Context, start: int, end: int) -> str:
    if start == end:
        return ctx.t._("No quiet hours")
    return f"{clock_time(start)}–{clock_time(end)}"


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
        return Reply(
            text,
            buttons=(
                *toggles,
                (
                    ctx.button("🌙 " + t._("Quiet hours"), "quiet"),
                    ctx.button("👉 " + nudges, "nudges"),
                ),
                (ctx.button(t._("Done"), "done"),),
            ),
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


class NotificationsFlow(Flow):
    name = "notifications"
    code = "n"
    menu = MenuEntry(N_("Notifications"), "🔔", row=50)

    def __init__(self) -> None:
        super().__init__(Overview(), QuietHours(), NudgesPerWeek())
