"""What a channel can show, so that a reply is rendered by capability, not by channel name.

Flows build one `Reply`; a channel's renderer reads its `Capabilities` to decide
how to show it (a keyboard or a list, an edit or a new message, a caption or a
photo followed by text). Telegram's and WhatsApp's are below; another messenger
is added by describing its own, not by changing flows.

A channel without keyboards (WhatsApp) shows a few choices as quick-reply
buttons under the message and more as a list the person opens:

    choices <= quick_replies, labels short   ->  buttons under the text
    otherwise                                ->  lists of at most list_rows rows
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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
    # Without keyboards (None: the channel has keyboards and the fields do not apply):
    quick_replies: int | None = None  # at most this many buttons under a message
    text_with_buttons: int | None = None  # a message with buttons or a list carries this much
    list_rows: int | None = None  # choices in one list message
    list_title_length: int | None = None  # a list row's title; the rest goes below it
    list_description_length: int | None = None
    window: timedelta | None = None  # free-form messages only this long after the person wrote


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


WHATSAPP = Capabilities(
    name="whatsapp",
    # WhatsApp counts characters; counted here in UTF-16 code units as for Telegram, which
    # are never fewer, so what fits here fits there.
    message_length=4096,
    caption_length=1024,
    button_rows=None,  # more choices than a list holds go in several lists
    buttons_per_row=1,  # one choice a line, as buttons or list rows
    button_text_length=20,  # a quick-reply button's title, and a list's button
    button_data_bytes=200,  # a list row's id (a quick reply's may be 256)
    can_edit=False,
    html=False,  # *bold*, _italic_: see bot.handlers.whatsapp.formatting
    quick_replies=3,
    text_with_buttons=1024,
    list_rows=10,
    list_title_length=24,
    list_description_length=72,
    window=timedelta(hours=24),
)
