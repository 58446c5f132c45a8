"""Setting quiet hours, topics and the nudge cap from the chat."""

from __future__ import annotations

from bot.app import App
from tests.chat import Chat, onboard
from tests.factories import person_of


async def test_topics_quiet_hours_and_nudges(app: App) -> None:
    chat = Chat(app, 21, language_code="en")
    await onboard(chat)
    await chat.press("Notifications")
    assert "In quiet hours (22:00–08:00)" in chat.text
    assert "✅ Weekly news" in chat.labels and "👉 3 nudges a week" in chat.labels

    await chat.press("Weekly news")
    assert chat.last.edit and "🔕 Weekly news" in chat.labels
    await chat.press("Quiet hours")
    await chat.press("21:00–09:00")
    assert "In quiet hours (21:00–09:00)" in chat.text
    await chat.press("nudges a week")
    await chat.press("1 nudge a week")
    assert "👉 1 nudge a week" in chat.labels
    await chat.send("every hour please")
    assert "Please choose one of the buttons below." in chat.text
    await chat.press("Done")
    assert "Saved." in chat.text

    person = await person_of(app, 21)
    assert person is not None
    assert person.opt_outs == ["digest"]
    assert (person.quiet_start, person.quiet_end, person.nudges_per_week) == (21 * 60, 9 * 60, 1)


async def test_no_quiet_hours_and_switching_a_topic_back_on(app: App) -> None:
    chat = Chat(app, 22, language_code="en")
    await onboard(chat)
    await chat.press("Notifications")
    await chat.press("Reminders before activities")
    await chat.press("Reminders before activities")
    await chat.press("Quiet hours")
    await chat.press("No quiet hours")
    assert "No quiet hours: messages can come at any time." in chat.text
    person = await person_of(app, 22)
    assert person is not None and person.opt_outs == []
    assert person.quiet_start == person.quiet_end
