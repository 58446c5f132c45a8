"""The answer to "A place is free for ... Do you want it?", the buttons of an offered place.

    ✅ yes ──> the place is theirs (if the offer still stands) ──> "the place is yours"
    ❌ no  ──> off the waiting list, the place offered to the next ──> "thank you"
    pressed after the offer ended, after the start, or on an older offer ──> said so,
    nothing changes

Like "still coming?", the buttons work in the middle of any other conversation.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.chat.answers import Pressed, said
from bot.chat.limits import popup_text
from bot.chat.replies import Answer, Reply
from bot.delivery import places
from bot.delivery.kinds.activities import PLACE_OFFERED as TOPIC
from bot.domain import waiting_list
from bot.domain.errors import NotAllowed
from bot.domain.models import Action, Signup
from bot.flows.joining import offer_note
from bot.flows.steps import Context, Engine, PushedButton

CHOICES = {"yes": True, "no": False}


async def answer(engine: Engine, ctx: Context, pressed: Pressed) -> Answer:
    t = ctx.t
    signup = await ctx.session.get(Signup, pressed.subject)
    if signup is not None and signup.person_id != ctx.person.id:
        raise NotAllowed("answer_offer", None)  # an offer made to someone else
    item = await ctx.session.get(Action, signup.action_id) if signup is not None else None
    if signup is None or item is None or pressed.choice not in CHOICES:
        return said(t._("This button is no longer active."))
    take = CHOICES[pressed.choice]
    offer_ends_at = datetime.fromtimestamp(pressed.stamp, UTC)
    outcome, offers = await waiting_list.answer(
        ctx.session, item, ctx.person, take, ctx.now, offer_ends_at=offer_ends_at
    )
    await places.offer(ctx.session, offers, ctx.now)
    note = offer_note(ctx, item, outcome)
    if outcome in (waiting_list.Answer.TAKEN, waiting_list.Answer.DECLINED):
        return Answer([Reply(note, edit=True)], notice=popup_text(note))
    return said(note)


OFFERS = PushedButton(TOPIC, answer)
