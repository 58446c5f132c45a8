"""Telegram's limits, and fitting what people typed into them.

Lengths are counted as Telegram counts them, in UTF-16 code units: most emoji
count twice. Text a person typed is fitted before it is escaped, so a cut never
leaves half an HTML entity (`&am…`):

    fit(frame, typed, limit)   the frame around the text, measured; the text clipped to the rest
    bounded(t, head, items)    as many list lines as fit, then "… and 12 more"
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from bot.i18n import Html, Translator, escape

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
POPUP_LIMIT = 200  # a button press's pop-up (answerCallbackQuery text)
NOTE_ROOM = 600  # a step's screen leaves room for a note shown above it ("Saved: …")
_TAG = re.compile(r"<[^>]*>")


def plain_text(text: str) -> str:
    """HTML text as a person reads it, for places Telegram shows without parsing (a button
    press's pop-up): tags dropped, entities read."""
    return html.unescape(_TAG.sub("", text))


def popup_text(text: str) -> str:
    """HTML text as a pop-up shows it: plain (Telegram does not parse it) and within
    POPUP_LIMIT, clipped with "…" (a longer one is refused, and no pop-up appears)."""
    return clip(plain_text(text), POPUP_LIMIT)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (a character beyond U+FFFF counts 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def visible_length(text: str) -> int:
    """Length of HTML text as Telegram counts it: after parsing, in UTF-16 code units."""
    return utf16_length(plain_text(text))


def clip(text: str, limit: int) -> str:
    """Shorten a person's text (before escaping) to at most `limit` UTF-16 code units.

    Cut between characters (never inside a surrogate pair), ending in "…".
    """
    if utf16_length(text) <= limit:
        return text
    used = 0
    for end, character in enumerate(text):
        used += 2 if ord(character) > 0xFFFF else 1
        if used > limit - 1:  # room for the "…"
            return text[:end].rstrip() + "…"
    return text


def fit(frame: Callable[[Html], Html], typed: str, limit: int) -> Html:
    """`frame(text)` with the person's `typed` text clipped so that the whole fits `limit`."""
    room = limit - visible_length(frame(Html("")))
    return frame(escape(clip(typed, max(room, 1))))


def and_more(t: Translator, n: int) -> Html:
    """The line that stands for `n` items a list leaves out."""
    return t.n_("… and {n} more", "… and {n} more", n)


def bounded(
    t: Translator,
    head: Sequence[str],
    items: Sequence[str],
    limit: int = TEXT_LIMIT - NOTE_ROOM,
    *,
    most: int | None = None,
) -> tuple[list[str], int]:
    """`head` and as many `items` lines as fit in `limit` (and at most `most`), then
    "… and {n} more" for the rest; with how many items are shown (for their buttons).

    The lines are joined with newlines by the caller; the sum leaves room for them.
    """
    lines = list(head)
    used = sum(visible_length(line) + 1 for line in lines)
    for shown, item in enumerate(items):
        left = len(items) - shown - 1
        reserve = visible_length(and_more(t, left)) + 1 if left else 0
        if shown == most or used + visible_length(item) + 1 + reserve > limit:
            return [*lines, and_more(t, len(items) - shown)], shown
        lines.append(item)
        used += visible_length(item) + 1
    return lines, len(items)
