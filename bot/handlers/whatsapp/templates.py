"""The templates for WhatsApp's 24-hour window: what a pushed message becomes outside it.

WhatsApp lets a business write freely only within 24 hours of the person's last
message; after that only templates Meta approved may be sent. Every kind of pushed
message a person can receive (all of `bot.delivery.kinds` but the `chat_*` posts in
groups) has one template here, `wijkbot_<kind>`, in every language:

    "Hello {name}, a reminder about an activity you joined:      <- the body, a gettext
                                                                   msgid per kind
     {message}                                                   <- the kind's rendered
                                                                   Reply, as one line
     Tap Open to see your activities in My Wijkbot."
    [ Open ]                                                     <- quick reply: "m:mine"

The body's named placeholders are Meta's numbered ones in the order of `PARAMETERS`
({name} is {{1}}, {message} is {{2}}); every translation keeps that order, and no body
starts or ends with a placeholder (Meta refuses both). The button's payload is a
main-menu button's data (`bot.chat.menu`), so a tap opens that entry as any menu
button does.

    template_message(kind, locale, first_name, reply)  what the sender posts ("template", body)
    creation_requests()                                 what an operator submits to Meta
    registry_for_emulator()                             name -> language -> body parameters
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.chat.limits import clip, utf16_length
from bot.chat.menu import PREFIX as MENU_PREFIX
from bot.chat.replies import Reply
from bot.config import SUPPORTED_LOCALES
from bot.handlers.whatsapp.formatting import to_whatsapp
from bot.i18n import N_, Html, Translator, translator

NAME_PREFIX = "wijkbot_"
PARAMETERS = ("name", "message")  # {{1}}, {{2}}: the order of the body's parameters
BODY_LIMIT = 1024  # Meta's limit of a template's body, parameters filled in
NAME_LIMIT = 40  # a first name shown in a body; the message gets the rest
EMPTY_MESSAGE = "…"  # a picture without a caption: Meta refuses an empty parameter
SENTENCE_ENDS = (".", ":", "!", "?", "…", "؟")  # a line ending so needs no separator
BULLET = "•"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Category(StrEnum):
    """Meta's template categories: UTILITY for what concerns something the person did or
    holds (an activity joined, a proposal, a task of their role); MARKETING for
    celebrations, news, broadcasts and invitations back (Meta's guidelines count
    newsletters, thanks and re-engagement as marketing)."""

    UTILITY = "UTILITY"
    MARKETING = "MARKETING"


@dataclass(frozen=True, slots=True)
class Template:
    kind: str  # the kind of pushed message (bot.delivery.kinds)
    category: Category
    entry: str  # the main-menu entry its Open button opens (bot.flows.registry)
    body: str  # an N_() msgid with {name} and {message}
    example: Callable[[Translator], str]  # a message as the kind renders it, for Meta's review

    @property
    def name(self) -> str:
        return NAME_PREFIX + self.kind


# Made-up names for the examples Meta's reviewers read; titles are typed by residents,
# so they stay as typed in every language.
_ACTIVITY, _INITIATIVE = "Buurtlunch Zamenhofdreef", "Moestuin Taagdreef"
_NEIGHBOURHOOD, _ORGANISATION, _PERSON = "Overvecht", "Buurtteam Overvecht", "Fatma"
_WHEN = datetime(2027, 3, 20, 11, 0, tzinfo=UTC)
_ZONE = ZoneInfo("Europe/Amsterdam")


def _when(t: Translator) -> str:
    return t._("When: {when}", when=t.datetime(_WHEN, _ZONE))


def _commitment(t: Translator, message: str) -> str:
    return t._(message, what="Speeltuin repareren", due=t.day(date(2027, 3, 20)))


U, M = Category.UTILITY, Category.MARKETING
TEMPLATES: dict[str, Template] = {
    item.kind: item
    for item in (
        Template(
            "notice",
            U,
            "mine",
            N_(
                "Hello {name}, here is a message about something you did or asked for in "
                "Wijkbot:\n\n{message}\n\nTap Open to go to My Wijkbot."
            ),
            lambda t: t._("Thank you for your support! You will hear how it goes."),
        ),
        Template(
            "broadcast",
            M,
            "home",
            N_(
                "Hello {name}, the coordinators of your neighbourhood have a message for you:"
                "\n\n{message}\n\nTap Open to see what is happening in your buurt."
            ),
            lambda t: (
                "📣 "
                + t._(
                    "Message from the coordinators of {neighbourhood}", neighbourhood=_NEIGHBOURHOOD
                )
                + "\nZaterdag ruimen we samen de speeltuin op. Doe je mee?"
            ),
        ),
        Template(
            "broadcast_report",
            U,
            "broadcast",
            N_(
                "Hello {name}, here is how your message to the residents went:\n\n{message}"
                "\n\nTap Open to see your messages and their reports."
            ),
            lambda t: t._(
                "📣 Your message has gone out. Sent: {sent}. Could not be reached: "
                "{unreachable}. Failed: {failed}.",
                sent=412,
                unreachable=3,
                failed=0,
            ),
        ),
        Template(
            "action_reminder",
            U,
            "mine",
            N_(
                "Hello {name}, a reminder about an activity you joined:\n\n{message}\n\n"
                "Tap Open to see your activities in My Wijkbot."
            ),
            lambda t: "⏰ " + t._("Reminder: {title}", title=_ACTIVITY) + "\n" + _when(t),
        ),
        Template(
            "place_offered",
            U,
            "mine",
            N_(
                "Hello {name}, a place has become free for you at an activity:\n\n{message}"
                "\n\nTap Open to answer in My Wijkbot."
            ),
            lambda t: (
                "🎟️ "
                + t._("A place is free for {title}. Do you want it?", title=_ACTIVITY)
                + "\n"
                + _when(t)
            ),
        ),
        Template(
            "celebration_action_done",
            M,
            "agenda",
            N_(
                "Hello {name}, thank you for taking part in an activity in your neighbourhood:"
                "\n\n{message}\n\nTap Open to find more activities."
            ),
            lambda t: (
                "🎉 "
                + t.n_(
                    "{title} has taken place. Thank you for coming! {n} neighbour came.",
                    "{title} has taken place. Thank you for coming! {n} neighbours came.",
                    14,
                    title=_ACTIVITY,
                )
            ),
        ),
        Template(
            "report_request",
            U,
            "mine",
            N_(
                "Hello {name}, an activity you lead has taken place:\n\n{message}\n\n"
                "Tap Open to tell how it went in My Wijkbot."
            ),
            lambda t: (
                "📝 "
                + t._(
                    "{title} has taken place. How did it go? Tell the followers of “{initiative}” "
                    "in a few words, with a photo and how many people you reached if you like.",
                    title=_ACTIVITY,
                    initiative=_INITIATIVE,
                )
            ),
        ),
        Template(
            "nudge_draft",
            M,
            "propose",
            N_(
                "Hello {name}, you have a proposal that you have not sent yet:\n\n{message}"
                "\n\nTap Open to continue your proposal."
            ),
            lambda t: t._(
                "You started a proposal, “{title}”, but did not send it yet.", title=_INITIATIVE
            ),
        ),
        Template(
            "nudge_silent",
            M,
            "mine",
            N_(
                "Hello {name}, a question about your initiative:\n\n{message}\n\n"
                "Tap Open to post an update in My Wijkbot."
            ),
            lambda t: t._(
                "How is “{title}” going? A short update keeps your supporters on board.",
                title=_INITIATIVE,
            ),
        ),
        Template(
            "celebration_milestone",
            M,
            "mine",
            N_(
                "Hello {name}, good news about an initiative you support:\n\n{message}\n\n"
                "Tap Open to see it in My Wijkbot."
            ),
            lambda t: (
                "🎉 "
                + t.n_(
                    "“{title}” now has {n} supporter!",
                    "“{title}” now has {n} supporters!",
                    25,
                    title=_INITIATIVE,
                )
            ),
        ),
        Template(
            "progress_update",
            M,
            "mine",
            N_(
                "Hello {name}, there is news from an initiative you follow:\n\n{message}\n\n"
                "Tap Open to see the initiatives you support in My Wijkbot."
            ),
            lambda t: (
                "📣 "
                + t._("News from “{title}”:", title=_INITIATIVE)
                + "\nDe eerste tomaten zijn geoogst!\n"
                + t.n_("{n} person reached.", "{n} people reached.", 30)
            ),
        ),
        Template(
            "review_decision",
            U,
            "mine",
            N_(
                "Hello {name}, the coordinators have decided on your proposal:\n\n{message}"
                "\n\nTap Open to see your proposals in My Wijkbot."
            ),
            lambda t: (
                "🎉 "
                + t._(
                    "Good news! Your proposal “{title}” is approved. Neighbours can now find and "
                    "support it.",
                    title=_INITIATIVE,
                )
            ),
        ),
        Template(
            "celebration_result",
            M,
            "mine",
            N_(
                "Hello {name}, an initiative you support has a result:\n\n{message}\n\n"
                "Tap Open to see your initiatives in My Wijkbot."
            ),
            lambda t: (
                "🏆 "
                + t._("A result for “{title}”!", title=_INITIATIVE)
                + "\n40 kilo groente voor de voedselbank\n"
                + t.number(40)
            ),
        ),
        Template(
            "help_offered",
            U,
            "mine",
            N_(
                "Hello {name}, an organisation offers help with your initiative:\n\n{message}"
                "\n\nTap Open to see your initiative in My Wijkbot."
            ),
            lambda t: (
                "🤝 "
                + t._(
                    "{organisation} offers help with “{title}”. A coordinator can link them to it.",
                    organisation=_ORGANISATION,
                    title=_INITIATIVE,
                )
            ),
        ),
        Template(
            "review_request",
            U,
            "review",
            N_(
                "Hello {name}, a new proposal is waiting for your review:\n\n{message}\n\n"
                "Tap Open to review proposals."
            ),
            lambda t: t._(
                "📝 New proposal to review: “{title}” by {name}.", title=_INITIATIVE, name=_PERSON
            ),
        ),
        Template(
            "proposals_summary",
            U,
            "review",
            N_(
                "Hello {name}, here are the new proposals of the past day:\n\n{message}\n\n"
                "Tap Open to review proposals."
            ),
            lambda t: (
                "🗂️ "
                + t.n_(
                    "{n} new proposal to review in {neighbourhood}:",
                    "{n} new proposals to review in {neighbourhood}:",
                    2,
                    neighbourhood=_NEIGHBOURHOOD,
                )
                + "\n• "
                + t._("“{title}” by {name}", title=_INITIATIVE, name=_PERSON)
                + "\n• "
                + t._("“{title}” by {name}", title="Taalcafé", name="Piotr")
            ),
        ),
        Template(
            "commitment_due",
            U,
            "commitments",
            N_(
                "Hello {name}, a commitment of your organisation is due soon:\n\n{message}\n\n"
                "Tap Open to update it."
            ),
            lambda t: (
                "⏰ "
                + _commitment(
                    t, N_("Reminder: “{what}” is due on {due}. Update it under Our commitments.")
                )
            ),
        ),
        Template(
            "commitment_overdue",
            U,
            "commitments",
            N_(
                "Hello {name}, a commitment of your organisation is overdue:\n\n{message}\n\n"
                "Tap Open to update it."
            ),
            lambda t: (
                "⚠️ "
                + _commitment(
                    t, N_("“{what}” was due on {due}. How is it going? Please update it.")
                )
            ),
        ),
        Template(
            "overdue_summary",
            U,
            "commitments",
            N_(
                "Hello {name}, some commitments of partners in your neighbourhood are overdue:"
                "\n\n{message}\n\nTap Open to see the commitments."
            ),
            lambda t: (
                "⚠️ "
                + t.n_("{n} commitment is overdue:", "{n} commitments are overdue:", 2)
                + "\n• Speeltuin repareren\n• Buurthuis open op zondag"
            ),
        ),
        Template(
            "celebration_goal",
            M,
            "home",
            N_(
                "Hello {name}, your neighbourhood has come closer to one of its goals:\n\n"
                "{message}\n\nTap Open to see the goals of your buurt."
            ),
            lambda t: (
                "🎉 "
                + t._(
                    "{neighbourhood} is {percent} of the way to a goal!",
                    neighbourhood=_NEIGHBOURHOOD,
                    percent=t.percent(50),
                )
            ),
        ),
        Template(
            "weekly_digest",
            M,
            "home",
            N_(
                "Hello {name}, here is this week's news from your neighbourhood:\n\n{message}"
                "\n\nTap Open to see more about your buurt."
            ),
            lambda t: (
                "🎉 "
                + t._("This week in {neighbourhood}", neighbourhood=_NEIGHBOURHOOD)
                + "\n• "
                + t.n_("{n} new initiative", "{n} new initiatives", 2)
                + "\n• "
                + t.n_("{n} activity", "{n} activities", 5)
            ),
        ),
        Template(
            "network_report",
            U,
            "stats",
            N_(
                "Hello {name}, here is last month's report on the network in your "
                "neighbourhood:\n\n{message}\n\nTap Open to see the statistics."
            ),
            lambda t: (
                "📊 "
                + t._(
                    "{neighbourhood} in {month}: the state of the network",
                    neighbourhood=_NEIGHBOURHOOD,
                    month=t.date(_WHEN, _ZONE),
                )
                + "\n• "
                + t.n_("{n} resident active", "{n} residents active", 120)
            ),
        ),
        Template(
            "silence_invitation",
            M,
            "agenda",
            N_(
                "Hello {name}, something is coming up in your neighbourhood:\n\n{message}\n\n"
                "Tap Open to see the activities."
            ),
            lambda t: (
                t._("This is coming up and may interest you:") + "\n" + _ACTIVITY + "\n" + _when(t)
            ),
        ),
    )
}


def template_of(kind: str) -> Template:
    """The template of a kind a person receives; KeyError for a post in a group (chat_*)."""
    try:
        return TEMPLATES[kind]
    except KeyError:
        raise KeyError(f"no WhatsApp template for the kind {kind!r}") from None


def one_line(text: Html) -> str:
    """A reply's text as one line of WhatsApp text, as a template parameter must be: no
    newlines or tabs, no runs of spaces; its lines joined with " · " unless a line ends a
    sentence, its bullets dropped (the separator shows them). WhatsApp's marks are set
    per line (`formatting`), so joining lines never pairs a mark with another line's."""
    joined = ""
    for raw in to_whatsapp(text).splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        bullet = line.startswith(BULLET)
        line = line.removeprefix(BULLET).lstrip()
        if joined:
            joined += " · " if bullet or not joined.endswith(SENTENCE_ENDS) else " "
        joined += line
    return joined


