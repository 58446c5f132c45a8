"""Commands typed as words: WhatsApp has no slash commands, so each has keywords per language.

    "vergeet" ─┐
    "unut"    ─┼─> normalised (case, accents, punctuation) ─> Event(Kind.COMMAND, command="forget")
    "forget"  ─┘
    "/forget" ──> Event.from_text, as on Telegram
    "start i…" ──> /start with an invite's or check-in's payload (a wa.me link's text)

A keyword is the whole message ("vergeet", not "vergeet mijn voorstel"), in any of
Wijkbot's languages: a person who has not chosen a language yet, or who writes
in another one, is still understood. Each command's keywords are one catalog
entry, its msgid the English words, separated by commas ("cancel, stop"); a
translation may give several words too. The command's own name always works.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from bot.chat import links
from bot.chat.events import Event, Kind
from bot.config import SUPPORTED_LOCALES
from bot.domain import check_in, invites
from bot.i18n import N_, translator

# Every command of the registry (bot/flows/registry.py) and its keywords' msgid;
# tests/unit/whatsapp/test_keywords.py checks that none is missing.
KEYWORDS: dict[str, str] = {
    "start": N_("start"),
    "menu": N_("menu"),
    "help": N_("help"),
    "cancel": N_("cancel, stop"),
    "mydata": N_("mydata, my data"),
    "forget": N_("forget, forget me"),
    "language": N_("language"),
    "propose": N_("propose"),
    "public": N_("public"),
    "stats": N_("stats, statistics"),
    "invite": N_("invite"),
    "review": N_("review"),
    "result": N_("result"),
    "goals": N_("goals"),
    "group": N_("group"),
    "broadcast": N_("broadcast"),
    "roles": N_("roles"),
    "commitments": N_("commitments"),
}
_LONGEST = 40  # characters: a longer message is never a keyword (no need to look it up)
_SPACES = re.compile(r"\s+")
_EDGES = ".,!?¡¿…:;'\"()*_~ \u061f\u060c"  # punctuation around a word, Arabic ؟ and ، too


def normalised(text: str) -> str:
    """How a keyword is compared: lower case, no accents or marks, single spaces, no
    punctuation around it ("Menü!" and "menu" are alike, as are "İPTAL" and "iptal", and
    "YARDIM" and "yardım": Turkish dotless ı is compared as i)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", bare).strip(_EDGES)


@cache
def keyword_commands() -> dict[str, str]:
    """Every keyword in every language -> its command; raises ValueError when a word
    would name two commands (a translation that needs changing)."""
    found: dict[str, str] = {}
    for command, msgid in KEYWORDS.items():
        words = {command, *msgid.split(",")}
        for locale in SUPPORTED_LOCALES:
            words.update(translator(locale)._(msgid).split(","))
        for word in filter(None, map(normalised, words)):
            if found.setdefault(word, command) != command:
                raise ValueError(f"the keyword {word!r} names {found[word]} and {command}")
    return found


def _start_with_payload(text: str) -> Event | None:
    """ "start <payload>", as a wa.me link of an invite or a check-in code types it
    (bot.chat.links): /start <payload>. Only a payload of those shapes, so that a title
    typed as "Start the garden" stays text."""
    head, _, payload = text.strip().partition(" ")
    payload = payload.strip()
    if normalised(head) != links.START:
        return None
    if invites.looks_like_invite(payload) or check_in.looks_like_check_in(payload):
        return Event(Kind.COMMAND, text=text, command=links.START, args=payload)
    return None


def event_of_text(text: str) -> Event:
    """A typed message: a command when it is a keyword (or "start" with an invite's or a
    check-in's payload) or starts with "/", else text."""
    started = _start_with_payload(text)
    if started is not None:
        return started
    if len(text) <= _LONGEST:
        command = keyword_commands().get(normalised(text))
        if command is not None:
            return Event(Kind.COMMAND, text=text, command=command, keyword=True)
    return Event.from_text(text)
