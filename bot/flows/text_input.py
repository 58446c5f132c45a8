"""Reading what people type: text within limits, numbers, dates, moments. Problems come back as
hints; the questions that use these readers are the widgets in `bot.flows.widgets`.

Text is stored exactly as typed (HTML, markdown, emoji, right-to-left marks
and all); it is escaped when shown. Only its length and emptiness are judged,
and "empty" includes text made of invisible characters only. Length is counted
as Telegram counts it (UTF-16 code units: most emoji count 2), so that a limit
offered here is a limit that holds where the text is shown later.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, tzinfo

from bot.chat.limits import utf16_length
from bot.flows.typed_dates import Reading, read_day, words
from bot.i18n import Html, Translator

DATE_TYPED_LIMIT = 100  # characters read of a typed date: no day needs more
_TIME = re.compile(r"^\s*(.+?)\s+(\d{1,2})[:.](\d{2})\s*$")


def _invisible(character: str) -> bool:
    return character.isspace() or unicodedata.category(character) in ("Cf", "Zs", "Cc")


def clean_text(t: Translator, text: str, limit: int) -> tuple[str, Html | None]:
    """(text, None) when it is fine, else ("", a hint saying what to change)."""
    value = text.strip()
    if not value or all(_invisible(character) for character in value):
        return "", t._("That was empty. Please type some text.")
    length = utf16_length(value)
    if length > limit:
        return "", t._(
            "That is {length} characters (an emoji counts as 2); at most {limit} fit. "
            "Please make it shorter.",
            length=length,
            limit=limit,
        )
    return value, None


def folded(text: str) -> str:
    """`text` as a name is compared: without case, accents, spaces or punctuation, so that
    " vechtzoom noord. " and "Vechtzoom-Noord" are the same name, and so are "Cafe" and "Café"."""
    return "".join(character for character in words(text) if character.isalnum())


def parse_number(t: Translator, text: str, low: int, high: int) -> tuple[int, Html | None]:
    digits = text.strip()
    if not digits.isdigit():
        return 0, t._("Please type a number, for example 4.")
    number = int(digits)
    if not low <= number <= high:
        return 0, t._("Please type a number from {low} to {high}.", low=low, high=high)
    return number, None


def parse_date(
    t: Translator, text: str, *, today: date, not_before: date
) -> tuple[Reading | None, Html | None]:
    """A day as typed in the person's language: 21-3-2026, 9/1, "9 januari", "morgen",
    "next Saturday" (see `typed_dates`), not before `not_before`."""
    too_long = len(text) > DATE_TYPED_LIMIT
    reading = None if too_long else read_day(text, t.locale, today=today, not_before=not_before)
    if reading is None:
        return None, t._("I cannot read that date. Please type it like 21-3-2026.")
    if reading.day < not_before:
        return None, t._("That date has passed. Please choose a later date.")
    return reading, None


def parse_moment(
    t: Translator, text: str, zone: tzinfo, *, after: datetime
) -> tuple[datetime | None, bool, Html | None]:
    """A day (as `parse_date` reads it) and a time of day such as 19:00 (also 19.00), in
    `zone`, later than `after`; the flag says whether the day was typed in full."""
    match = _TIME.match(text)
    today = after.astimezone(zone).date()
    day, problem = parse_date(t, match[1], today=today, not_before=today) if match else (None, None)
    if problem:
        return None, False, problem
    if match is None or day is None or int(match[2]) > 23 or int(match[3]) > 59:
        return None, False, t._("Please type a date and time like 21-3-2026 19:00.")
    moment = datetime.combine(day.day, time(int(match[2]), int(match[3])), tzinfo=zone)
    if moment <= after:
        return None, False, t._("That time has passed. Please choose a later time.")
    return moment, day.exact, None