def first_name_of(t: Translator, first_name: str) -> str:
    """The name a body greets: what the person gave, on one line and short; a neutral word
    when they gave none."""
    name = " ".join(first_name.split())
    return clip(name, NAME_LIMIT) if name else t._("neighbour")


def parameters(template: Template, t: Translator, first_name: str, text: Html) -> list[str]:
    """The body's parameter values in `PARAMETERS` order, the message clipped so that the
    whole body stays within BODY_LIMIT."""
    name = first_name_of(t, first_name)
    frame = t._(template.body).format(name=name, message="")
    message = clip(one_line(text), BODY_LIMIT - utf16_length(frame)) or EMPTY_MESSAGE
    return [name, message]


def template_message(kind: str, locale: str, first_name: str, reply: Reply) -> tuple[str, dict]:
    """The Graph API message ("template", body) for a pushed message's rendered `reply`,
    in the person's language, greeting them by `first_name`."""
    template = template_of(kind)
    t = translator(locale)
    values = parameters(template, t, first_name, reply.text)
    return "template", {
        "name": template.name,
        "language": {"code": locale},  # Wijkbot's language codes are Meta's: nl, en, tr, ...
        "components": [
            {"type": "body", "parameters": [{"type": "text", "text": v} for v in values]},
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "0",
                "parameters": [{"type": "payload", "payload": MENU_PREFIX + template.entry}],
            },
        ],
    }


