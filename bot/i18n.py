"""Languages: gettext catalogs, CLDR plural rules and locale-aware dates.

Catalogs live in `locales/<lang>/LC_MESSAGES/bot.po` (msgids in English) and
are compiled to `.mo`. A wheel carries them inside the package as
`bot/locales`; a source checkout uses the folder at the repository root.
A language is one catalog (`bot.config.SUPPORTED_LOCALES` lists the
directories), and each language is named in its own words by CLDR, so no
code lists languages or their names.

Placeholders are named (`{name}`) and filled by `Translator`, which escapes
every value for Telegram's HTML unless it is already `Html`: a person's text
can never break or inject markup.
"""

from __future__ import annotations

import gettext
import html
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format, get_day_names
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from bot.config import SUPPORTED_LOCALES

DOMAIN = "bot"


@cache
def language_name(code: str) -> str:
    """A language named in its own words, as CLDR spells it ("Türkçe", "العربية"), with a
    capital as at the start of a menu line ("polski" becomes "Polski")."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


class _LanguageNames(Mapping[str, str]):
    """Each supported language's own name, in menu order: {"nl": "Nederlands", ...}."""

    def __getitem__(self, code: str) -> str:
        if code not in SUPPORTED_LOCALES:
            raise KeyError(code)
        return language_name(code)

    def __iter__(self) -> Iterator[str]:
        return iter(SUPPORTED_LOCALES)

    def __len__(self) -> int:
        return len(SUPPORTED_LOCALES)


LANGUAGE_NAMES: Mapping[str, str] = _LanguageNames()


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


class Html(str):
    """Text that is already safe Telegram HTML (escaped or built by us)."""

    __slots__ = ()


def escape(value: object) -> Html:
    """Escape anything a person typed for Telegram's HTML parse mode."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=False))


def locales_dir() -> Path:
    return SUPPORTED_LOCALES.root


def pick_locale(language_code: str | None, default: str = "nl") -> str:
    """The supported language closest to Telegram's `language_code` (e.g. "tr-TR")."""
    if language_code:
        base = language_code.replace("_", "-").split("-")[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return default


class Translator:
    """One language: messages, plurals, dates and numbers, all in that locale."""

    def __init__(self, locale: str, translations: gettext.NullTranslations) -> None:
        self.locale = locale
        self._translations = translations
        self._babel_locale = Locale.parse(locale)

    @property
    def rtl(self) -> bool:
        return self._babel_locale.text_direction == "rtl"

    def _(self, message: str, **values: object) -> Html:
        return self._fill(self._translations.gettext(message), values)

    def n_(self, singular: str, plural: str, n: int, **values: object) -> Html:
        values.setdefault("n", self.number(n))
        return self._fill(self._translations.ngettext(singular, plural, n), values)

    @staticmethod
    def _fill(template: str, values: dict[str, object]) -> Html:
        if not values:
            return Html(template)
        return Html(template.format(**{key: escape(value) for key, value in values.items()}))

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self._babel_locale)

    def percent(self, whole: int) -> str:
        """A whole percentage as the locale writes it: "37%", Turkish "%37"."""
        return format_percent(whole / 100, locale=self._babel_locale)

    def datetime(self, moment: datetime, zone: ZoneInfo) -> str:
        """Weekday, date and time in the words and order of the locale, in `zone`."""
        local = moment.astimezone(zone)
        day = format_date(local.date(), "full", locale=self._babel_locale)
        time = format_time(local.time(), "short", locale=self._babel_locale)
        pattern = get_datetime_format("long", locale=self._babel_locale).replace("'", "")
        return pattern.format(time, day)

    def weekday(self, index: int) -> str:
        """A weekday's name in the locale (0 is Monday), e.g. "maandag", "Pazartesi"."""
        return str(get_day_names("wide", locale=self._babel_locale)[index])

    def day(self, value: date) -> str:
        """A calendar date, e.g. "zaterdag 21 maart 2026"."""
        return format_date(value, "full", locale=self._babel_locale)

    def date(self, moment: datetime, zone: ZoneInfo) -> str:
        return format_date(moment.astimezone(zone).date(), "long", locale=self._babel_locale)


@cache
def translator(locale: str) -> Translator:
    """The translator for a supported locale; loaded once per process."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    translations = Translations.load(str(locales_dir()), [locale], domain=DOMAIN)
    if type(translations) is gettext.NullTranslations and locale != "en":
        raise FileNotFoundError(f"compiled catalog for {locale!r} is missing in {locales_dir()}")
    return Translator(locale, translations)
