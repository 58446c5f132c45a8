"""Links that open Wijkbot with a start payload (an invite, a check-in): one per channel.

    Telegram   https://t.me/<bot username>?start=<payload>       /start <payload>
    WhatsApp   https://wa.me/<number>?text=start%20<payload>     the chat opens with
                                                                 "start <payload>" typed;
                                                                 sent, it is /start <payload>

Each runtime says its channel's link once it knows its address (Telegram's username
from getMe, WhatsApp's number from WHATSAPP_DISPLAY_NUMBER); a flow shows every link
the deployment has, so it never needs to know which channel it runs on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

START = "start"  # the command a payload goes with (typed as a word on WhatsApp)


@dataclass(frozen=True, slots=True)
class StartLink:
    app: str  # the messaging app's name as people know it
    prefix: str  # the link up to the payload

    def to(self, payload: str) -> str:
        return self.prefix + quote(payload, safe="")


def telegram(username: str) -> StartLink:
    return StartLink("Telegram", f"https://t.me/{username.lstrip('@')}?start=")


def whatsapp(number: str) -> StartLink:
    """wa.me wants the number in international form, digits only (no +, 00 or spaces)."""
    digits = "".join(char for char in number if char.isdigit())
    return StartLink("WhatsApp", f"https://wa.me/{digits}?text={quote(START + ' ')}")


# Before any runtime has said its address (tests of the flows alone).
UNKNOWN = (telegram("your_bot"),)


def labelled(links: Sequence[StartLink], payload: str) -> list[str]:
    """One line per channel: the link alone when there is one, else "App: link"."""
    links = links or UNKNOWN
    return [link.to(payload) if len(links) == 1 else f"{link.app}: {link.to(payload)}"
            for link in links]  # fmt: skip
