"""Does a reply pass Telegram's rules? Checked with the emulator's own parser and limits."""

from __future__ import annotations

from bot.chat.replies import Reply
from bot.emulator.html_rules import parse_html, strip_formatted, utf16_len
from bot.emulator.methods import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH

MAX_BUTTONS = 100  # per inline keyboard


def assert_fits(reply: Reply) -> None:
    """The reply's HTML parses as Telegram's does and its text is within the length limit."""
    parsed = parse_html(reply.text)  # raises HtmlParseError, like a 400 from Telegram
    text = strip_formatted(parsed.text, parsed.entities).text
    has_file = reply.picture is not None or reply.document is not None
    assert text or has_file, "Telegram refuses an empty message"
    limit = MAX_CAPTION_LENGTH if has_file else MAX_TEXT_LENGTH
    assert utf16_len(text) <= limit, (utf16_len(text), limit)
    assert sum(len(row) for row in reply.buttons) <= MAX_BUTTONS
