"""Joining and leaving activities, and their calendar files, from whichever screen shows them.

Someone waiting sees their place in the queue; someone a freed place is offered to
(`bot.domain.waiting_list`) sees until when it is held and can take it here too, as
from the offer's own message.

The activity's lead (its initiative's owner) and the neighbourhood's coordinators also
see who is coming: signed up, confirmed ("still coming?" answered yes), not answered
yet, waiting; and they get the activity's check-in QR code (`bot.flows.check_in`).
"""

from __future__ import annotations

from bot.chat.limits import plain_text
from bot.chat.replies import Button, File, Reply
from bot.delivery import places
from bot.domain import actions, attendance, waiting_list
from bot.domain import check_in as check_in_codes
from bot.domain.actions import Joined
from bot.domain.attendance import Attendance
from bot.domain.models import Action, Signup, SignupStatus
from bot.domain.roles import Permission
from bot.flows import check_in
from bot.flows.steps import Context, Refresh
from bot.flows.texts import short
from bot.i18n import Html, escape


async def describe_action(
    ctx: Context, action: Action, signup: Signup | None, seen: Attendance | None = None
) -> Html:
    t = ctx.t
    line = t._(
        "{title} · {when}", title=action.title, when=t.datetime(action.starts_at, ctx.settings.zone)
    )
    if action.place:
        line = Html(line + " · " + escape(action.place))
    if signup is not None and signup.status is SignupStatus.JOINED:
        line = Html("✅ " + line)
    elif signup is not None and signup.status is SignupStatus.WAITLISTED:
        place = await queue_place(ctx, action)
        line = Html("⏳ " + line + " (" + t._("waiting list, number {n}", n=place) + ")")
    elif signup is not None and signup.status is SignupStatus.OFFERED and signup.offer_ends_at:
        until = t.datetime(signup.offer_ends_at, ctx.settings.zone)
        line = Html(
            "🎟️ " + line + " (" + t._("a place is held for you until {until}", until=until) + ")"
        )
    if seen is not None:
        line = Html(line + "\n    👥 " + attendance_text(ctx, seen))
    return line


def attendance_text(ctx: Context, seen: Attendance) -> str:
    """ "5 signed up: 3 confirmed, 2 not answered yet · 1 on the waiting list" """
    t = ctx.t
    text = t._(
        "{signed_up}: {confirmed}, {unanswered}",
        signed_up=t.n_("{n} signed up", "{n} signed up", seen.joined),
        confirmed=t.n_("{n} confirmed", "{n} confirmed", seen.confirmed),
        unanswered=t.n_("{n} not answered yet", "{n} not answered yet", seen.unanswered),
    )
    if seen.waiting:
        waiting = t.n_("{n} on the waiting list", "{n} on the waiting list", seen.waiting)
        text = Html(text + " · " + waiting)
    if seen.came:
        text = Html(text + " · " + t.n_("{n} checked in", "{n} checked in", seen.came))
    return text


async def attendance_for(ctx: Context, items: list[Action], *, lead: bool) -> dict[int, Attendance]:
    """Who is coming to each activity, for its lead and the neighbourhood's coordinators only."""
    coordinating = set(ctx.neighbourhoods_for(Permission.SEE_STATISTICS))
    shown = [item.id for item in items if lead or item.neighbourhood_id in coordinating]
    found = await attendance.attendance(ctx.session, shown)
    return {item_id: found.get(item_id, Attendance()) for item_id in shown}


def action_buttons(ctx: Context, action: Action, signup: Signup | None) -> tuple[Button, ...]:
    t = ctx.t
    short = action.title if len(action.title) <= 24 else action.title[:23] + "…"
    if signup is None or signup.status is SignupStatus.LEFT:
        return (
            ctx.button("🙋 " + plain_text(t._("Join: {title}", title=short)), "join", action.id),
        )
    buttons = [
        ctx.button("↩️ " + plain_text(t._("Leave: {title}", title=short)), "leave", action.id)
    ]
    if signup.status is SignupStatus.OFFERED:
        buttons.insert(
            0,
            ctx.button(
                "🎟️ " + plain_text(t._("Take the place: {title}", title=short)), "take", action.id
            ),
        )
    if signup.status is SignupStatus.JOINED:
        buttons.append(ctx.button("📅 " + t._("Calendar"), "ics", action.id))
    return tuple(buttons)


