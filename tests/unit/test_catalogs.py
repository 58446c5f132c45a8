"""Every catalog is complete, correct and compiled; placeholders and HTML survive translation."""

from __future__ import annotations

import gettext
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.catalogs import KEYWORDS, ROOT
from bot.chat.limits import visible_length
from bot.config import SUPPORTED_LOCALES
from bot.i18n import translator

PLACEHOLDER = re.compile(r"\{(\w+)\}")
TAG = re.compile(r"</?([a-z-]+)[^>]*>")


def catalog(locale: str):  # type: ignore[no-untyped-def]
    path = ROOT / "locales" / locale / "LC_MESSAGES" / "bot.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def key(msgid: str | tuple[str, ...] | list[str]) -> str:
    """A message's identity: its msgid, or the singular of a plural message."""
    return msgid if isinstance(msgid, str) else msgid[0]


def used_msgids() -> set[str]:
    """Every message the code marks for translation, as `pybabel extract` finds them."""
    keywords = {"_": None, "N_": None, "n_": (1, 2)}
    method_map = [("bot/**.py", "python")]
    return {
        key(message)
        for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, keywords=keywords)
    }


def test_extraction_keywords_match_the_documented_command() -> None:
    assert KEYWORDS == ["-k", "N_", "-k", "n_:1,2"]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalog_holds_every_message_the_code_uses(locale: str) -> None:
    have = {key(message.id) for message in catalog(locale) if message.id}
    missing = used_msgids() - have
    assert not missing, f"{locale} lacks {sorted(missing)}: run `wijkbot i18n extract`, `update`"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalog_has_no_empty_or_fuzzy_entries(locale: str) -> None:
    problems = []
    for message in catalog(locale):
        if not message.id:
            assert "fuzzy" not in message.flags, f"{locale} header is fuzzy"
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(strings):
            problems.append(message.id)
    assert not problems, f"{locale}: empty or fuzzy: {problems}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_plural_forms_follow_cldr(locale: str) -> None:
    """The header's rule picks the same form as Babel's (CLDR's) for every count, and every
    plural message has that many forms: nothing here knows any language's rule."""
    po, cldr = catalog(locale), get_plural(locale)
    assert po.num_plurals == cldr.num_plurals
    ours, theirs = gettext.c2py(po.plural_expr), gettext.c2py(cldr.plural_expr)
    assert [ours(n) for n in range(1000)] == [theirs(n) for n in range(1000)]
    for message in po:
        if message.id and isinstance(message.id, tuple | list):
            assert len(message.string) == cldr.num_plurals, message.id


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_translations_keep_placeholders_and_html(locale: str) -> None:
    for message in catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        tags = sorted(TAG.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, (locale, message.id, string)
            assert sorted(TAG.findall(string)) == tags, (locale, message.id, string)
            assert "&" not in TAG.sub("", string) and "<" not in TAG.sub("", string)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_compiled_catalog_is_up_to_date(locale: str) -> None:
    po = catalog(locale)
    mo_path = ROOT / "locales" / locale / "LC_MESSAGES" / "bot.mo"
    with mo_path.open("rb") as handle:
        mo = read_mo(handle)
    expected = {key(m.id): tuple(m.string) if m.pluralizable else m.string for m in po if m.id}
    compiled = {key(m.id): tuple(m.string) if m.pluralizable else m.string for m in mo if m.id}
    assert compiled == expected, f"run `wijkbot i18n compile` ({locale})"


def test_plural_rules_pick_the_right_form_in_arabic_and_polish() -> None:
    ar, pl = translator("ar"), translator("pl")
    singular, plural = "{n} neighbour already takes part.", "{n} neighbours already take part."
    arabic = {n: ar.n_(singular, plural, n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(set(arabic.values())) == 6  # six different sentences
    polish = {n: pl.n_(singular, plural, n) for n in (1, 2, 5, 22, 25)}
    assert polish[2].replace("2", "") == polish[22].replace("22", "")
    assert polish[5].replace("5", "") == polish[25].replace("25", "")
    assert (
        len({polish[1].replace("1", ""), polish[2].replace("2", ""), polish[5].replace("5", "")})
        == 3
    )


def test_ukrainian_plurals_pick_one_few_and_many() -> None:
    uk = translator("uk")
    said = {n: uk.n_("{n} supporter", "{n} supporters", n) for n in (1, 2, 5, 11, 21, 22, 25, 112)}
    assert said == {
        1: "1 прихильник",
        2: "2 прихильники",
        5: "5 прихильників",
        11: "11 прихильників",
        21: "21 прихильник",
        22: "22 прихильники",
        25: "25 прихильників",
        112: "112 прихильників",
    }


def test_dates_are_formatted_in_the_locale_and_zone() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 3, 2, 18, 30, tzinfo=UTC)
    zone = ZoneInfo("Europe/Amsterdam")
    # 18:30 UTC is 19:30 in Amsterdam in winter time.
    assert translator("nl").datetime(moment, zone) == "maandag 2 maart 2026, 19:30"
    assert translator("en").datetime(moment, zone) == "Monday, March 2, 2026, 7:30\u202fPM"
    assert translator("pl").datetime(moment, zone) == "poniedziałek, 2 marca 2026 19:30"
    assert translator("tr").date(moment, zone) == "2 Mart 2026"
    assert translator("uk").day(moment.date()) == "понеділок, 2 березня 2026\u202fр."


def test_every_translation_fits_telegram() -> None:
    for locale in SUPPORTED_LOCALES:
        for message in catalog(locale):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for string in strings:
                assert visible_length(string) < 1024
