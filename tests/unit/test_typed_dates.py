"""Reading typed days in every catalog language, on a fixed today: Monday 2 March 2026."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config import SUPPORTED_LOCALES
from bot.flows.text_input import folded, parse_date
from bot.flows.typed_dates import Reading, read_day
from bot.i18n import translator

TODAY = date(2026, 3, 2)  # a Monday
TOMORROW, SATURDAY, NEXT_WEEKS_SATURDAY = date(2026, 3, 3), date(2026, 3, 7), date(2026, 3, 14)
NINTH_OF_JANUARY = date(2027, 1, 9)  # no year typed: the next 9 January, in 2027


def read(text: str, locale: str, not_before: date = TODAY) -> Reading | None:
    return read_day(text, locale, today=TODAY, not_before=not_before)


@pytest.mark.parametrize(
    ("locale", "text", "day"),
    [
        ("nl", "9 januari", NINTH_OF_JANUARY),
        ("nl", "morgen", TOMORROW),
        ("nl", "Overmorgen", date(2026, 3, 4)),
        ("nl", "zaterdag", SATURDAY),
        ("nl", "volgende week zaterdag", NEXT_WEEKS_SATURDAY),  # the words say "next week"
        ("nl", "za 9 jan.", NINTH_OF_JANUARY),
        ("en", "next Saturday", SATURDAY),
        ("en", "January 9th", NINTH_OF_JANUARY),
        ("en", "today", TODAY),
        ("en", "next Monday", date(2026, 3, 9)),  # today is Monday: the first one after today
        ("en", "monday", TODAY),
        ("tr", "yarın", TOMORROW),
        ("tr", "YARIN", TOMORROW),
        ("tr", "9 Ocak", NINTH_OF_JANUARY),
        ("tr", "gelecek cumartesi", SATURDAY),
        ("ar", "غدًا", TOMORROW),
        ("ar", "غدا", TOMORROW),  # typed without the vowel mark
        ("ar", "بعد الغد", date(2026, 3, 4)),
        ("ar", "٩ يناير", NINTH_OF_JANUARY),  # Arabic-Indic digits
        ("ar", "٩/١", NINTH_OF_JANUARY),
        ("ar", "السبت القادم", SATURDAY),
        ("pl", "jutro", TOMORROW),
        ("pl", "pojutrze", date(2026, 3, 4)),
        ("pl", "9 stycznia", NINTH_OF_JANUARY),
        ("pl", "9 styczeń", NINTH_OF_JANUARY),
        ("pl", "9 sty", NINTH_OF_JANUARY),
        ("pl", "w przyszłą sobotę", SATURDAY),
        ("pl", "w przyszla sobote", SATURDAY),  # without Polish letters
        ("uk", "завтра", TOMORROW),
        ("uk", "9 січня", NINTH_OF_JANUARY),
        ("uk", "наступної суботи", SATURDAY),
        ("nl", "9/1", NINTH_OF_JANUARY),  # day first, as in every catalog language
        ("nl", "9-1", NINTH_OF_JANUARY),
        ("nl", "9.1", NINTH_OF_JANUARY),
        ("en", "9.1.27", NINTH_OF_JANUARY),  # a year in two digits is still confirmed
        ("nl", "2 maart", TODAY),  # today is not in the past
        ("nl", "1 maart", date(2027, 3, 1)),  # yesterday's day and month: next year's
        ("en", "29 February", date(2028, 2, 29)),  # the next year that has one
    ],
)
def test_a_day_typed_in_words_or_without_its_year_is_read_and_to_be_confirmed(
    locale: str, text: str, day: date
) -> None:
    assert read(text, locale) == Reading(day, exact=False)


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("nl", "21-3-2026"),
        ("en", "21/3/2026"),
        ("nl", "21 3 2026"),
        ("ar", "٢١/٣/٢٠٢٦"),
        ("nl", "zaterdag 21 maart 2026"),  # the way the bot writes a date, copied back
        ("en", "Saturday, March 21, 2026"),
        ("tr", "21 Mart 2026 Cumartesi"),
        ("ar", "السبت، 21 مارس 2026"),
        ("pl", "sobota, 21 marca 2026"),
        ("uk", "субота, 21 березня 2026 р."),
    ],
)
def test_a_full_date_with_its_year_needs_no_confirmation(locale: str, text: str) -> None:
    assert read(text, locale) == Reading(date(2026, 3, 21), exact=True)


def test_words_of_another_catalog_language_are_understood_too() -> None:
    assert read("morgen", "pl") == Reading(TOMORROW, exact=False)
    assert read("9 januari", "ar") == Reading(NINTH_OF_JANUARY, exact=False)


def test_a_day_without_a_year_is_the_next_one_not_before_the_earliest_allowed() -> None:
    ends_after = date(2026, 12, 20)  # e.g. the end of a period that starts on 20 December
    assert read("5 januari", "nl", not_before=ends_after) == Reading(date(2027, 1, 5), False)
    assert read("21-12", "nl", not_before=ends_after) == Reading(date(2026, 12, 21), False)


@pytest.mark.parametrize(
    "text",
    ["", "tomorrow-ish", "32-1", "9/13", "31 februari 2026", "9 januari zaterdag morgen", "soon"],
)
def test_what_is_no_day_is_not_read(text: str) -> None:
    assert read(text, "nl") is None


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_yesterday_in_any_language_is_read_and_refused_as_passed(locale: str) -> None:
    t = translator(locale)
    yesterday = {"nl": "gisteren", "en": "yesterday", "tr": "dün", "ar": "أمس", "pl": "wczoraj"}
    typed = yesterday.get(locale, "учора")
    reading, problem = parse_date(t, typed, today=TODAY, not_before=TODAY)
    assert reading is None
    assert problem == t._("That date has passed. Please choose a later date.")
    reading, problem = parse_date(t, "21-3-2026 " * 20, today=TODAY, not_before=TODAY)
    assert problem == t._("I cannot read that date. Please type it like 21-3-2026.")


def test_names_are_folded_without_case_accents_spaces_or_punctuation() -> None:
    assert folded("  Vechtzoom–Noord. ") == folded("vechtzoom noord") == "vechtzoomnoord"
    assert folded("Café") == folded("CAFE")
    assert folded("...") == ""
