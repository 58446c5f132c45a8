"""How a person reaches a conversation: a main-menu entry and a slash command.

A flow declares both next to its steps; so does an `Action` (`bot.flows.steps`),
something reachable that answers at once instead of starting a conversation.
`bot.flows.registry` collects them, checks them and derives the main menu,
`/help`, the command list sent to the messenger and the router from them.

    class TipsFlow(Flow):
        name = "tips"
        code = "t"
        menu = MenuEntry(N_("Tips"), "💬", row=45)
        command = Command("tips", N_("Share a tip"), position=80)

The main menu today, by row (the emoji stand for the entries; rows 10-14 only
for those who hold the permission):

    10 🗂️ 📣   11 🏆 🤝 📢   12 📊 ✉️ 🎯   (coordinators)
    13 🤝 (partners)   14 🔑 (administrators)
    20 💡   30 🔎 📅   40 👤   50 🔔 🌐 🌍   60 🏠 🔒 ❓
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.roles import Permission
from bot.i18n import N_

# What a role's command says to someone who has not finished onboarding.
NOT_ALLOWED = N_("Sorry, you are not allowed to do that.")


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """A main-menu button: `emoji` and the translated `label` (an N_() msgid).

    Entries with the same `row` share a line, ordered by `column`; rows are shown
    from the lowest number. `see` limits the entry to people who hold that
    permission in some neighbourhood, `unless` hides it from those who hold another.
    """

    label: str
    emoji: str
    row: int
    column: int = 0
    see: Permission | None = None
    unless: Permission | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command. With a `description` (an N_() msgid) it is listed in /help and in
    the messenger's command menu at `position`; without one it works but is not listed.

    `before_onboarding`, when set, is what someone who has not finished onboarding hears
    instead (they are then taken back to onboarding).
    """

    name: str
    description: str | None = None
    position: int = 0
    before_onboarding: str | None = None
    aliases: tuple[str, ...] = ()
