"""A language is one catalog: the list of languages, their names and the themes' names follow
the catalog directories, with nothing in the code to keep in step."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.config import SUPPORTED_LOCALES, ConfigError, load_settings
from bot.domain import neighbourhoods
from bot.domain.errors import InvalidNeighbourhoodFile
from bot.domain.models import Theme
from bot.i18n import LANGUAGE_NAMES
from tests.chat import Chat


def lansingerland(**names: str) -> dict[str, Any]:
    return {
        "slug": "lansingerland",
        "name": "Lansingerland",
        "areas": [{"slug": "berkel", "name": "Berkel"}],
        "themes": [{"slug": "green", "names": names}],
    }


def test_the_languages_are_the_catalog_directories() -> None:
    on_disk = {
        path.parent.parent.name for path in SUPPORTED_LOCALES.root.glob("*/LC_MESSAGES/bot.po")
    }
    assert set(SUPPORTED_LOCALES) == on_disk and len(SUPPORTED_LOCALES) == len(on_disk)
    # Today's menu order stays; Ukrainian, added later, follows.
    assert SUPPORTED_LOCALES[:6] == ("nl", "en", "tr", "ar", "pl", "uk")


def test_each_language_is_named_in_its_own_words() -> None:
    assert dict(LANGUAGE_NAMES) == {
        "nl": "Nederlands",
        "en": "English",
        "tr": "Türkçe",
        "ar": "العربية",
        "pl": "Polski",
        "uk": "Українська",
    }
    with pytest.raises(KeyError):
        LANGUAGE_NAMES["de"]  # CLDR knows German, but Wijkbot has no catalog for it


def test_the_default_language_must_have_a_catalog() -> None:
    assert load_settings(env_file=None, default_locale="uk").default_locale == "uk"
    with pytest.raises(ConfigError, match="must be one of nl, en, tr, ar, pl, uk"):
        load_settings(env_file=None, default_locale="de")


def test_a_theme_is_named_at_least_in_the_default_language_and_only_in_known_ones() -> None:
    neighbourhoods.parse(lansingerland(nl="Groen"))
    with pytest.raises(InvalidNeighbourhoodFile, match="lack nl, the default_locale"):
        neighbourhoods.parse(lansingerland(en="Green"))
    with pytest.raises(InvalidNeighbourhoodFile, match=r"no catalog for ua: use nl, en, .*uk"):
        neighbourhoods.parse(lansingerland(nl="Groen", ua="Зелень"))


async def test_a_language_the_file_does_not_name_shows_the_default_name(app: App) -> None:
    spec = neighbourhoods.parse(lansingerland(nl="Groen", uk="Зелень", pl=""))
    async with app.sessions.begin() as session:
        await neighbourhoods.load(session, spec, app.clock.now())
    async with app.sessions() as session:
        green = await session.scalar(select(Theme).where(Theme.slug == "green"))
        health = await session.scalar(select(Theme).where(Theme.slug == "health"))
    assert green is not None and health is not None
    assert green.names == {code: "Groen" for code in SUPPORTED_LOCALES} | {"uk": "Зелень"}
    assert health.name_in("uk") == "Здоров’я"  # the example names its themes in Ukrainian


async def test_a_language_can_be_typed_by_its_own_name(app: App) -> None:
    chat = Chat(app, 71, language_code="en")
    await chat.send("/start")
    assert chat.labels[-1] == "Українська"
    await chat.send("українська")
    assert "У якому кварталі ви живете?" in chat.text
