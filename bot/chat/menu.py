"""Main-menu buttons: any layer may offer one ("open My Wijkbot") without knowing the flows.

Menu buttons work from any old message, so their data carries no version:
`m:<entry>`. The conversation engine routes them to the flow or action the
registry holds under that entry (see `bot.flows.registry`).
"""

from __future__ import annotations

from bot.chat.replies import Button

PREFIX = "m:"


def menu_button(label: str, entry: str) -> Button:
    """A button that opens the main-menu entry `entry` (e.g. "mine", "review")."""
    return Button(label, PREFIX + entry)
