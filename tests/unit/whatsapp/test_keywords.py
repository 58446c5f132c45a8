"""Commands typed as words in every language; none of them names two commands."""

from __future__ import annotations

import pytest

from bot.chat.events import Event, Kind
from bot.config import SUPPORTED_LOCALES
from bot.flows import registry
from bot.handlers.whatsapp.keywords import KEYWORDS, event_of_text, keyword_commands, normalised
from bot.i18n import translator


def test_every_command_of_the_registry_has_keywords() -> None:
    commands = set(registry.build()._commands)
    assert commands == set(KEYWORDS)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_keyword_of_every_language_gives_its_command(locale: str) -> None:
    t = translator(locale)
    for command, msgid in KEYWORDS.items():
        words = [word.strip() for word in t._(msgid).split(",")]
        assert words and all(words), (locale, command)
        for word in words:
            assert event_of_text(word) == Event(Kind.COMMAND, text=word, command=command)
            loud = word.upper() + "!"
            assert event_of_text(loud).command == command, (locale, loud)


def test_keywords_in_the_examples_of_the_plan() -> None:
    assert {
        event_of_text(word).command for word in ("forget", "vergeet", "unut", "Vergeet mij")
    } == {"forget"}
    assert event_of_text("Menü").command == "menu"
    assert event_of_text("İPTAL").command == "cancel"
    assert event_of_text("stop").command == "cancel"
    assert event_of_text("  help  ").command == "help"


def test_typed_commands_still_work_and_other_text_stays_text() -> None:
    assert event_of_text("/forget") == Event(Kind.COMMAND, text="/forget", command="forget")
    assert event_of_text("vergeet het maar, ik kom toch") == Event(
        Kind.TEXT, text="vergeet het maar, ik kom toch"
    )
    assert event_of_text("Taagdreef").kind is Kind.TEXT
    assert event_of_text("x" * 500).kind is Kind.TEXT


def test_no_word_names_two_commands_and_normalising_is_stable() -> None:
    found = keyword_commands()  # raises ValueError on a clash
    assert found["vergeet"] == "forget" and found["unut"] == "forget"
    assert (
        normalised(normalised("Zapomnij  MNIE."))
        == normalised("Zapomnij  MNIE.")
        == "zapomnij mnie"
    )
