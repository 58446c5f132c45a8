"""Meta's per-message rules: each limit accepted at its edge and refused one past it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator.whatsapp import GraphError, check_message

TEMPLATES = {"window_reopen": {"nl": 1, "en": 1}, "no_params": {"nl": 0}}


def message(kind: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "31612345678",
        "type": kind,
        kind: content,
    }


def buttons(*titles: str, ids: list[str] | None = None, body: str = "Pick") -> dict[str, Any]:
    ids = ids or [f"id{n}" for n in range(len(titles))]
    return message(
        "interactive",
        {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": i, "title": t}}
                    for i, t in zip(ids, titles, strict=True)
                ]
            },
        },
    )


def row(row_id: str = "r1", title: str = "Row", description: str | None = None) -> dict:
    found: dict[str, Any] = {"id": row_id, "title": title}
    if description is not None:
        found["description"] = description
    return found


def listing(
    sections: list[dict[str, Any]] | None = None,
    *,
    label: str = "Choose",
    body: str = "Pick one",
    header: str | None = None,
    footer: str | None = None,
) -> dict[str, Any]:
    interactive: dict[str, Any] = {
        "type": "list",
        "body": {"text": body},
        "action": {"button": label, "sections": sections or [{"rows": [row()]}]},
    }
    if header is not None:
        interactive["header"] = {"type": "text", "text": header}
    if footer is not None:
        interactive["footer"] = {"text": footer}
    return message("interactive", interactive)


def cta(display_text: str = "Open", url: str | None = "https://example.org") -> dict:
    parameters: dict[str, Any] = {"display_text": display_text}
    if url is not None:
        parameters["url"] = url
    return message(
        "interactive",
        {
            "type": "cta_url",
            "body": {"text": "See"},
            "action": {"name": "cta_url", "parameters": parameters},
        },
    )


def template(
    name: str = "window_reopen",
    code: str | None = "nl",
    body: list[str] | None = None,
    buttons: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    content: dict[str, Any] = {"name": name}
    if code is not None:
        content["language"] = {"code": code}
    components: list[dict[str, Any]] = []
    if body is not None:
        components.append(
            {"type": "body", "parameters": [{"type": "text", "text": t} for t in body]}
        )
    components += buttons or []
    if components:
        content["components"] = components
    return message("template", content)


def refused(body: dict[str, Any], code: int, **kwargs: Any) -> GraphError:
    with pytest.raises(GraphError) as caught:
        check_message(body, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


# -- envelope -----------------------------------------------------------------------------
def test_envelope_needs_product_and_recipient():
    good = message("text", {"body": "hi"})
    check_message(good)
    refused({**good, "messaging_product": "sms"}, 100)
    refused({k: v for k, v in good.items() if k != "to"}, 100)
    refused({**good, "recipient_type": "group"}, 100)
    refused({**good, "extra": 1}, 100)
    refused({**good, "image": {"id": "1"}}, 100)  # a second content object


def test_unsupported_types_are_refused_with_100():
    for kind, content in (("location", {"latitude": 1, "longitude": 2}), ("reaction", {})):
        error = refused(message(kind, content), 100)
        assert kind in error.details


def test_error_has_metas_shape():
    error = refused(message("text", {"body": ""}), 100)
    body = error.to_json()["error"]
    assert body["code"] == 100
    assert body["message"] == "(#100) Invalid parameter"
    assert body["type"] == "OAuthException"
    assert body["error_data"]["messaging_product"] == "whatsapp"
    assert "text.body" in body["error_data"]["details"]


# -- text and image -----------------------------------------------------------------------
def test_text_body_length():
    check_message(message("text", {"body": "x"}))
    check_message(message("text", {"body": "x" * 4096}))
    check_message(message("text", {"body": "😀" * 4096}))  # code points, not UTF-16 units
    refused(message("text", {"body": ""}), 100)
    refused(message("text", {"body": "x" * 4097}), 100)
    refused(message("text", {}), 131008)
    refused(message("text", {"body": "x", "preview_url": "yes"}), 100)


def test_image_caption_and_source():
    check_message(message("image", {"id": "123", "caption": "c" * 1024}))
    check_message(message("image", {"link": "https://example.org/a.png"}))
    refused(message("image", {"id": "123", "caption": "c" * 1025}), 100)
    refused(message("image", {}), 100)
    refused(message("image", {"id": "123", "link": "https://example.org/a.png"}), 100)
    refused(message("image", {"id": "AgAD-telegram-file"}), 100)


def test_document_caption_name_and_source():
    check_message(message("document", {"id": "123", "caption": "c" * 1024, "filename": "a.csv"}))
    check_message(message("document", {"link": "https://example.org/a.ics"}))
    check_message(message("document", {"id": "123", "filename": "n" * 240}))
    refused(message("document", {"id": "123", "filename": "n" * 241}), 100)
    refused(message("document", {"id": "123", "filename": ""}), 100)
    refused(message("document", {"id": "123", "caption": "c" * 1025}), 100)
    refused(message("document", {}), 100)
    refused(message("image", {"id": "123", "filename": "a.png"}), 100)  # images have none


# -- reply buttons ------------------------------------------------------------------------
def test_button_body_length():
    check_message(buttons("A", body="b" * 1024))
    refused(buttons("A", body="b" * 1025), 131009)
    refused(buttons("A", body=""), 131009)


def test_button_count():
    check_message(buttons("A"))
    check_message(buttons("A", "B", "C"))
    refused(buttons("A", "B", "C", "D"), 131009)
    refused(buttons(), 131009)


def test_button_title_length_and_uniqueness():
    check_message(buttons("t" * 20))
    refused(buttons("t" * 21), 131009)
    refused(buttons(""), 131009)
    error = refused(buttons("Same", "Same"), 131009)
    assert "unique" in error.details


def test_button_id_length_and_uniqueness():
    check_message(buttons("A", ids=["i" * 256]))
    refused(buttons("A", ids=["i" * 257]), 131009)
    refused(buttons("A", ids=[""]), 131009)
    refused(buttons("A", ids=[" padded"]), 131009)
    refused(buttons("A", "B", ids=["same", "same"]), 131009)


def test_button_header_and_footer():
    body = buttons("A")
    body["interactive"]["header"] = {"type": "text", "text": "h" * 60}
    body["interactive"]["footer"] = {"text": "f" * 60}
    check_message(body)
    body["interactive"]["header"]["text"] = "h" * 61
    refused(body, 131009)
    body["interactive"]["header"]["text"] = "h"
    body["interactive"]["footer"]["text"] = "f" * 61
    refused(body, 131009)
    body["interactive"]["footer"]["text"] = "f"
    body["interactive"]["header"] = {"type": "image", "image": {"id": "1"}}
    check_message(body)  # a reply-button message may have an image header


# -- lists --------------------------------------------------------------------------------
def test_list_body_length():
    check_message(listing(body="b" * 4096))
    refused(listing(body="b" * 4097), 131009)
    refused(listing(body=""), 131009)


def test_list_label_length():
    check_message(listing(label="l" * 20))
    refused(listing(label="l" * 21), 131009)
    refused(listing(label=""), 131009)


def test_list_header_footer():
    check_message(listing(header="h" * 60, footer="f" * 60))
    refused(listing(header="h" * 61), 131009)
    refused(listing(footer="f" * 61), 131009)
    only_text = listing()
    only_text["interactive"]["header"] = {"type": "image", "image": {"id": "1"}}
    refused(only_text, 131009)


def test_list_section_and_row_counts():
    ten_sections = [{"title": f"S{n}", "rows": [row(f"r{n}")]} for n in range(10)]
    check_message(listing(ten_sections))
    eleven = [*ten_sections, {"title": "S10", "rows": [row("r10")]}]
    refused(listing(eleven), 131009)
    check_message(listing([{"rows": [row(f"r{n}") for n in range(10)]}]))
    refused(listing([{"rows": [row(f"r{n}") for n in range(11)]}]), 131009)
    split = [
        {"title": "A", "rows": [row(f"a{n}") for n in range(6)]},
        {"title": "B", "rows": [row(f"b{n}") for n in range(5)]},
    ]
    refused(listing(split), 131009)  # 11 rows across sections
    refused(listing([{"rows": []}]), 131009)


def test_list_section_title():
    check_message(listing([{"rows": [row()]}]))  # one section: title optional
    refused(listing([{"rows": [row("a")]}, {"title": "B", "rows": [row("b")]}]), 131008)
    check_message(listing([{"title": "s" * 24, "rows": [row()]}]))
    refused(listing([{"title": "s" * 25, "rows": [row()]}]), 131009)


def test_list_rows():
    check_message(listing([{"rows": [row("i" * 200, "t" * 24, "d" * 72)]}]))
    refused(listing([{"rows": [row("i" * 201)]}]), 131009)
    refused(listing([{"rows": [row(title="t" * 25)]}]), 131009)
    refused(listing([{"rows": [row(title="")]}]), 131009)
    refused(listing([{"rows": [row(description="d" * 73)]}]), 131009)
    refused(listing([{"rows": [row("same"), row("same", "Other")]}]), 131009)
    refused(listing([{"rows": [row("trailing ")]}]), 131009)


# -- CTA URL ------------------------------------------------------------------------------
def test_cta_url():
    check_message(cta("d" * 20))
    refused(cta("d" * 21), 131009)
    refused(cta(""), 131009)
    refused(cta(url=None), 131008)


# -- templates ----------------------------------------------------------------------------
def test_template_needs_name_and_language():
    check_message(template(body=["Ann"]))
    refused(template(name=""), 131008)
    refused(template(code=None), 131008)


def test_template_registry():
    check_message(template(body=["Ann"]), templates=TEMPLATES)
    check_message(template("no_params"), templates=TEMPLATES)
    refused(template("unknown", body=["x"]), 132001, templates=TEMPLATES)
    refused(template(code="tr", body=["x"]), 132001, templates=TEMPLATES)
    refused(template(body=[]), 132000, templates=TEMPLATES)
    refused(template(body=["a", "b"]), 132000, templates=TEMPLATES)
    check_message(template("unknown", body=["x", "y"]))  # without a registry: shape only


def test_template_parameter_format():
    check_message(template(body=["four    spaces"]), templates=TEMPLATES)
    for bad in ("two\nlines", "a\ttab", "five     spaces"):
        error = refused(template(body=[bad]), 132018, templates=TEMPLATES)
        assert "new-line" in error.details
    refused(template(body=[""]), 131008)


def test_template_quick_reply_needs_payload():
    payload = [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": "0",
            "parameters": [{"type": "payload", "payload": "reopen"}],
        }
    ]
    check_message(template(body=["Ann"], buttons=payload), templates=TEMPLATES)
    as_text = [{**payload[0], "parameters": [{"type": "text", "text": "reopen"}]}]
    refused(template(body=["Ann"], buttons=as_text), 131009, templates=TEMPLATES)
