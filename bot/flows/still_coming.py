"""The answer to "Are you still coming?", the buttons on the reminder a day before an activity.

    ✅ yes ──> remembered (the lead sees it counted) ──> the reminder says "see you there"
    ❌ no  ──> the place is given up and offered to the waiting list ──> "thank you"
    pressed after the start, after leaving, or on an old reminder ──> said so, nothing changes

The button is pressed on a pushed message, perhaps in the middle of another conversation,
which stays where it was.
"""

from __future__ import annotations

from bot.chat.answers import Pressed, said, stamp_of
from bot.chat.limits import popup_text
from bot.chat.replies import Answer, Reply
from bot.delivery import places
from bot.delivery.kinds.activities import STILL_COMING as TOPIC
from bot.delivery.kinds.activities import reminder_text
from bot.domain import attendance
from bot.domain.attendance import Answered
from bot.domain.errors import NotAllowed
from bot.domain.models import Action, Signup
from bot.flows.steps import Context, Engine, PushedButton
from bot.i18n import Html

CHOICES = {"yes": True, "no": False}


async def answer(engine: Engine, ctx: Context, pressed: Pressed) -> Answer:
    t = ctx.t
    signup = await ctx.session.get(Signup, pressed.subject)
    if signup is not None and signup.person_id != ctx.person.id:
        raise NotAllowed("answer_still_coming", None)  # someone else's place
    item = await ctx.session.get(Action, signup.action_id) if signup is not None else None
    if (
        signup is None
        or item is None
        or pressed.choice not in CHOICES
        or pressed.stamp != stamp_of(signup.created_at)
    ):
        return said(t._("This button is no longer active."))
    coming = CHOICES[pressed.choice]
    answered, left = await attendance.still_coming(ctx.session, item, ctx.person, coming, ctx.now)
    if answered is Answered.STARTED:
        return said(
            t._(
                "{title} has already started, or is over or cancelled. Nothing was changed.",
                title=item.title,
            )
        )
    if answered is Answered.NOT_SIGNED_UP:
        return said(
            t._("You are no longer signed up for {title}. Nothing was changed.", title=item.title)
        )
    reminder = reminder_text(t, item, ctx.settings.zone)
    if coming:
        note = "✅ " + t._("Great, see you there! The organisers know you are coming.")
    else:
        await places.offer(ctx.session, left.offers, ctx.now)
        note = "🙏 " + t._(
            "Thank you for letting us know. Your place is now free for someone else."
        )
    return Answer([Reply(Html(reminder + "\n\n" + note), edit=True)], notice=popup_text(note))


STILL_COMING = PushedButton(TOPIC, answer)
