"""The people in the sandbox: residents in several languages, a coordinator, a partner.

Each uses one app: Telegram, or WhatsApp (with a made-up Dutch mobile number as
their wa_id). Residents start with an empty chat and onboard themselves (/start,
or any first message on WhatsApp). The
coordinator and the partner hold their roles through an invite link, which
the sandbox creates and opens for them the first time their chat is opened,
exactly as a real coordinator would open a link from `wijkbot admin invite`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.models import Role

PARTNER_ORGANISATION = "Buurtteam Overvecht"
TELEGRAM, WHATSAPP = "telegram", "whatsapp"  # the apps, as `Identity.messenger` names them
APPS = (TELEGRAM, WHATSAPP)


@dataclass(frozen=True, slots=True)
class Character:
    user_id: int
    name: str
    language: str  # the language of their phone
    role: Role | None = None  # None: a resident, who needs no invite
    organisation: str | None = None  # a partner's organisation
    app: str = TELEGRAM

    @property
    def title(self) -> str:
        return self.role.value if self.role else "resident"

    @property
    def wa_id(self) -> str:
        """Their WhatsApp number: 316 and eight digits, like a Dutch mobile (made up)."""
        return f"316{self.user_id:08d}"


CAST: tuple[Character, ...] = (
    Character(1001, "Ayşe", "tr"),
    Character(1002, "Jan", "nl"),
    Character(1003, "Layla", "ar"),
    Character(1004, "Piotr", "pl"),
    Character(1005, "Emma", "en"),
    Character(1006, "Elif", "tr", app=WHATSAPP),
    Character(1007, "Oksana", "uk", app=WHATSAPP),
    Character(2001, "Sanne", "nl", Role.COORDINATOR),
    Character(2002, "Karim", "nl", Role.PARTNER, PARTNER_ORGANISATION),
)
FIRST_ADDED_ID = 1101  # people added in the page get ids from here on
# What a WhatsApp person's Start sends: WhatsApp has no /start, a first message begins.
GREETINGS = {
    "nl": "Hallo",
    "en": "Hi",
    "tr": "Merhaba",
    "ar": "مرحبا",
    "pl": "Cześć",
    "uk": "Привіт",
}
