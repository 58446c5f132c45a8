"""Validation of reply_markup: inline keyboards, reply keyboards, removal and force-reply.

Telegram refuses a whole message when one button is wrong; the messages below are the ones
its Bot API server returns, so bots see the same failures here as in production.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError, bad_request

__all__ = ["button_texts", "validate_reply_markup"]

_MAX_CALLBACK_DATA_BYTES = 64
_MAX_BUTTONS = 100
# Button actions, in the order Telegram's server looks for them.
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_REPLY_BUTTON_REQUESTS = (
    "request_users",
    "request_chat",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)


def _button_error(reason: str) -> ApiError:
    return bad_request(f"can't parse inline keyboard button: {reason}")


def _rows(markup: dict, field: str) -> list[list[Any]]:
    rows = markup.get(field)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{field}" must be of type Array of Array')
    if sum(len(row) for row in rows) > _MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return rows


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise _button_error("InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise _button_error('Can\'t find field "text"')
    text = button["text"]
    if not isinstance(text, str):
        raise _button_error('Field "text" must be of type String')
    clean = {key: value for key, value in button.items() if value is not None}
    # An empty url/callback_data counts as absent, exactly like on Telegram.
    actions = [
        key
        for key in _INLINE_ACTIONS
        if key in clean
        and not (key in ("url", "callback_data") and clean[key] == "")
        and not (key == "pay" and clean[key] is False)
    ]
    if not actions or not text:
        raise _button_error("Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _button_error(
            "exactly one of the optional fields must be used, got " + ", ".join(actions)
        )
    if "callback_data" in clean:
        data = clean["callback_data"]
        if not isinstance(data, str):
            raise _button_error('Field "callback_data" must be of type String')
        if len(data.encode("utf-8")) > _MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in clean and not isinstance(clean["url"], str):
        raise _button_error('Field "url" must be of type String')
    return clean


def _reply_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse keyboard button: KeyboardButton must be a String or an Object"
        )
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
    if not text:
        raise bad_request("keyboard button text must be non-empty")
    return {key: value for key, value in button.items() if value is not None}


def validate_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Check a decoded reply_markup and return it normalised (None fields dropped)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in markup:
        rows = _rows(markup, "inline_keyboard")
        return {"inline_keyboard": [[_inline_button(b) for b in row] for row in rows]}
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = _rows(markup, "keyboard")
        if not any(rows):
            raise bad_request("keyboard must be non-empty")
        clean = {key: value for key, value in markup.items() if value is not None}
        clean["keyboard"] = [[_reply_button(b) for b in row] for row in rows]
        return clean
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return {key: value for key, value in markup.items() if value is not None}
    raise bad_request("can't find reply keyboard in reply markup")


def button_texts(rows: list[list[Any]]) -> list[list[str]]:
    """Texts of keyboard rows (buttons may be plain strings in reply keyboards)."""
    return [[b if isinstance(b, str) else str(b.get("text", "")) for b in row] for row in rows]
