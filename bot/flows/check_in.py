"""Check-in on the day: the lead's QR code and what someone who scans it hears.

    lead or coordinator ──> 📷 Check-in QR (on the activity, bot.flows.joining and
                            My Wijkbot) ──> a PNG per channel, its link as caption
    someone scans it    ──> /start c<id>_<signature> ──> checked in (signed up first
                            when there is room), or why not; nothing changes then
    not onboarded yet   ──> onboarding first, then checked in (bot.flows.onboarding)

The rules, the signature and the window are `bot.domain.check_in`'s.
"""

from __future__ import annotations

from bot.chat import links
from bot.chat.replies import File, Reply
from bot.domain import check_in
from bot.domain.check_in import CheckedIn
from bot.domain.models import Action
from bot.flows.steps import Context
from bot.i18n import N_, Html, escape
from bot.reports.qr import qr_png

_SAID = {
    CheckedIn.CHECKED_IN: N_("✅ You are checked in for {title}. Welcome!"),
    CheckedIn.JOINED: N_("✅ You are signed up and checked in for {title}. Welcome!"),
    CheckedIn.ALREADY: N_("You are already checked in for {title}."),
    CheckedIn.FULL: N_(
        "Sorry, {title} is full, so I could not check you in. Ask the organisers there."
    ),
    CheckedIn.OVER: N_("Check-in for {title} is closed. Nothing was changed."),
    CheckedIn.CANCELLED: N_("{title} is cancelled. Nothing was changed."),
}
INVALID = N_(
    "This check-in code is not valid. Nothing was changed. Ask the organisers for the code."
)
NOT_YET = N_("Check-in for {title} opens at {when}. Scan the code again then.")
AFTER_ONBOARDING = N_("Welcome! First a few questions, then I will check you in.")


async def codes(ctx: Context, action: Action) -> tuple[Reply, ...]:
    """The activity's check-in QR code with its link, one per channel (a code opens one
    app); refused (`NotAllowed`) to others."""
    t = ctx.t
    payload = await check_in.link_for(
        ctx.session, ctx.settings.signing_key(), action, ctx.person.id
    )
    opens, _ = check_in.window(action, ctx.settings.zone)
    explained = "📷 " + t._(
        "Check-in for {title}: let people scan this code on the day, from {opens}. "
        "Those who scan it are checked in; people who did not sign up too, if there is room.",
        title=action.title,
        opens=t.datetime(opens, ctx.settings.zone),
    )
    shown = links.labelled(ctx.start_links, payload)
    addresses = [start_link.to(payload) for start_link in ctx.start_links or links.UNKNOWN]
    return tuple(
        Reply(
            Html(explained + "\n" + escape(line)),
            picture=File(f"check-in-{action.id}.png", data=qr_png(address), mime="image/png"),
        )
        for line, address in zip(shown, addresses, strict=True)
    )


async def scanned(ctx: Context, payload: str) -> Reply:
    """Check the person in with an opened link, and say what became of it."""
    t = ctx.t
    result = await check_in.check_in(
        ctx.session, ctx.settings.signing_key(), payload, ctx.person, ctx.now, ctx.settings.zone
    )
    item = result.action
    if result.outcome is CheckedIn.INVALID or item is None:
        return Reply(t._(INVALID))
    if result.outcome is CheckedIn.NOT_YET:
        opens, _ = check_in.window(item, ctx.settings.zone)
        return Reply(t._(NOT_YET, title=item.title, when=t.datetime(opens, ctx.settings.zone)))
    return Reply(t._(_SAID[result.outcome], title=item.title))
