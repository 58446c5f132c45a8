"""Talk to the conversation engine as a person would, without any messenger.

    chat = Chat(app, user_id=1, language_code="tr")
    await chat.send("/start")
    await chat.press("Türkçe")
    assert "buurt" in chat.text

Each call runs one event in its own transaction, exactly as a runtime does.
"""

from __future__ import annotations

from bot.app import App
from bot.chat.events import Event, Kind
from bot.chat.replies import Answer, Button, Reply
from bot.domain.people import Contact


class Chat:
    def __init__(
        self, app: App, user_id: int, *, first_name: str = "Ann", language_code: str | None = "nl"
    ) -> None:
        self.app = app
        self.contact = Contact(
            messenger="telegram",
            external_id=str(user_id),
            chat_id=user_id,
            first_name=first_name,
            language_code=language_code,
        )
        self.answers: list[Answer] = []

    async def event(self, event: Event) -> Answer:
        async with self.app.sessions() as session:
            answer = await self.app.conversation.handle(session, self.contact, event)
            await session.commit()
        self.answers.append(answer)
        return answer

    async def send(self, text: str) -> Answer:
        return await self.event(Event.from_text(text))

    async def send_other(self, what: str = "sticker") -> Answer:
        return await self.event(Event(Kind.OTHER, other=what))

    async def press(self, label: str, *, answers_back: int = 1) -> Answer:
        """Press the button whose label contains `label`, on an answer `answers_back` ago."""
        return await self.event(Event.button(self.button(label, answers_back).payload))

    def button(self, label: str, answers_back: int = 1) -> Button:
        answer = self.answers[-answers_back]
        found = [b for r in answer.replies for row in r.buttons for b in row if label in b.label]
        labels = [b.label for r in answer.replies for row in r.buttons for b in row]
        assert found, f"no button {label!r} among {labels}"
        return found[0]

    @property
    def last(self) -> Reply:
        return self.answers[-1].replies[-1]

    @property
    def text(self) -> str:
        """All text of the latest answer."""
        return "\n".join(reply.text for reply in self.answers[-1].replies)

    @property
    def labels(self) -> list[str]:
        return [b.label for r in self.answers[-1].replies for row in r.buttons for b in row]
