"""Telegram's HTML parse mode and text-length rules.

`parse_html` follows the parser in TDLib (`td/telegram/MessageEntity.cpp`, `parse_html`)
that the Bot API uses: the same supported tags, the same error messages and byte offsets
(UTF-8 bytes of the *input*), and entity offsets/lengths in UTF-16 code units of the
*output*. One deliberate difference, on by default (`strict=True`): Telegram silently keeps a
bare `&` that does not start an entity, and accepts entities without the closing `;`. Both
almost always mean user text was interpolated without `html.escape`, which then breaks as
soon as the user types `<`, so the emulator refuses them. `strict=False` behaves like Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "FormattedText",
    "HtmlParseError",
    "parse_html",
    "strip_formatted",
    "utf16_len",
]

_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_NAME_TOKEN_CHARS = _ASCII_LETTERS | _DIGITS | {".", "-"}
_SPACES = frozenset(" \t\r\n\v\f")
_USER_LINK = re.compile(r"^tg://user\?id=(\d+)$", re.IGNORECASE)
_URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
_LINK_SCHEMES = frozenset({"http", "https", "tg", "ton", "tonsite"})


class HtmlParseError(ValueError):
    """Telegram's `can't parse entities: ...` error."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FormattedText:
    """Plain text plus Bot API `MessageEntity` dicts, as a Message carries them."""

    text: str
    entities: list[dict]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    text_offset: int  # index into the plain-text output, for `<a>` without href


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, pos: int, *, strict: bool) -> tuple[str, int] | None:
    """Decode the character reference starting at `text[pos] == "&"`.

    Returns the character and the index after the reference, or None when `&` does not
    start one (Telegram then keeps the `&` as a literal character).
    """
    end = pos + 1
    n = len(text)
    if end < n and text[end] == "#":
        end += 1
        code = 0
        digits = _DIGITS
        base = 10
        if end < n and text[end] == "x":
            end += 1
            digits = _HEX_DIGITS
            base = 16
        start_digits = end
        while end < n and text[end] in digits:
            code = code * base + int(text[end], 16)
            end += 1
            if code >= 0x10FFFF:
                return None
        if end == start_digits or code == 0 or end - pos >= 10 or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < n and text[end] in _ASCII_LETTERS:
            end += 1
        char = _NAMED_ENTITIES.get(text[pos + 1 : end], "")
        if not char:
            return None
    if end < n and text[end] == ";":
        return char, end + 1
    if strict:
        return None
    return char, end


def _link_entity(url: str, offset: int, length: int) -> dict | None:
    """`text_link`/`text_mention` for an `<a>` tag, or None for an unusable URL (Telegram then
    keeps the text without a link instead of failing)."""
    url = url.strip()
    user = _USER_LINK.match(url)
    if user:
        user_id = int(user.group(1))
        return {
            "type": "text_mention",
            "offset": offset,
            "length": length,
            "user": {"id": user_id, "is_bot": False, "first_name": str(user_id)},
        }
    scheme = _URL_SCHEME.match(url)
    if scheme is None:
        if "." not in url or any(ch in _SPACES for ch in url):
            return None
        url = "http://" + url
    elif scheme.group(1).lower() not in _LINK_SCHEMES:
        return None
    return {"type": "text_link", "offset": offset, "length": length, "url": url}


def _close_entity(tag: _OpenTag, utf16_offset: int, text: str, entities: list[dict]) -> None:
    """Append the entity for a just-closed tag (TDLib skips empty entities)."""
    offset = tag.utf16_offset
    length = utf16_offset - offset
    if length <= 0:
        return
    name = tag.name
    if name in _SIMPLE_ENTITY_TYPES:
        entities.append({"type": _SIMPLE_ENTITY_TYPES[name], "offset": offset, "length": length})
    elif name == "tg-emoji":
        if not tag.argument.isdigit() or int(tag.argument) == 0:
            raise HtmlParseError("Invalid custom emoji identifier specified")
        entities.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": tag.argument,
            }
        )
    elif name == "a":
        url = tag.argument or text[tag.text_offset :]
        link = _link_entity(url, offset, length)
        if link is not None:
            entities.append(link)
    elif name == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and last["offset"] == offset
            and last["length"] == length
            and last.get("_language")
        ):
            last["type"] = "pre"  # <pre><code class="language-x">...</code></pre>
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif name == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "pre"
            and last["offset"] == offset
            and last["length"] == length
            and tag.argument
        ):
            last["language"] = tag.argument
        else:
            entity = {"type": "code", "offset": offset, "length": length}
            if tag.argument:
                entity["_language"] = tag.argument  # only kept if a <pre> wraps it
            entities.append(entity)
    elif name == "blockquote":
        kind = "expandable_blockquote" if tag.argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})


def parse_html(text: str, *, strict: bool = True) -> FormattedText:
    """Parse Telegram's HTML subset into plain text and entities.

    Raises HtmlParseError with Telegram's reason (to be prefixed by
    `Bad Request: can't parse entities: `).
    """
    n = len(text)
    out: list[str] = []
    out_len = 0  # len("".join(out)), kept incrementally
    utf16 = 0
    stack: list[_OpenTag] = []
    entities: list[dict] = []

    def at(index: int) -> str:
        return text[index] if index < n else ""

    def is_space(ch: str) -> bool:
        return ch in _SPACES

    i = 0
    while i < n:
        ch = text[i]
        if ch == "&":
            decoded = _decode_entity(text, i, strict=strict)
            if decoded is not None:
                char, i = decoded
                out.append(char)
                out_len += 1
                utf16 += utf16_len(char)
                continue
            if strict:
                offset = _byte_offset(text, i)
                raise HtmlParseError(
                    f'Character "&" must be escaped as "&amp;" at byte offset {offset}'
                )
        if ch != "<":
            out.append(ch)
            out_len += 1
            utf16 += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue

        begin = i
        begin_bytes = _byte_offset(text, begin)
        if at(i + 1) != "/":
            # Start tag: <name attr="value" ...>
            i += 1
            while i < n and not is_space(text[i]) and text[i] != ">":
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {begin_bytes}")
            tag_name = text[begin + 1 : i].lower()
            if tag_name not in _SUPPORTED_TAGS:
                raise HtmlParseError(
                    f'Unsupported start tag "{tag_name}" at byte offset {begin_bytes}'
                )
            argument = ""
            while at(i) != ">":
                while i < n and is_space(text[i]):
                    i += 1
                if at(i) == ">":
                    break
                attr_begin = i
                while i < n and not is_space(text[i]) and text[i] not in "=>":
                    i += 1
                attr_name = text[attr_begin:i].lower()
                if not attr_name:
                    raise HtmlParseError(
                        f'Empty attribute name in the tag "{tag_name}" at byte offset {begin_bytes}'
                    )
                while i < n and is_space(text[i]):
                    i += 1
                if at(i) != "=":
                    if tag_name == "blockquote" and attr_name == "expandable":
                        argument = "1"
                        continue
                    if i >= n:
                        raise HtmlParseError(f"Unclosed start tag at byte offset {begin_bytes}")
                    raise HtmlParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag_name}" at byte offset {begin_bytes}'
                    )
                i += 1
                while i < n and is_space(text[i]):
                    i += 1
                if i >= n:
                    raise HtmlParseError(
                        f'Unclosed start tag "{tag_name}" at byte offset {begin_bytes}'
                    )
                if text[i] not in "'\"":
                    # Unquoted value: an SGML name token, case-insensitive.
                    token_begin = i
                    while i < n and text[i] in _NAME_TOKEN_CHARS:
                        i += 1
                    value = text[token_begin:i].lower()
                    if i < n and not is_space(text[i]) and text[i] != ">":
                        raise HtmlParseError(
                            "Unexpected end of name token at byte offset "
                            f"{_byte_offset(text, token_begin)}"
                        )
                else:
                    quote = text[i]
                    i += 1
                    chars: list[str] = []
                    while i < n and text[i] != quote:
                        # Attribute values (URLs) are decoded leniently, like Telegram does.
                        decoded = _decode_entity(text, i, strict=False) if text[i] == "&" else None
                        if decoded is not None:
                            chars.append(decoded[0])
                            i = decoded[1]
                        else:
                            chars.append(text[i])
                            i += 1
                    if i < n:
                        i += 1  # closing quote
                    value = "".join(chars)
                if i >= n:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {begin_bytes}")
                if tag_name == "a" and attr_name == "href":
                    argument = value
                elif tag_name == "code" and attr_name == "class":
                    if value.startswith("language-"):
                        argument = value[len("language-") :]
                elif tag_name == "span" and attr_name == "class":
                    if value.startswith("tg-"):
                        argument = value[len("tg-") :]
                elif tag_name == "tg-emoji" and attr_name == "emoji-id":
                    argument = value
                elif tag_name == "blockquote" and attr_name == "expandable":
                    argument = "1"
            if tag_name == "span" and argument != "spoiler":
                raise HtmlParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin_bytes}'
                )
            stack.append(_OpenTag(tag_name, argument, utf16, out_len))
            i += 1  # ">"
            continue

        # End tag: </name>
        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin_bytes}")
        i += 2
        while i < n and not is_space(text[i]) and text[i] != ">":
            i += 1
        end_name = text[begin + 2 : i].lower()
        while i < n and is_space(text[i]):
            i += 1
        if at(i) != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin_bytes}")
        open_tag = stack[-1]
        if end_name and end_name != open_tag.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin_bytes}, expected "</{open_tag.name}>", '
                f'found "</{end_name}>"'
            )
        stack.pop()
        _close_entity(open_tag, utf16, "".join(out), entities)
        i += 1

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        language = entity.pop("_language", None)
        if language and entity["type"] == "pre":
            entity["language"] = language
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return FormattedText("".join(out), entities)


def strip_formatted(text: str, entities: list[dict]) -> FormattedText:
    """Trim leading/trailing whitespace like Telegram does, keeping entities aligned."""
    stripped = text.strip()
    if stripped == text:
        return FormattedText(text, entities)
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    adjusted: list[dict] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            adjusted.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, adjusted)
