"""WhatsApp's templates: one per kind a person receives, in every language, as Meta accepts
them, and template messages within Meta's limits whatever the rendered text."""

from __future__ import annotations

import json
import re

import pytest

from bot.chat.limits import utf16_length
from bot.chat.replies import File, Reply
from bot.config import SUPPORTED_LOCALES
from bot.delivery.kinds import KINDS
from bot.emulator.whatsapp.rules import check_template
from bot.flows.registry import build
from bot.handlers.whatsapp import templates
from bot.handlers.whatsapp.templates import (
    BODY_LIMIT,
    PARAMETERS,
    TEMPLATES,
    Category,
    creation_requests,
    numbered,
    registry_for_emulator,
    template_message,
)
from bot.i18n import Html, translator
from tests.cli import ROOT, run_cli

PLACEHOLDER = re.compile(r"\{(\w+)\}")
NUMBERED = re.compile(r"\{\{(\d+)\}\}")
WORD = re.compile(r"\S+")

ODD_TEXTS = {
    "longest": Html("Buurtlunch " * 372),  # 4092 units: a full Telegram message
    "emoji": Html("🎉" * 2048),  # 4096 units, every one a surrogate pair
    "arabic": Html("⏰ تذكير: غداء الحي\nمتى: السبت\n" * 130),
    "entities": Html(
        "<b>&lt;3 &amp; co</b> <i>say</i> <a href='https://x.nl'>hi</a> &quot;x&quot;"
    ),
    "whitespace": Html("a\n\n\n\nb\tc     d\r\n• e\n•\tf\u00a0\u00a0\u00a0\u00a0\u00a0g\u2028h"),
}


def test_every_kind_a_person_receives_has_a_template_and_every_template_a_kind() -> None:
    for_people = {name for name in KINDS if not name.startswith("chat_")}
    assert set(TEMPLATES) == for_people
    assert all(template.name == "wijkbot_" + kind for kind, template in TEMPLATES.items())


def test_every_open_button_opens_a_main_menu_entry() -> None:
    registry = build()
    for template in TEMPLATES.values():
        assert registry.on_menu(template.entry) is not None, template.kind


def test_categories_follow_the_kinds() -> None:
    """Reminders, decisions and tasks are utility; celebrations, news and broadcasts are
    marketing, as Meta's guidelines class them."""
    utility = {"action_reminder", "review_decision", "review_request", "commitment_due"}
    marketing = {"celebration_goal", "weekly_digest", "broadcast", "silence_invitation"}
    assert {TEMPLATES[kind].category for kind in utility} == {Category.UTILITY}
    assert {TEMPLATES[kind].category for kind in marketing} == {Category.MARKETING}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_bodies_hold_their_parameters_in_order_inside_enough_words(locale: str) -> None:
    t = translator(locale)
    for template in TEMPLATES.values():
        body = t._(template.body)
        if locale != "en":
            assert body != template.body, f"{template.kind}: not translated to {locale}"
        assert PLACEHOLDER.findall(body) == list(PARAMETERS), (template.kind, locale)
        text = numbered(body)
        assert [int(n) for n in NUMBERED.findall(text)] == list(range(1, len(PARAMETERS) + 1))
        # Meta refuses a body that starts or ends with a parameter (punctuation after it
        # still counts as ending with it).
        assert not text.startswith("{{"), (template.kind, locale)
        assert not text.rstrip(" .!?…:;,؟،").endswith("}}"), (template.kind, locale)
        words = [word for word in WORD.findall(NUMBERED.sub(" ", text))]
        assert len(words) >= 3 * len(PARAMETERS) + 1, (template.kind, locale)
        assert "\t" not in text and "\n\n\n" not in text and "    " not in text
        assert utf16_length(text) <= BODY_LIMIT
        assert t._("Open") in text, f"{template.kind}: the {locale} body names another button"


def test_creation_requests_are_meta_templates_with_examples() -> None:
    requests = creation_requests()
    assert len(requests) == len(TEMPLATES) * len(SUPPORTED_LOCALES)
    seen = set()
    for request in requests:
        assert re.fullmatch(r"[a-z0-9_]{1,512}", request["name"])
        assert request["category"] in {"UTILITY", "MARKETING"}
        body, buttons = request["components"]
        assert body["type"] == "BODY" and "{name}" not in body["text"]
        (example,) = body["example"]["body_text"]
        assert len(example) == len(NUMBERED.findall(body["text"])) == len(PARAMETERS)
        assert all(value and "\n" not in value for value in example)
        assert example[1] != templates.EMPTY_MESSAGE
        (button,) = buttons["buttons"]
        assert buttons["type"] == "BUTTONS" and button["type"] == "QUICK_REPLY"
        assert 0 < len(button["text"]) <= 25
        seen.add((request["name"], request["language"]))
    assert len(seen) == len(requests)


def test_the_emulator_registry_names_every_template_in_every_language() -> None:
    registry = registry_for_emulator()
    assert set(registry) == {template.name for template in TEMPLATES.values()}
    assert all(languages == dict.fromkeys(SUPPORTED_LOCALES, 2) for languages in registry.values())


