"""The people in the sandbox: residents in several languages, a coordinator, a partner.

Residents start with an empty chat and onboard themselves with /start. The
coordinator and the partner hold their roles through an invite link, which
the sandbox creates and opens for them the first time their chat is opened,
exactly as a real coordinator would open a link from `wijkbot admin invite`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.models import Role

PARTNER_ORGANISATION = "Buurtteam Overvecht"


@dataclass(frozen=True, slots=True)
class Character:
    user_id: int
    name: str
    language: str  # the language of their Telegram app
    role: Role | None = None  # None: a resident, who needs no invite
    organisation: str | None = None  # a partner's organisation

    @property
    def title(self) -> str:
        return self.role.value if self.role else "resident"


CAST: tuple[Character, ...] = (
    Character(1001, "Ayşe", "tr"),
    Character(1002, "Jan", "nl"),
    Character(1003, "Layla", "ar"),
    Character(1004, "Piotr", "pl"),
    Character(1005, "Emma", "en"),
    Character(2001, "Sanne", "nl", Role.COORDINATOR),
    Character(2002, "Karim", "nl", Role.PARTNER, PARTNER_ORGANISATION),
)
FIRST_ADDED_ID = 1101  # people added in the page get ids from here on
