"""A day as people type it, in their own language: the words come from CLDR (through Babel),
so every catalog language reads the same forms without word lists of our own.

    "21-3-2026"  "9/1"  "9.1.27"  "٩/١"        digits, day first; Arabic-Indic digits too
    "9 januari"  "January 9th"  "9 stycznia"   a day and a month name (wide or short, either case)
    "morgen"  "pojutrze"  "بعد الغد"            CLDR's relative days (today, tomorrow, …)
    "zaterdag"  "next Saturday"  "السبت القادم"  CLDR's weekdays and "this/next/last <weekday>"

A date without a year is the next such date on or after `not_before`; a weekday is
the next one from today ("next Saturday" the first after today, and Dutch "volgende
week zaterdag", whose words say "next week", the one in next week). A date with
its year in four digits is `exact`; everything else is an interpretation that the
asking step shows back for a yes. Names are compared as `folded` words, so case
and accents do not matter; the person's language is tried first, then the others.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from babel import Locale

from bot.config import SUPPORTED_LOCALES

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # CLDR's keys, Monday = 0
YEARS_AHEAD = 8  # 29 February without a year: the next leap year is at most 8 years away

_NUMERIC = re.compile(
    r"^(\d{1,2})(?:\s*[-./]\s*|\s+)(\d{1,2})(?:(?:\s*[-./]\s*|\s+)(\d{4}|\d{2}))?$"
)
_DAY = re.compile(r"^(\d{1,2})[^\W\d]{0,3}$")  # 9, 9th, 9e, 9ste
_YEAR = re.compile(r"^\d{4}$")
# Letters whose accent Unicode does not take off by decomposing: Polish ł, Turkish ı (what
# "YARIN" becomes when lowered is "yarin", so "yarın" has to meet it there).
_BARE = str.maketrans({"ł": "l", "ı": "i"})


@dataclass(frozen=True, slots=True)
class Reading:
    day: date
    exact: bool  # typed in full as digits: nothing to confirm


def words(text: str) -> str:
    """Lower case, without accents or punctuation, digits as ASCII, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_BARE))
    kept = (
        str(unicodedata.digit(c)) if c.isdigit() else c if c.isalnum() or c in "-./" else " "
        for c in decomposed
        if not unicodedata.combining(c)
    )
    return " ".join("".join(kept).split())


def _plain(text: str) -> str:
    """`words` without the dots, dashes and slashes that only digits need."""
    return " ".join(re.sub(r"[-./]", " ", words(text)).split())


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """One language's words for days, from CLDR."""

    relative: dict[str, int]  # "morgen" -> 1 (days from today)
    weekdays: dict[str, tuple[int, int]]  # "volgende week zaterdag" -> (5, next week's)
    months: dict[str, int]  # "januari", "jan" -> 1
    filler: frozenset[str]  # words of the full date pattern, such as Ukrainian "р."


THIS, FIRST_AFTER_TODAY, NEXT_WEEK, LAST = 0, 1, 2, -1


@cache
def _vocabulary(code: str) -> _Vocabulary:
    locale = Locale.parse(code)
    fields = locale._data["date_fields"]  # Babel exposes CLDR's relative fields only here
    relative = {_plain(p): n for n, p in fields["day"]["relative"].items()}
    next_week = _plain(fields["week"]["relative"][1])
    weekdays: dict[str, tuple[int, int]] = {}
    months: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            weekdays |= {_plain(n): (d, THIS) for d, n in locale.days[context][width].items()}
            months |= {_plain(n): m for m, n in locale.months[context][width].items()}
    for day, key in enumerate(WEEKDAYS):
        for n, phrase in fields[key]["relative"].items():
            said = _plain(phrase)
            meaning = {-1: LAST, 0: THIS}.get(
                n, NEXT_WEEK if next_week in said else FIRST_AFTER_TODAY
            )
            weekdays[said] = (day, meaning)
    pattern = locale.date_formats["full"].pattern
    filler = frozenset(_plain(" ".join(re.findall(r"'([^']+)'", pattern))).split())
    return _Vocabulary(relative, weekdays, months, filler)


def _weekday(today: date, day: int, meaning: int) -> date:
    ahead = (day - today.weekday()) % 7
    if meaning == THIS:
        return today + timedelta(days=ahead)
    if meaning == FIRST_AFTER_TODAY:
        return today + timedelta(days=ahead or 7)
    if meaning == NEXT_WEEK:
        return today + timedelta(days=7 - today.weekday() + day)
    return today - timedelta(days=(today.weekday() - day) % 7 or 7)


def _next(day: int, month: int, not_before: date) -> date | None:
    """The first `day`-`month` on or after `not_before`."""
    for year in range(not_before.year, not_before.year + YEARS_AHEAD + 1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found >= not_before:
            return found
    return None


def _on(day: int, month: int, year: str | None, not_before: date) -> Reading | None:
    if year is None:
        found = _next(day, month, not_before)
        return Reading(found, exact=False) if found else None
    try:
        return Reading(
            date(int(year) + (2000 if len(year) == 2 else 0), month, day), len(year) == 4
        )
    except ValueError:
        return None


def _named(said: str, vocabulary: _Vocabulary, not_before: date) -> Reading | None:
    """A day and a month name, maybe a year and the weekday, in any order."""
    day = month = year = None
    for word in said.split():
        if (found := _DAY.match(word)) and day is None:
            day = int(found[1])
        elif word in vocabulary.months and month is None:
            month = vocabulary.months[word]
        elif _YEAR.match(word) and year is None:
            year = word
        elif word not in vocabulary.weekdays and word not in vocabulary.filler:
            return None
    return _on(day, month, year, not_before) if day and month else None


def read_day(text: str, locale: str, *, today: date, not_before: date) -> Reading | None:
    """The day `text` means for someone writing in `locale`, or None when it is no day."""
    said = words(text).strip(" .")
    if numeric := _NUMERIC.match(said):
        return _on(int(numeric[1]), int(numeric[2]), numeric[3], not_before)
    said = _plain(said)
    for code in (locale, *(c for c in SUPPORTED_LOCALES if c != locale)):
        vocabulary = _vocabulary(code)
        if said in vocabulary.relative:
            return Reading(today + timedelta(days=vocabulary.relative[said]), exact=False)
        if said in vocabulary.weekdays:
            return Reading(_weekday(today, *vocabulary.weekdays[said]), exact=False)
        if found := _named(said, vocabulary, not_before):
            return found
    return None
