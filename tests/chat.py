"""Talk to the conversation engine as a person would, without any messenger.

    chat = Chat(app, user_id=1, language_code="tr")
    await chat.send("/start")
    await chat.press("Türkçe")
    assert "buurt" in chat.text

Each call runs one event in its own transaction, exactly as a runtime does.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.chat.events import Event, Kind
from bot.chat.replies import Answer, Button, Reply
from bot.delivery.kinds import KINDS, RenderContext
from bot.domain import neighbourhoods
from bot.domain.models import Delivery, Person, Role
from bot.domain.people import Contact
from bot.i18n import translator
from tests.factories import LANSINGERLAND, new_invite, new_invite_in, organisation

REFUSED = "Sorry, you are not allowed to do that."  # what a refused button or command answers


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

    async def press_on(self, reply: Reply, label: str) -> Answer:
        """Press the button whose label contains `label` on a pushed message."""
        found = [b for row in reply.buttons for b in row if label in b.label]
        assert found, f"no button {label!r} among {[b.label for r in reply.buttons for b in r]}"
        return await self.event(Event.button(found[0].payload))

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


async def onboard(chat: Chat, language: str = "English", area: str = "Taagdreef") -> None:
    await chat.send("/start")
    await chat.press(language)
    await chat.press(area)
    await chat.press("✅")


async def person_with(app: App, role: str, user_id: int) -> Chat:
    """A chat with someone onboarded in English as "resident", a `Role` value (a partner of
    Mitros), or "coordinator elsewhere" (of Lansingerland)."""
    chat = Chat(app, user_id, language_code="en")
    if role == "resident":
        await onboard(chat)
        return chat
    if role == "coordinator elsewhere":
        async with app.sessions.begin() as session:
            await neighbourhoods.load(session, neighbourhoods.parse(LANSINGERLAND), app.clock.now())
        payload = await new_invite_in(app, "lansingerland")
    else:
        extra = {"organisation_id": await organisation(app)} if role == "partner" else {}
        payload = await new_invite(app, Role(role), **extra)
    await chat.send(f"/start {payload}")
    await chat.press("English")
    if role != "coordinator elsewhere":
        await chat.press("Taagdreef")
    else:
        await chat.press("Berkel")
    await chat.press("✅")
    return chat


async def coordinator(app: App, user_id: int = 900) -> Chat:
    chat = Chat(app, user_id, first_name="Fatima", language_code="en")
    await chat.send(f"/start {await new_invite(app, Role.COORDINATOR)}")
    await chat.press("English")
    await chat.press("Taagdreef")
    await chat.press("✅")
    return chat


async def pushed(app: App, person_id: int, kind: str) -> Reply | None:
    """The newest outbox message of `kind` to the person, rendered as the sender would now."""
    async with app.sessions() as session:
        delivery = await session.scalar(
            select(Delivery)
            .where(Delivery.person_id == person_id, Delivery.kind == kind)
            .order_by(Delivery.id.desc())
            .limit(1)
        )
        person = await session.get(Person, person_id)
        assert delivery is not None and person is not None, f"no {kind} to {person_id}"
        context = RenderContext(
            session, person, translator(person.locale), app.settings.zone, app.clock.now()
        )
        return await KINDS[kind].render(context, delivery)