def numbered(body: str) -> str:
    """A body with Meta's numbered parameters: {name} -> {{1}}, {message} -> {{2}}."""
    return _PLACEHOLDER.sub(lambda m: f"{{{{{PARAMETERS.index(m[1]) + 1}}}}}", body)


def creation_request(template: Template, locale: str) -> dict[str, Any]:
    """One template in one language as Meta's template creation API takes it."""
    t = translator(locale)
    example = parameters(template, t, _PERSON, Html(template.example(t)))
    return {
        "name": template.name,
        "language": locale,
        "category": template.category.value,
        "components": [
            {
                "type": "BODY",
                "text": numbered(t._(template.body)),
                "example": {"body_text": [example]},
            },
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": t._("Open")}]},
        ],
    }


def creation_requests() -> list[dict[str, Any]]:
    """Every template in every language, ready to submit to Meta."""
    return [
        creation_request(template, locale)
        for template in TEMPLATES.values()
        for locale in SUPPORTED_LOCALES
    ]


def printed() -> str:
    """The creation requests as `wijkbot whatsapp templates` prints them (and
    docs/whatsapp-templates.json holds them)."""
    return json.dumps(creation_requests(), ensure_ascii=False, indent=2) + "\n"


def registry_for_emulator() -> dict[str, dict[str, int]]:
    """Template name -> language code -> number of body parameters (the emulator's
    `templates`)."""
    return {
        template.name: {locale: len(PARAMETERS) for locale in SUPPORTED_LOCALES}
        for template in TEMPLATES.values()
    }
