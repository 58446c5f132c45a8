"""Validation of one outgoing message, as Meta's Cloud API refuses it synchronously.

`check_message(body)` takes the full JSON body POSTed to `/{phone_number_id}/messages` and
raises `GraphError` for the first rule it breaks; it returns None for a body Meta accepts.
Rules across calls (the 24-hour window, blocked people, throughput) live in the server.

Sources (developers.facebook.com, WhatsApp Cloud API):
  * Messages reference, text object: body up to 4096 characters; media caption up to 1024.
  * Interactive reply buttons: body up to 1024, header text and footer up to 60, 1-3
    buttons, title up to 20 (unique), id up to 256 (unique, no leading/trailing spaces).
  * Interactive list messages guide (updated Nov 2025): body up to 4096 (the list page says
    4096 where the generic interactive object says 1024), button label up to 20, 1-10
    sections, up to 10 rows in all, row id up to 200, row title up to 24, description up
    to 72, section title up to 24 (required when there is more than one section), header
    (text only) and footer up to 60.
  * Interactive CTA URL buttons: display_text up to 20, url required, body up to 1024.
  * Templates: name and language.code required; a text parameter may not hold a newline,
    a tab or more than 4 consecutive spaces (132018 since Graph API v23; older versions
    answered 100 with the same details).

Lengths are counted in characters as Python counts them (Unicode code points): Meta's
documentation says "characters" and gives no other unit; UTF-16 units would count an emoji
as two and refuse texts Meta accepts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .errors import GraphError

__all__ = ["SUPPORTED_TYPES", "TEXT_MAX", "check_message", "check_template"]

TEXT_MAX = 4096
CAPTION_MAX = 1024
BUTTON_BODY_MAX = 1024
LIST_BODY_MAX = 4096
CTA_BODY_MAX = 1024
HEADER_MAX = 60
FOOTER_MAX = 60
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
LIST_LABEL_MAX = 20
SECTIONS_MAX = 10
ROWS_MAX = 10
ROW_ID_MAX = 200
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
SECTION_TITLE_MAX = 24
CTA_DISPLAY_MAX = 20
FILENAME_MAX = 240  # Meta gives none; a file system's usual limit, with room to spare

SUPPORTED_TYPES = ("text", "image", "document", "interactive", "template")
MEDIA_TYPES = ("image", "document")
_TOP_LEVEL = {
    "messaging_product",
    "recipient_type",
    "to",
    "type",
    "context",
    "biz_opaque_callback_data",
}
_BAD_TEMPLATE_TEXT = re.compile(r"[\n\t]| {5,}")
_PARAM_FORMAT = "Param text cannot have new-line/tab characters or more than 4 consecutive spaces"

# (template name, language) -> number of body parameters; see `check_template`.
Templates = Mapping[str, Mapping[str, int]]


def check_message(message: Mapping[str, Any], templates: Templates | None = None) -> None:
    """Raise `GraphError` when Meta would refuse this message body at once.

    `templates` (name -> language code -> number of body parameters) makes template
    messages be checked against the business's approved templates as well.
    """
    if not isinstance(message, Mapping):
        raise GraphError.of(100, "The request body must be a JSON object")
    if message.get("messaging_product") != "whatsapp":
        raise GraphError.of(100, "The parameter messaging_product is required.")
    recipient_type = message.get("recipient_type", "individual")
    if recipient_type != "individual":
        raise GraphError.of(100, f"Unsupported recipient_type {recipient_type!r}")
    to = message.get("to")
    if not isinstance(to, str) or not to.strip():
        raise GraphError.of(100, "The parameter to is required.")
    kind = message.get("type", "text")
    if kind not in SUPPORTED_TYPES:
        raise GraphError.of(100, f"Message type {kind!r} is not supported by the emulator")
    for key in message:
        if key not in _TOP_LEVEL and key != kind:
            raise GraphError.of(100, f'Unexpected key "{key}" on param "message"')
    content = message.get(kind)
    if not isinstance(content, Mapping):
        raise GraphError.of(100, f"The parameter {kind} is required.")
    if kind == "text":
        _check_text(content)
    elif kind in MEDIA_TYPES:
        _check_media(kind, content)
    elif kind == "interactive":
        _check_interactive(content)
    else:
        check_template(content, templates)


# -- text and media ---------------------------------------------------------------------
def _check_text(text: Mapping[str, Any]) -> None:
    _length(text.get("body"), "text.body", 1, TEXT_MAX, code=100)
    preview = text.get("preview_url", False)
    if not isinstance(preview, bool):
        raise GraphError.of(100, "Param text.preview_url must be a boolean")


def _check_media(kind: str, media: Mapping[str, Any]) -> None:
    """An image or a document: by an uploaded media id or a link, with a caption; a
    document may name its file (the name the person's app shows and saves it under)."""
    media_id, link = media.get("id"), media.get("link")
    if (media_id is None) == (link is None):
        raise GraphError.of(100, f"Exactly one of {kind}.id and {kind}.link is required")
    if media_id is not None and not (isinstance(media_id, str) and media_id.isdigit()):
        raise GraphError.of(100, f"Invalid media id {media_id!r}")
    if link is not None and not (
        isinstance(link, str) and link.startswith(("http://", "https://"))
    ):
        raise GraphError.of(100, f"Param {kind}.link must be a URL")
    if "caption" in media:
        _length(media["caption"], f"{kind}.caption", 0, CAPTION_MAX, code=100)
    if kind == "document" and "filename" in media:
        _length(media["filename"], "document.filename", 1, FILENAME_MAX, code=100)
    elif "filename" in media:
        raise GraphError.of(100, f'Unexpected key "filename" on param "{kind}"')


# -- interactive ------------------------------------------------------------------------
def _check_interactive(interactive: Mapping[str, Any]) -> None:
    kind = interactive.get("type")
    body_max = {"button": BUTTON_BODY_MAX, "list": LIST_BODY_MAX, "cta_url": CTA_BODY_MAX}
    if kind not in body_max:
        raise GraphError.of(100, f"Interactive type {kind!r} is not supported by the emulator")
    body = interactive.get("body")
    if not isinstance(body, Mapping):
        raise GraphError.of(131008, "The parameter interactive.body is required.")
    _length(body.get("text"), "interactive.body.text", 1, body_max[kind])
    _check_header(interactive.get("header"), text_only=kind == "list")
    footer = interactive.get("footer")
    if footer is not None:
        if not isinstance(footer, Mapping):
            raise GraphError.of(100, "Param interactive.footer must be an object")
        _length(footer.get("text"), "interactive.footer.text", 1, FOOTER_MAX)
    action = interactive.get("action")
    if not isinstance(action, Mapping):
        raise GraphError.of(131008, "The parameter interactive.action is required.")
    if kind == "button":
        _check_buttons(action)
    elif kind == "list":
        _check_list(action)
    else:
        _check_cta_url(action)


def _check_header(header: Any, *, text_only: bool) -> None:
    if header is None:
        return
    if not isinstance(header, Mapping):
        raise GraphError.of(100, "Param interactive.header must be an object")
    kind = header.get("type")
    allowed = ("text",) if text_only else ("text", "image", "video", "document")
    if kind not in allowed:
        raise GraphError.of(131009, f"Header type {kind!r} is not allowed here")
    if kind == "text":
        _length(header.get("text"), "interactive.header.text", 1, HEADER_MAX)
    elif not isinstance(header.get(kind), Mapping):
        raise GraphError.of(131008, f"The parameter interactive.header.{kind} is required.")


def _check_buttons(action: Mapping[str, Any]) -> None:
    buttons = _counted(action.get("buttons"), "buttons", BUTTONS_MAX)
    titles: set[str] = set()
    ids: set[str] = set()
    for button in buttons:
        if not isinstance(button, Mapping) or button.get("type") != "reply":
            raise GraphError.of(131009, "Button type must be 'reply'")
        reply = button.get("reply")
        if not isinstance(reply, Mapping):
            raise GraphError.of(131008, "The parameter button.reply is required.")
        title = _length(reply.get("title"), "Button title", 1, BUTTON_TITLE_MAX)
        button_id = _length(reply.get("id"), "Button id", 1, BUTTON_ID_MAX)
        _no_outer_spaces(button_id, "Button id")
        if title in titles:
            raise GraphError.of(131009, f"Button title {title!r} is not unique")
        if button_id in ids:
            raise GraphError.of(131009, f"Button id {button_id!r} is not unique")
        titles.add(title)
        ids.add(button_id)


def _check_list(action: Mapping[str, Any]) -> None:
    _length(action.get("button"), "Button label", 1, LIST_LABEL_MAX)
    sections = _counted(action.get("sections"), "sections", SECTIONS_MAX)
    ids: set[str] = set()
    total = 0
    for section in sections:
        if not isinstance(section, Mapping):
            raise GraphError.of(100, "Each section must be an object")
        title = section.get("title")
        if title is not None or len(sections) > 1:
            _length(title, "Section title", 1, SECTION_TITLE_MAX)
        rows = section.get("rows")
        if not isinstance(rows, list) or not rows:
            raise GraphError.of(131009, "Each section needs at least one row")
        total += len(rows)
        if total > ROWS_MAX:
            raise GraphError.of(131009, f"Total row count exceed max allowed count: {ROWS_MAX}")
        for row in rows:
            if not isinstance(row, Mapping):
                raise GraphError.of(100, "Each row must be an object")
            row_id = _length(row.get("id"), "Row id", 1, ROW_ID_MAX)
            _no_outer_spaces(row_id, "Row id")
            _length(row.get("title"), "Row title", 1, ROW_TITLE_MAX)
            if "description" in row:
                _length(row["description"], "Row description", 0, ROW_DESCRIPTION_MAX)
            if row_id in ids:
                raise GraphError.of(131009, f"Row id {row_id!r} is not unique")
            ids.add(row_id)


def _check_cta_url(action: Mapping[str, Any]) -> None:
    if action.get("name") != "cta_url":
        raise GraphError.of(131009, "interactive.action.name must be 'cta_url'")
    parameters = action.get("parameters")
    if not isinstance(parameters, Mapping):
        raise GraphError.of(131008, "The parameter interactive.action.parameters is required.")
    _length(parameters.get("display_text"), "display_text", 1, CTA_DISPLAY_MAX)
    url = parameters.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise GraphError.of(131008, "The parameter interactive.action.parameters.url is required.")


# -- templates --------------------------------------------------------------------------
def check_template(template: Mapping[str, Any], templates: Templates | None = None) -> None:
    """A template message: its shape, its parameters' format, and (given the registry of
    approved templates) that name and language exist and the body gets as many parameters
    as the template has."""
    name = template.get("name")
    if not isinstance(name, str) or not name:
        raise GraphError.of(131008, "The parameter template.name is required.")
    language = template.get("language")
    code = language.get("code") if isinstance(language, Mapping) else None
    if not isinstance(code, str) or not code:
        raise GraphError.of(131008, "The parameter template.language.code is required.")
    components = template.get("components", [])
    if not isinstance(components, list):
        raise GraphError.of(100, "Param template.components must be an array")
    body_count = 0
    for component in components:
        if not isinstance(component, Mapping):
            raise GraphError.of(100, "Each template component must be an object")
        kind = component.get("type")
        parameters = component.get("parameters", [])
        if not isinstance(parameters, list):
            raise GraphError.of(100, "Param template.components.parameters must be an array")
        if kind in ("body", "header"):
            for parameter in parameters:
                _check_text_parameter(parameter)
            if kind == "body":
                body_count += len(parameters)
        elif kind == "button":
            _check_button_component(component, parameters)
        else:
            raise GraphError.of(100, f"Unknown template component type {kind!r}")
    if templates is None:
        return
    languages = templates.get(name)
    if languages is None or code not in languages:
        raise GraphError.of(132001, f"template name ({name}) does not exist in {code}")
    expected = languages[code]
    if body_count != expected:
        raise GraphError.of(
            132000,
            f"body: number of localizable_params ({body_count}) does not match the expected "
            f"number of params ({expected})",
        )


def _check_text_parameter(parameter: Any) -> None:
    if not isinstance(parameter, Mapping) or parameter.get("type") != "text":
        raise GraphError.of(100, "The emulator supports text template parameters only")
    text = parameter.get("text")
    if not isinstance(text, str) or not text:
        raise GraphError.of(131008, "The parameter text is required.")
    if _BAD_TEMPLATE_TEXT.search(text):
        raise GraphError.of(132018, _PARAM_FORMAT)


def _check_button_component(component: Mapping[str, Any], parameters: list[Any]) -> None:
    sub_type = component.get("sub_type")
    index = component.get("index")
    if not (isinstance(index, str | int) and str(index).isdigit()):
        raise GraphError.of(131008, "The parameter template button index is required.")
    if sub_type == "quick_reply":
        for parameter in parameters:
            is_payload = isinstance(parameter, Mapping) and parameter.get("type") == "payload"
            if not is_payload or not isinstance(parameter.get("payload"), str):
                raise GraphError.of(
                    131009, "A quick_reply button parameter must be of type payload"
                )
    elif sub_type == "url":
        for parameter in parameters:
            _check_text_parameter(parameter)
    else:
        raise GraphError.of(100, f"Unsupported template button sub_type {sub_type!r}")


# -- helpers ----------------------------------------------------------------------------
def _length(value: Any, what: str, low: int, high: int, *, code: int = 131009) -> str:
    """`value` as a string of `low`..`high` characters (code points), else GraphError."""
    if value is None and low > 0:
        raise GraphError.of(131008, f"The parameter {what} is required.")
    if not isinstance(value, str):
        raise GraphError.of(100, f"Param {what} must be a string")
    if not low <= len(value) <= high:
        raise GraphError.of(code, f"{what} length invalid. Min length: {low}, Max length: {high}")
    return value


def _counted(value: Any, what: str, high: int) -> list[Any]:
    """`value` as a list of 1..`high` items, else GraphError 131009."""
    if not isinstance(value, list) or not 1 <= len(value) <= high:
        count = len(value) if isinstance(value, list) else 0
        raise GraphError.of(
            131009,
            f"Invalid {what} count ({count}). Min allowed {what}: 1, Max allowed {what}: {high}",
        )
    return value


def _no_outer_spaces(value: str, what: str) -> None:
    if value != value.strip():
        raise GraphError.of(131009, f"{what} cannot have leading or trailing spaces")
