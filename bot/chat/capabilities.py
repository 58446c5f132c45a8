"""What a channel can show, so that a reply is rendered by capability, not by channel name.

Flows build one `Reply`; a channel's renderer reads its `Capabilities` to decide
how to show it (a keyboard or a list, an edit or a new message, a caption or a
photo followed by text). Telegram's are below; a second messenger is added by
describing its own, not by changing flows.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.limits import CALLBACK_DATA_LIMIT, CAPTION_LIMIT, TEXT_LIMIT


@dataclass(frozen=True, slots=True)
class Capabilities:
    name: str
    message_length: int  # in the channel's own unit (Telegram: UTF-16 code units)
    caption_length: int | None  # None: a picture carries no text
    button_rows: int | None  # None: no practical limit
    buttons_per_row: int
    button_text_length: int | None
    button_data_bytes: int | None
    can_edit: bool  # a sent message can be replaced when its button is pressed
    html: bool  # text may carry <b>, <i>, <a>


TELEGRAM = Capabilities(
    name="telegram",
    message_length=TEXT_LIMIT,
    caption_length=CAPTION_LIMIT,
    button_rows=100,  # inline keyboards allow 100 buttons in all
    buttons_per_row=8,
    button_text_length=None,  # long labels are cut by the app, not refused
    button_data_bytes=CALLBACK_DATA_LIMIT,
    can_edit=True,
    html=True,
)
