"""The answer to "How did it go?", the button on the message to an activity's lead afterwards.

    📝 Tell how it went ──> My Wijkbot, "post an update" on the activity's initiative, with
                            the question put as "how did <activity> go?": a few words,
                            a photo, people reached ──> a progress update that names the
                            activity, for the initiative's followers
    pressed by someone who is not the lead ──> refused; after a report, or when the
    initiative stopped ──> said so, nothing changes

The report itself is My Wijkbot's update (`bot.flows.mine`): one way to post news.
"""

from __future__ import annotations

from bot.chat.answers import Pressed, said, stamp_of
from bot.chat.replies import Answer
from bot.delivery.kinds.activities import REPORT_BACK as TOPIC
from bot.domain import activity_reports
from bot.domain.activity_reports import Reportable
from bot.domain.errors import NotAllowed
from bot.domain.models import Action
from bot.flows.steps import Context, Engine, PushedButton

# Where the report begins in My Wijkbot: as if the lead had opened the initiative and
# pressed "Post an update", so that Back and the end lead to the initiative.
AT = ("overview", "own", "update_text")


async def answer(engine: Engine, ctx: Context, pressed: Pressed) -> Answer:
    t = ctx.t
    item = await ctx.session.get(Action, pressed.subject)
    if item is None or pressed.choice != "tell" or pressed.stamp != stamp_of(item.starts_at):
        return said(t._("This button is no longer active."))
    can, initiative = await activity_reports.reportable(ctx.session, item, ctx.person, ctx.now)
    if can is Reportable.NOT_LEAD or initiative is None:
        raise NotAllowed("report_back", item.neighbourhood_id)
    if can is Reportable.REPORTED:
        return said(t._("You already told how {title} went. Thank you!", title=item.title))
    if can is Reportable.NOT_OVER:
        return said(t._("You can tell how {title} went once it has taken place.", title=item.title))
    if can is Reportable.CLOSED:
        return said(t._("That is not possible any more."))
    return await engine.start(ctx, "mine", at=AT, initiative=initiative.id, report=item.id)


REPORTS = PushedButton(TOPIC, answer)
