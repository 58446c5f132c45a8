"""A language is one catalog: Ukrainian end to end, and a catalog added without code changes.

Both run on both runtimes against the emulator. The new language is West Frisian (fy): known
to CLDR, not one of Wijkbot's catalogs; the test lays its catalog next to the real ones and
points Wijkbot at that directory, as an operator would add a language.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po
from sqlalchemy import select

from bot.config import SUPPORTED_LOCALES
from bot.domain.models import Theme
from bot.emulator import BotAPIEmulator
from bot.i18n import translator
from tests.e2e.chat import person_of, plain
from tests.e2e.conftest import RunningBot

FRISIAN = {
    "Which language do you want to use?": "Hokker taal wolsto brûke?",
    "Which buurt do you live in?": "Yn hokker buert wenjesto?",
    "Change your language": "Feroarje dyn taal",
}


@pytest.fixture
def frisian(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Wijkbot's catalogs plus `fy/LC_MESSAGES/bot.po` and `.mo`, for this test only."""
    root = tmp_path / "locales"
    root.mkdir()
    for locale in SUPPORTED_LOCALES:
        (root / locale).symlink_to(SUPPORTED_LOCALES.root / locale, target_is_directory=True)
    catalog = Catalog(locale="fy", project="wijkbot", fuzzy=False)
    for msgid, text in FRISIAN.items():
        catalog.add(msgid, text)
    folder = root / "fy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    for name, write in (("bot.po", write_po), ("bot.mo", write_mo)):
        buffer = io.BytesIO()
        write(buffer, catalog)
        (folder / name).write_bytes(buffer.getvalue())
    monkeypatch.setattr(SUPPORTED_LOCALES, "root", root)
    translator.cache_clear()
    yield
    translator.cache_clear()


@pytest.mark.usefixtures("frisian")  # before `bot`: Wijkbot starts with the new catalog there
async def test_a_new_catalog_directory_is_a_new_language(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert "fy" in SUPPORTED_LOCALES
    menu = {c["command"]: c["description"] for c in emulator.commands(language_code="fy")}
    assert menu["language"] == "Feroarje dyn taal"  # setMyCommands was sent for it

    user = emulator.user(6001, first_name="Sjoerd", language_code="fy")
    await user.send("/start")
    (question,) = await user.replies()
    assert "Hokker taal wolsto brûke?" in question.text  # greeted in the guessed language
    labels = [label for row in question.buttons for label in row]
    # Named in its own words; after the first five, new languages follow by code (fy < uk).
    assert labels[4:] == ["Polski", "Frysk", "Українська"]

    await user.press("Frysk")
    (buurt,) = await user.replies()
    assert "Yn hokker buert wenjesto?" in buurt.text
    await user.press("Taagdreef")
    await user.replies()
    await user.press("✅ I agree")  # not translated yet: the English message stands in
    await user.replies()
    person = await person_of(bot, 6001)
    assert person is not None and person.locale == "fy" and person.onboarded

    # The example names no theme in Frisian: its Dutch name (the default language) stands in.
    assert bot.app is not None
    async with bot.app.sessions() as session:
        health = await session.scalar(select(Theme).where(Theme.slug == "health"))
    assert health is not None and health.name_in("fy") == "Gezondheid"


async def test_a_ukrainian_resident_is_greeted_in_ukrainian_and_onboards(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(6002, first_name="Оксана", language_code="uk-UA")
    await user.send("/start")
    (question,) = await user.replies()
    assert "Якою мовою ви хочете користуватися?" in question.text
    assert question.buttons[-1] == ["Polski", "Українська"]

    await user.press("Українська")
    (buurt,) = await user.replies()
    assert "У якому кварталі ви живете?" in buurt.text
    await user.press("Zamenhofdreef")
    (consent,) = await user.replies()
    assert "Ви погоджуєтеся, щоб Wijkbot це зберігав?" in consent.text
    await user.press("✅ Я погоджуюся")
    (welcome,) = await user.replies()
    assert "Вітаємо, Оксана! Усе готово: ваш квартал — Zamenhofdreef, Overvecht." in plain(
        welcome.text
    )
    assert "Що ви хочете зробити?" in welcome.text
    ukrainian = {c["command"]: c["description"] for c in emulator.commands(language_code="uk")}
    assert ukrainian["language"] == "Змінити мову"
    person = await person_of(bot, 6002)
    assert person is not None and person.locale == "uk" and person.onboarded