def filled(kind: str, locale: str, values: list[str]) -> str:
    return (
        translator(locale)
        ._(TEMPLATES[kind].body)
        .format(**dict(zip(PARAMETERS, values, strict=True)))
    )


def assert_meta_accepts(kind: str, locale: str, message: tuple[str, dict]) -> list[str]:
    """The template message is one Meta takes: as the emulator checks it, with parameters
    on one line and the filled body within BODY_LIMIT; its parameter values."""
    typ, body = message
    template = TEMPLATES[kind]
    assert typ == "template"
    check_template(body, registry_for_emulator())  # the emulator checks as Meta does
    assert body["name"] == template.name and body["language"] == {"code": locale}
    parameters, button = body["components"]
    values = [parameter["text"] for parameter in parameters["parameters"]]
    for value in values:
        assert value and not re.search(r"[\n\r\t\u2028\u2029]| {5}", value), value
    whole = filled(kind, locale, values)
    assert utf16_length(whole) <= BODY_LIMIT and len(whole) <= BODY_LIMIT
    assert button == {
        "type": "button",
        "sub_type": "quick_reply",
        "index": "0",
        "parameters": [{"type": "payload", "payload": "m:" + template.entry}],
    }
    return values


@pytest.mark.parametrize("text", ODD_TEXTS.values(), ids=ODD_TEXTS.keys())
def test_template_messages_keep_meta_limits_whatever_the_text(text: Html) -> None:
    for kind in TEMPLATES:
        for locale in SUPPORTED_LOCALES:
            message = template_message(kind, locale, "Anna-Maria\tde\nVries", Reply(text))
            name, _ = assert_meta_accepts(kind, locale, message)
            assert name == "Anna-Maria de Vries"


def test_a_message_is_whatsapp_text_on_one_line() -> None:
    _, body = template_message("notice", "en", "Anna", Reply(ODD_TEXTS["entities"]))
    text = body["components"][0]["parameters"][1]["text"]
    assert text == '*<3 & co* _say_ hi (https://x.nl) "x"'
    _, body = template_message("notice", "en", "Anna", Reply(ODD_TEXTS["whitespace"]))
    assert body["components"][0]["parameters"][1]["text"] == "a · b c d · e · f g · h"
    reminder = Html("⏰ Reminder: Lunch\nWhen: Saturday\n\nAre you still coming?")
    _, body = template_message("action_reminder", "en", "Anna", Reply(reminder))
    text = body["components"][0]["parameters"][1]["text"]
    assert text == "⏰ Reminder: Lunch · When: Saturday · Are you still coming?"


def test_a_long_message_is_clipped_to_fill_the_body_exactly() -> None:
    _, body = template_message("weekly_digest", "ar", "Anna", Reply(ODD_TEXTS["arabic"]))
    values = [parameter["text"] for parameter in body["components"][0]["parameters"]]
    assert values[1].endswith("…")
    assert BODY_LIMIT - 2 <= utf16_length(filled("weekly_digest", "ar", values)) <= BODY_LIMIT


def test_a_person_without_a_first_name_is_greeted_with_a_neutral_word() -> None:
    picture = File("wins.png", data=b"png")
    for locale in SUPPORTED_LOCALES:
        _, body = template_message("weekly_digest", locale, " \n", Reply(Html(""), picture=picture))
        name, message = [parameter["text"] for parameter in body["components"][0]["parameters"]]
        assert name == translator(locale)._("neighbour") and name.strip()
        assert message == templates.EMPTY_MESSAGE  # Meta refuses an empty parameter
    _, body = template_message("notice", "nl", "X" * 300, Reply(Html("Hoi")))
    assert utf16_length(body["components"][0]["parameters"][0]["text"]) == templates.NAME_LIMIT


def test_posts_in_groups_have_no_template() -> None:
    with pytest.raises(KeyError):
        template_message("chat_wins", "nl", "Anna", Reply(Html("Hoi")))


def test_the_committed_file_is_what_the_command_prints(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = run_cli("whatsapp", "templates")  # no token, no database
    assert done.returncode == 0, done.stderr
    committed = (ROOT / "docs" / "whatsapp-templates.json").read_text(encoding="utf-8")
    assert done.stdout == committed, (
        "run `wijkbot whatsapp templates --out docs/whatsapp-templates.json`"
    )
    assert json.loads(committed) == creation_requests()
    out = tmp_path / "templates.json"
    written = run_cli("whatsapp", "templates", "--out", str(out))
    assert written.returncode == 0 and written.stdout == ""
    assert out.read_text(encoding="utf-8") == committed


def test_the_operators_table_names_every_template_with_its_category_and_button() -> None:
    text = (ROOT / "docs" / "whatsapp.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(wijkbot_\w+)` \| (\w+) \| .*\(`m:(\w+)`\) \|$", text, re.MULTILINE)
    expected = [(t.name, t.category.value, t.entry) for t in TEMPLATES.values()]
    assert rows == expected
