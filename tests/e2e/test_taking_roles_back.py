"""An admin takes a coordinator's role back in the chat, through the real runtime (both
runtimes); the coordinator's very next message meets the menu without the coordinator's
buttons."""

from __future__ import annotations

from bot.domain.models import Role
from bot.emulator import BotAPIEmulator, SentMessage, SimulatedUser
from bot.i18n import translator
from tests.e2e.chat import invited
from tests.e2e.conftest import RunningBot

en = translator("en")
REVIEW = "🗂️ " + en._("Review proposals")


def labels(messages: list[SentMessage]) -> list[str]:
    return [label for message in messages for row in message.buttons for label in row]


async def step(user: SimulatedUser, button: str) -> str:
    await user.press(button)
    return " ".join(message.text for message in await user.replies())


async def test_an_admin_takes_a_role_back_and_the_menu_shrinks_at_once(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    admin = await invited(bot, emulator, 8700, Role.ADMIN)
    coordinator = await invited(bot, emulator, 8701, Role.COORDINATOR)
    await coordinator.send("/start")
    assert REVIEW in labels(await coordinator.replies())

    await step(admin, "🔑 " + en._("Roles and invite links"))
    listed = await step(admin, "👥 " + en._("Who has a role"))
    assert "(#" in listed and en._("coordinator") in listed
    await step(admin, "✖️ Fatima · " + en._("coordinator"))
    done = await step(admin, "✅ " + en._("Yes, take it away"))
    assert (
        en._("{name} no longer has the role {role}.", name="Fatima", role=en._("coordinator"))
        in done
    )

    await coordinator.send("hello")
    menu = await coordinator.replies()
    assert labels(menu) and REVIEW not in labels(menu)