def check_in_buttons(
    ctx: Context, action: Action, seen: dict[int, Attendance]
) -> tuple[Button, ...]:
    """📷 for those who see who is coming (the lead, the coordinators): the check-in code."""
    if action.id not in seen:
        return ()
    return (ctx.button("📷 " + ctx.t._("Check-in QR"), "qr", action.id),)


async def under_way(ctx: Context) -> list[tuple[Button, ...]]:
    """For the neighbourhood's coordinators: the check-in code of activities that have begun
    and are no longer listed as coming, while their check-in is open."""
    here = ctx.person.neighbourhood_id
    if here is None or here not in ctx.neighbourhoods_for(Permission.SEE_STATISTICS):
        return []
    begun = await check_in_codes.under_way(
        ctx.session, ctx.now, ctx.settings.zone, neighbourhood_id=here
    )
    return [
        (
            ctx.button(
                "📷 " + plain_text(ctx.t._("Check-in QR: {title}", title=short(item.title, 24))),
                "qr",
                item.id,
            ),
        )
        for item in begun
    ]


async def _action(ctx: Context, arg: str) -> Action | None:
    return await ctx.session.get(Action, int(arg)) if arg.isdigit() else None


async def press(ctx: Context, action: str, arg: str) -> Refresh | None:
    """Handle a join/leave/take/calendar button; None when it is not one of those."""
    if action not in ("join", "leave", "take", "ics", "qr"):
        return None
    t = ctx.t
    item = await _action(ctx, arg)
    if action == "qr" and item is not None:  # a coordinator's may be another neighbourhood
        return Refresh(extra=await check_in.codes(ctx, item))
    if item is None or item.neighbourhood_id != ctx.person.neighbourhood_id:
        return Refresh(note=t._("This activity no longer exists."))
    if action == "join":
        result = await actions.join(ctx.session, item, ctx.person, ctx.now)
        return Refresh(note=await _joined_note(ctx, item, result))
    if action == "take":
        taken, _ = await waiting_list.answer(ctx.session, item, ctx.person, True, ctx.now)
        return Refresh(note=offer_note(ctx, item, taken))
    if action == "leave":
        left = await actions.leave(ctx.session, item, ctx.person, ctx.now)
        await places.offer(ctx.session, left.offers, ctx.now)
        return Refresh(note=t._("You have left {title}.", title=item.title))
    ics = File(
        f"wijkbot-{item.id}.ics", data=actions.calendar_file(item, ctx.now), mime="text/calendar"
    )
    return Refresh(
        extra=(
            Reply(
                t._("Open this file to add {title} to your calendar.", title=item.title),
                document=ics,
            ),
        )
    )


def offer_note(ctx: Context, item: Action, answer: waiting_list.Answer) -> Html:
    """What became of taking or declining an offered place."""
    t = ctx.t
    if answer is waiting_list.Answer.TAKEN:
        when = t.datetime(item.starts_at, ctx.settings.zone)
        return t._("🙌 The place is yours! {title}, {when}.", title=item.title, when=when)
    if answer is waiting_list.Answer.DECLINED:
        return t._("Thank you for letting us know. The place goes to the next person waiting.")
    if answer is waiting_list.Answer.ALREADY:
        return t._("You already have a place for {title}.", title=item.title)
    if answer is waiting_list.Answer.GONE:
        return t._("This place is no longer offered to you: the time to answer has passed.")
    return t._("You cannot join this any more: it is cancelled or has already started.")


async def _joined_note(ctx: Context, item: Action, result: Joined) -> Html:
    t = ctx.t
    if result is Joined.JOINED:
        when = t.datetime(item.starts_at, ctx.settings.zone)
        return t._("🙌 You are in! {title}, {when}.", title=item.title, when=when)
    if result is Joined.WAITLISTED:
        full = t._(
            "It is full, so you are on the waiting list. If a place comes free, I will tell you."
        )
        return Html(
            full + " " + t._("You are number {n} in the queue.", n=await queue_place(ctx, item))
        )
    if result is Joined.ALREADY:
        return t._("You had already signed up for this.")
    return t._("You cannot join this any more: it is cancelled or has already started.")


async def signups_of(ctx: Context, items: list[Action]) -> dict[int, Signup]:
    found = {}
    for item in items:
        signup = await actions.signup_of(ctx.session, item.id, ctx.person.id)
        if signup is not None:
            found[item.id] = signup
    return found


async def queue_place(ctx: Context, item: Action) -> int:
    """The person's place in the activity's waiting list (1 is next)."""
    places = await waiting_list.queue_places(ctx.session, ctx.person.id, [item.id])
    return places.get(item.id, 1)
