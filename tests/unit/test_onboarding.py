"""Onboarding through the conversation engine, without a messenger."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.domain import neighbourhoods, people
from bot.domain.models import Area, AuditEntry, ConversationState
from bot.flows import onboarding
from tests.chat import Chat, onboard
from tests.factories import person_of


async def test_onboarding_in_english_stores_choices_and_consent(app: App) -> None:
    chat = Chat(app, 1, first_name="Ann", language_code="en")
    await chat.send("/start")
    assert "Which language" in chat.text
    assert chat.labels == ["Nederlands", "English", "Türkçe", "العربية", "Polski", "Українська"]

    await chat.press("English")
    # One neighbourhood: its step is skipped; the buurt is asked, the message edited in place.
    assert "Which buurt" in chat.text and chat.last.edit
    assert "Vechtzoom-Noord" in chat.labels and "« Back" in chat.labels

    await chat.press("Vechtzoom-Noord")
    assert "Your privacy" in chat.text and "I agree" in " ".join(chat.labels)

    await chat.press("✅")
    assert "Welcome, Ann! You are all set for Vechtzoom-Noord, Overvecht." in chat.text
    assert "What would you like to do?" in chat.text

    person = await person_of(app, 1)
    assert person is not None and person.onboarded
    assert person.locale == "en" and person.consent_version == "2026-1"
    async with app.sessions() as session:
        area = await session.get(Area, person.area_id)
        assert area is not None and area.name == "Vechtzoom-Noord"
        consent = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "consent.given")
        )
        assert consent is not None and consent.actor_id == person.id
        state = await session.get(ConversationState, person.id)
        assert state is not None and state.flow is None


async def test_language_is_suggested_from_telegram_and_used_at_once(app: App) -> None:
    chat = Chat(app, 2, language_code="tr-TR")
    await chat.send("/start")
    assert "Hangi dili kullanmak istersiniz?" in chat.text
    await chat.press("Polski")  # the next question comes in the chosen language at once
    assert "Taagdreef" in chat.labels and "Which buurt" not in chat.text
    person = await person_of(app, 2)
    assert person is not None and person.locale == "pl"


async def test_unsupported_language_code_falls_back_to_dutch(app: App) -> None:
    chat = Chat(app, 3, language_code="de")
    await chat.send("hallo")
    person = await person_of(app, 3)
    assert person is not None and person.locale == "nl"


async def test_back_returns_to_the_previous_question(app: App) -> None:
    chat = Chat(app, 4, language_code="en")
    await chat.send("/start")
    await chat.press("English")
    await chat.press("« Back")
    assert "Which language" in chat.text and chat.last.edit


async def test_wrong_input_in_every_step_gets_a_hint_and_keeps_the_step(app: App) -> None:
    chat = Chat(app, 5, language_code="en")
    await chat.send("/start")
    await chat.send_other("sticker")
    assert "cannot use that kind of message" in chat.text
    assert "Which language" in chat.text
    await chat.send("Klingon")
    assert "Please choose a language" in chat.text
    await chat.send("english")  # a typed language name works too
    assert "Which buurt" in chat.text
    await chat.send("x" * 5000)
    assert "Please choose your buurt" in chat.text
    await chat.send("taagdreef")
    assert "Your privacy" in chat.text
    await chat.send("yes")
    assert "Please answer with one of the buttons" in chat.text
    person = await person_of(app, 5)
    assert person is not None and person.consent_at is None


async def test_stale_button_is_answered_and_the_question_asked_again(app: App) -> None:
    chat = Chat(app, 6, language_code="en")
    await chat.send("/start")
    await chat.press("English")
    await chat.press("Taagdreef")
    answer = await chat.press("Nederlands", answers_back=3)  # from the first message
    assert answer.notice == "This button is no longer active."
    assert "Your privacy" in chat.text
    person = await person_of(app, 6)
    assert person is not None and person.locale == "en"


async def test_declining_consent_keeps_nothing(app: App) -> None:
    chat = Chat(app, 7, language_code="en")
    await chat.send("/start")
    await chat.press("English")
    await chat.press("Taagdreef")
    await chat.press("No, thank you")
    assert "not kept anything" in chat.text
    assert await person_of(app, 7) is None
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ConversationState)) == 0
    await chat.send("/start")  # starts again from nothing
    assert "Which language" in chat.text


async def test_cancel_and_help_in_the_middle_of_onboarding(app: App) -> None:
    chat = Chat(app, 8, language_code="en")
    await chat.send("/start")
    await chat.press("English")
    await chat.send("/help")
    assert "Please choose your buurt" in chat.text and "/cancel" in chat.text
    await chat.send("/cancel")
    assert "Send /start to continue" in chat.text
    await chat.send("/start")
    assert "Which language" in chat.text


async def test_language_can_change_mid_flow_and_the_flow_continues(app: App) -> None:
    chat = Chat(app, 9, language_code="en")
    await chat.send("/start")
    await chat.press("English")
    await chat.send("/language")
    await chat.press("Polski")
    # The buurt question comes back, in the new language, with its buttons live.
    assert "Taagdreef" in chat.labels
    await chat.press("Taagdreef")
    person = await person_of(app, 9)
    assert person is not None and person.locale == "pl" and person.area_id is not None


async def test_unknown_command_and_text_after_onboarding_show_the_menu(app: App) -> None:
    chat = Chat(app, 10, language_code="en")
    await onboard(chat)
    await chat.send("/frobnicate")
    assert "I do not know the command /frobnicate." in chat.text
    await chat.send("<b>hi</b>")
    assert "I did not understand that" in chat.text
    assert "🌐 Language" in chat.labels


async def test_neighbours_are_counted_with_plural_forms(app: App) -> None:
    for user_id in (11, 12, 13):
        await onboard(Chat(app, user_id, language_code="en"))
    chat = Chat(app, 14, language_code="en")
    await onboard(chat)
    assert "3 neighbours already take part." in chat.text


async def test_a_large_neighbourhood_is_counted_only_up_to_a_bound(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(onboarding, "NEIGHBOURS_COUNTED", 2)
    for user_id in (21, 22, 23):
        await onboard(Chat(app, user_id, language_code="en"))
    chat = Chat(app, 24, language_code="en")
    await onboard(chat)
    assert "More than 2 neighbours already take part." in chat.text
    async with app.sessions() as session:
        overvecht = (await neighbourhoods.all_neighbourhoods(session))[0]
        assert await people.count_residents(session, overvecht.id, up_to=3) == 3
        assert await people.count_residents(session, overvecht.id, up_to=10) == 4


async def test_changing_buurt_from_the_menu(app: App) -> None:
    chat = Chat(app, 15, language_code="en")
    await onboard(chat, area="Taagdreef")
    await chat.press("My buurt")
    await chat.press("Change my buurt")
    await chat.press("Tigrisdreef")
    assert "Your buurt is now Tigrisdreef, Overvecht." in chat.text


async def test_menu_buttons_work_from_an_old_menu(app: App) -> None:
    chat = Chat(app, 16, language_code="en")
    await onboard(chat)
    await chat.press("Help")
    await chat.press("Privacy", answers_back=2)
    assert "You gave your consent on" in chat.text


async def test_a_typed_buurt_name_is_understood_in_any_language_case_and_accents_forgiven(
    app: App,
) -> None:
    arabic = Chat(app, 17, language_code="ar")
    await arabic.send("/start")
    await arabic.press("العربية")
    await arabic.send("  VECHTZOOM noord. ")  # other case, a space for the dash, a full stop
    assert "خصوصيتك" in arabic.text  # "Your privacy": the buurt was understood
    polish = Chat(app, 18, language_code="pl")
    await polish.send("/start")
    await polish.press("Polski")
    await polish.send("Tâagdréef")  # accents a phone keyboard added
    assert "Twoja prywatność" in polish.text
    for chat, home in ((arabic, "Vechtzoom-Noord"), (polish, "Taagdreef")):
        person = await person_of(app, int(chat.contact.external_id))
        async with app.sessions() as session:
            area = await session.get(Area, person.area_id) if person else None
            assert area is not None and area.name == home


async def test_an_unknown_or_ambiguous_buurt_name_asks_again_with_the_buttons(app: App) -> None:
    async with app.sessions.begin() as session:
        overvecht = (await neighbourhoods.all_neighbourhoods(session))[0]
        session.add(
            Area(neighbourhood_id=overvecht.id, slug="vechtzoom-noord-2", name="Vechtzoom Noord")
        )
    chat = Chat(app, 19, language_code="pl")
    await chat.send("/start")
    await chat.press("Polski")
    for unclear in ("vechtzoom noord", "Vechtzoom", "..."):  # two buurten; a part; no name
        await chat.send(unclear)
        assert "Wybierz swoje osiedle za pomocą przycisków poniżej." in chat.text
        assert "Taagdreef" in chat.labels
    await chat.press("Zambesidreef")
    assert "Twoja prywatność" in chat.text


async def test_a_typed_buurt_name_changes_the_buurt_from_the_menu(app: App) -> None:
    chat = Chat(app, 20, language_code="en")
    await onboard(chat, area="Taagdreef")
    await chat.press("My buurt")
    await chat.press("Change my buurt")
    await chat.send("tigrisdreef!")
    assert "Your buurt is now Tigrisdreef, Overvecht." in chat.text
