"""Commands typed as words in every language; none of them names two commands."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.chat.events import Event, Kind
from bot.config import SUPPORTED_LOCALES
from bot.domain.models import Initiative
from bot.flows import registry
from bot.handlers.whatsapp.keywords import KEYWORDS, event_of_text, keyword_commands, normalised
from bot.i18n import translator
from tests.chat import Chat, onboard


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
            assert event_of_text(word) == Event(
                Kind.COMMAND, text=word, command=command, keyword=True
            )
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


async def test_a_keyword_where_a_step_asks_for_text_is_that_text(app: App) -> None:
    """A proposal may be called "Language" or "Group": on WhatsApp that is the title, not
    /language or /group; where a step has only buttons, the word is the command; the ways
    out (cancel, menu, help, forget) always work."""
    chat = Chat(app, 4501, language_code="en")
    await onboard(chat)
    await chat.press("Propose an initiative")
    await chat.event(event_of_text("Language"))
    assert "Describe your initiative" in chat.text  # "Language" is the title
    await chat.event(event_of_text("group"))
    theme_question = chat.text
    assert "Describe your initiative" not in theme_question  # "group" the description
    await chat.event(event_of_text("taal"))  # a step of buttons: the command
    assert "Which language do you want to use?" in chat.text
    await chat.event(event_of_text("/propose"))
    await chat.press("Continue")
    assert chat.text == theme_question  # the draft went on where it was
    await chat.event(event_of_text("stop"))  # a way out, whatever the step
    assert "kept as a draft" in chat.text
    async with app.sessions() as session:
        draft = await session.scalar(select(Initiative).where(Initiative.title == "Language"))
    assert draft is not None and draft.description == "group"
