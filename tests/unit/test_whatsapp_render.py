"""One `Reply` shown on WhatsApp: Telegram HTML as WhatsApp's marks, choices as buttons or
lists, each of WhatsApp's limits met on both sides, and checked by the emulator's rules."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.chat.capabilities import TELEGRAM, WHATSAPP
from bot.chat.limits import utf16_length
from bot.chat.replies import Button, File, Reply
from bot.config import SUPPORTED_LOCALES
from bot.handlers.whatsapp.formatting import JOINER, link, link_spans, neutralized, to_whatsapp
from bot.handlers.whatsapp.render import Outgoing, render, unique_titles
from bot.i18n import Html, escape, translator
from tests.whatsapp_limits import assert_fits_whatsapp

EN = translator("en")
QUICK = settings(max_examples=200, deadline=None, derandomize=True, database=None)
AWKWARD = ["😀", "👩‍👩‍👧‍👦", "مرحبا", "\u200f", "e\u0301", "<b>", "&amp;", "&", "<", ">", "*", "_"]
AWKWARD += ["~", "`", "```", "> ", " ", "\n", "x", "2", "https://x.nl/a_b", "*sale*", "_x_"]


def choices(*labels: str) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(label, f"t:{n}"),) for n, label in enumerate(labels))


def interactive(messages: list[Outgoing]) -> list[dict[str, Any]]:
    return [m.body for m in messages if m.type == "interactive"]


def titles(body: dict[str, Any]) -> list[str]:
    action = body["action"]
    if body["type"] == "button":
        return [button["reply"]["title"] for button in action["buttons"]]
    return [row["title"] for section in action["sections"] for row in section["rows"]]


# -- formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "whatsapp"),
    [
        ("<b>Repair café</b> on <i>Saturday</i>", "*Repair café* on _Saturday_"),
        ("<strong>a</strong> <em>b</em> <ins>c</ins> <u>d</u>", "*a* _b_ c d"),
        ("<s>old</s> <del>x</del> <strike>y</strike>", "~old~ ~x~ ~y~"),
        ("<code>a_b *c*</code>", "```a_b *c*```"),
        ("<pre>line one\nline two</pre>", "```line one```\n```line two```"),
        ('<a href="https://x.nl/kaart">the map</a>', "the map (https://x.nl/kaart)"),
        ('<a href="https://x.nl/_a_">https://x.nl/_a_</a>', "https://x.nl/_a_"),
        ('<a href="tg://user?id=5">Bram</a>', "Bram"),
        ("Said:<blockquote>first\nsecond</blockquote>Thanks", "Said:\n> first\n> second\nThanks"),
        ('<tg-spoiler>secret</tg-spoiler> <span class="tg-spoiler">too</span>', "secret too"),
        ("5 &lt; 6 &amp;&amp; 7 &gt; 3 &quot;q&quot; &#39;", '5 < 6 && 7 > 3 "q" \''),
        ("<b>both\nlines</b>", "*both*\n*lines*"),
        ("<b>Title: </b>x", "*Title:* x"),
        ("<b>a <i>b</i> c</b>", "*a* *_b_* *c*"),
        ("<b></b>empty", "empty"),
    ],
)
def test_telegram_html_becomes_whatsapp_marks(html: str, whatsapp: str) -> None:
    assert to_whatsapp(html) == whatsapp


@QUICK
@given(st.lists(st.sampled_from(AWKWARD), max_size=40).map("".join))
def test_what_a_person_typed_comes_out_as_typed(typed: str) -> None:
    """Escaped for Telegram, shown on WhatsApp: the same characters, only invisible word
    joiners added, and no mark of theirs pairs with anything."""
    shown = to_whatsapp(escape(typed))
    assert shown.replace(JOINER, "") == typed
    assert all(not spans(shown, mark) for mark in "*_~")


@QUICK
@given(st.lists(st.sampled_from(AWKWARD), max_size=40).map("".join))
def test_a_typed_mark_never_reaches_our_own(typed: str) -> None:
    """Between our bold title and our italic note, typed text makes no span of its own and
    breaks none of ours."""
    shown = to_whatsapp(Html(f"<b>Title</b> {escape(typed)} <i>note</i>\n<b>End</b>"))
    assert spans(shown, "*") == ["Title", "End"]
    assert spans(shown, "_") == ["note"]
    assert spans(shown, "~") == []


def test_the_model_of_whatsapp_marks_finds_a_typed_span() -> None:
    """Without the word joiners, a person's "*sale*" would be bold and "5 * 3 *x" would
    reach across: the check above would notice."""
    assert spans("Title *sale* now", "*") == ["sale"]
    assert spans("a *b and our *Title*", "*") == ["b and our *Title"]
    assert spans(to_whatsapp(escape("Title *sale* now")), "*") == []
    assert spans(to_whatsapp(Html(f"{escape('a *b')} and our <b>Title</b>")), "*") == ["Title"]


def test_a_mark_inside_a_word_is_left_alone() -> None:
    assert to_whatsapp(escape("snake_case 2*3 a~b")) == "snake_case 2*3 a~b"


def spans(text: str, mark: str) -> list[str]:
    """What WhatsApp would set in `mark`, line by line: a mark opens after a space, a
    punctuation mark or the line's start and before a non-space; it closes after a
    non-space and before a space, a punctuation mark or the line's end. A word joiner
    belongs to its word; a mark inside a link sets nothing."""
    found = []
    for line in text.split("\n"):
        start = None
        links = link_spans(line)
        for i, character in enumerate(line):
            if character != mark or any(a <= i < b for a, b in links):
                continue
            before = line[i - 1] if i else " "
            after = line[i + 1] if i + 1 < len(line) else " "
            if start is not None and not before.isspace() and _edge(after) and i > start + 1:
                found.append(line[start + 1 : i])
                start = None
            elif start is None and _edge(before) and not after.isspace():
                start = i
    return found


def _edge(character: str) -> bool:
    return character.isspace() or unicodedata.category(character)[0] in "PS"


def test_a_link_button_is_a_line_of_text() -> None:
    assert link("Open the map", "https://x.nl") == "Open the map (https://x.nl)"
    assert link("https://x.nl", "https://x.nl") == "https://x.nl"


# -- capabilities -------------------------------------------------------------------------


def test_whatsapp_describes_its_own_limits_and_telegram_keeps_its_own() -> None:
    assert (WHATSAPP.quick_replies, WHATSAPP.list_rows, WHATSAPP.can_edit) == (3, 10, False)
    assert WHATSAPP.text_with_buttons == 1024 and WHATSAPP.button_text_length == 20
    assert (TELEGRAM.quick_replies, TELEGRAM.list_rows, TELEGRAM.window) == (None, None, None)
    assert TELEGRAM.can_edit and TELEGRAM.html and not WHATSAPP.html


# -- text ---------------------------------------------------------------------------------


def longer_on_whatsapp(length: int) -> Html:
    """Telegram HTML within Telegram's 4096 whose WhatsApp text is `length` characters: each
    line "*_~x~_*" is 7 characters on WhatsApp and one on Telegram."""
    lines = (length - 1) // 8
    html = Html("<b><i><s>x</s></i></b>\n" * lines + "y" * (length - 8 * lines))
    assert len(to_whatsapp(html)) == length
    return html


@pytest.mark.parametrize(("length", "messages"), [(4096, 1), (4097, 2), (5000, 2), (8193, 3)])
def test_a_long_text_is_cut_between_lines_into_messages_of_4096(length: int, messages: int) -> None:
    html = longer_on_whatsapp(length)
    sent = assert_fits_whatsapp(Reply(html), EN)
    assert [m.type for m in sent] == ["text"] * messages
    assert all(utf16_length(m.body["body"]) <= 4096 for m in sent)
    assert "\n".join(m.body["body"] for m in sent) == to_whatsapp(html)  # cut where lines end


def test_a_text_without_spaces_is_cut_anywhere_and_never_inside_an_emoji() -> None:
    html = Html("<b>😀</b><i>😀</i>" * 1000)  # 4000 UTF-16 units on Telegram, 8000 on WhatsApp
    sent = assert_fits_whatsapp(Reply(html), EN)
    assert "".join(m.body["body"] for m in sent) == to_whatsapp(html)
    assert [utf16_length(m.body["body"]) for m in sent] == [4096, 8000 - 4096]


def test_an_edit_is_a_new_message() -> None:
    reply = Reply(Html("<b>Saved</b>"), choices("Yes", "No"))
    edited = Reply(reply.text, reply.buttons, edit=True)
    assert render(edited, EN) == render(reply, EN)
    assert render(edited, EN)[0].body["body"]["text"] == "*Saved*"


# -- buttons and lists --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "kind"),
    [
        (["Yes"], "button"),
        (["a" * 20, "b" * 20, "c" * 20], "button"),
        (["a" * 21, "b", "c"], "list"),
        (["Yes", "No", "Maybe", "Later"], "list"),
    ],
)
def test_three_short_labels_are_buttons_and_more_or_longer_a_list(
    labels: list[str], kind: str
) -> None:
    sent = assert_fits_whatsapp(Reply(Html("Come?"), choices(*labels)), EN)
    (body,) = interactive(sent)
    assert body["type"] == kind and body["body"]["text"] == "Come?"
    assert [m.type for m in sent] == ["interactive"]
    assert titles(body) == labels


@pytest.mark.parametrize(("count", "sizes"), [(10, [10]), (11, [6, 5]), (25, [9, 8, 8])])
def test_more_than_ten_choices_go_in_several_lists(count: int, sizes: list[int]) -> None:
    labels = [f"Choice {n}" for n in range(count)]
    sent = assert_fits_whatsapp(Reply(Html("Pick one"), choices(*labels)), EN)
    lists = interactive(sent)
    assert [len(titles(body)) for body in lists] == sizes
    assert [t for body in lists for t in titles(body)] == labels  # in order, none lost
    bodies = [body["body"]["text"] for body in lists]
    if len(sizes) == 1:
        assert bodies == ["Pick one"]
    else:
        of = len(sizes)
        assert bodies == [f"Pick one\n\n(1/{of})"] + [
            f"More choices ({n}/{of})" for n in range(2, of + 1)
        ]
    assert all(body["action"]["button"] == "Choose" for body in lists)


def test_a_keyboard_of_25_long_emoji_arabic_and_html_labels_fits() -> None:
    labels = [f"{n} 👩‍👩‍👧‍👦 مرحبا بالجيران <3 & co — a long name for a choice" for n in range(25)]
    sent = assert_fits_whatsapp(Reply(Html("x"), choices(*labels)), translator("ar"))
    rows = [row for body in interactive(sent) for row in body["action"]["sections"][0]["rows"]]
    assert len(rows) == 25 and len(interactive(sent)) == 3
    assert all(row["title"].endswith("…") and utf16_length(row["title"]) <= 24 for row in rows)
    assert all(utf16_length(row["description"]) <= 72 for row in rows)
    assert rows[0]["description"].startswith("0 👩‍👩‍👧‍👦 مرحبا بالجيران <3 & co")
    assert len({row["title"] for row in rows}) == 25


@pytest.mark.parametrize(
    ("length", "description"), [(24, False), (25, True), (72, True), (73, True), (96, True)]
)
def test_a_row_title_holds_24_and_the_whole_label_goes_below_it(
    length: int, description: bool
) -> None:
    label = ("abcdefghij" * 10)[:length]
    sent = assert_fits_whatsapp(Reply(Html("x"), choices(label, "b", "c", "d")), EN)
    row = interactive(sent)[0]["action"]["sections"][0]["rows"][0]
    assert ("description" in row) is description
    assert row["title"] == (label if not description else label[:23].rstrip() + "…")
    if description:
        assert row["description"] == (label if length <= 72 else label[:71].rstrip() + "…")


def test_clipped_titles_that_read_the_same_are_numbered() -> None:
    long = "Repair café in the community centre"
    assert unique_titles([long, long, long], 20) == [
        "Repair café in the…",
        "Repair café in… (2)",
        "Repair café in… (3)",
    ]
    sent = assert_fits_whatsapp(Reply(Html("x"), choices("Open", "Open", "Close")), EN)
    assert titles(interactive(sent)[0]) == ["Open", "Open (2)", "Close"]
    sent = assert_fits_whatsapp(Reply(Html("x"), choices(*[long] * 12)), EN)
    listed = [t for body in interactive(sent) for t in titles(body)]
    assert len(set(listed)) == 12 and all(utf16_length(t) <= 24 for t in listed)


def test_a_title_is_one_line() -> None:
    sent = assert_fits_whatsapp(Reply(Html("x"), choices("Yes\nplease", "No  thanks")), EN)
    assert titles(interactive(sent)[0]) == ["Yes please", "No thanks"]


def test_one_payload_twice_is_one_choice() -> None:
    reply = Reply(Html("x"), ((Button("Yes", "t:y"), Button("Yes!", "t:y")),))
    assert titles(interactive(assert_fits_whatsapp(reply, EN))[0]) == ["Yes"]


@pytest.mark.parametrize(("length", "first"), [(1024, "interactive"), (1025, "text")])
def test_a_body_over_1024_goes_first_and_the_buttons_follow_with_a_short_body(
    length: int, first: str
) -> None:
    text = "y" * length
    sent = assert_fits_whatsapp(Reply(Html(text), choices("Yes", "No")), EN)
    assert sent[0].type == first
    body = interactive(sent)[0]["body"]["text"]
    assert body == (text if length == 1024 else "Please choose:")


def test_several_lists_after_a_long_text_count_from_the_first() -> None:
    sent = assert_fits_whatsapp(Reply(Html("y" * 2000), choices(*map(str, range(15)))), EN)
    assert [m.type for m in sent] == ["text", "interactive", "interactive"]
    assert [b["body"]["text"] for b in interactive(sent)] == [
        "Please choose: (1/2)",
        "More choices (2/2)",
    ]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_short_texts_it_adds_are_translated_and_fit(locale: str) -> None:
    t = translator(locale)
    sent = assert_fits_whatsapp(Reply(Html("y" * 2000), choices(*map(str, range(15)))), t)
    lists = interactive(sent)
    added = [lists[0]["action"]["button"], lists[0]["body"]["text"], lists[1]["body"]["text"]]
    english = ["Choose", "Please choose: (1/2)", "More choices (2/2)"]
    assert all(utf16_length(text) <= 20 for text in added[:1])
    assert (added == english) is (locale == "en"), added


# -- links, pictures and documents ----------------------------------------------------------


def test_url_buttons_become_links_in_the_text() -> None:
    reply = Reply(
        Html("See <b>this</b>"),
        ((Button("Open the map", url="https://x.nl/kaart"), Button("Yes", "t:y")),),
    )
    sent = assert_fits_whatsapp(reply, EN)
    (body,) = interactive(sent)
    assert body["body"]["text"] == "See *this*\n\nOpen the map (https://x.nl/kaart)"
    assert titles(body) == ["Yes"]
    only_links = assert_fits_whatsapp(
        Reply(Html("See"), ((Button("https://x.nl", url="https://x.nl"),),)), EN
    )
    assert [(m.type, m.body["body"]) for m in only_links] == [("text", "See\n\nhttps://x.nl")]


def test_a_photo_with_buttons_is_the_image_with_its_caption_then_the_buttons() -> None:
    picture = File("card.png", data=b"\x89PNG", mime="image/png")
    sent = assert_fits_whatsapp(Reply(Html("<b>Well done</b>"), choices("Share"), picture), EN)
    assert [m.type for m in sent] == ["image", "interactive"]
    assert sent[0].file is picture and sent[0].body == {"caption": "*Well done*"}
    assert sent[1].body["body"]["text"] == "Please choose:"


@pytest.mark.parametrize(("length", "types"), [(1024, ["image"]), (1025, ["image", "text"])])
def test_a_caption_holds_1024_and_a_longer_text_follows_the_picture(
    length: int, types: list[str]
) -> None:
    url = "https://x.nl/" + "u" * 20  # the link's line makes the caption longer than on Telegram
    link = ((Button(url, url=url),),)
    reply = Reply(Html("c" * (length - len(url) - 2)), link, File("p.png", data=b"x"))
    sent = assert_fits_whatsapp(reply, EN)
    assert [m.type for m in sent] == types
    caption = sent[0].body.get("caption", "")
    assert len(caption) == (length if length == 1024 else 0)
    assert "".join(m.body.get("body", "") for m in sent[1:]) == (
        "" if caption else reply.text + "\n\n" + url
    )


def test_a_picture_whatsapp_cannot_fetch_leaves_the_text_alone() -> None:
    telegram = Reply(Html("News"), choices("Open"), File("p.jpg", file_id="AgACAgIAAxkBAAIB"))
    assert [m.type for m in assert_fits_whatsapp(telegram, EN)] == ["interactive"]
    assert render(Reply(Html(""), picture=File("p.jpg", file_id="AgAD")), EN) == []
    media = Reply(Html("News"), picture=File("p.jpg", file_id="1234567"))
    (image,) = assert_fits_whatsapp(media, EN)
    assert image.body == {"id": "1234567", "caption": "News"} and image.file is None


def test_a_document_is_uploaded_with_its_name() -> None:
    document = File("wijkbot.json", data=b"{}", mime="application/json")
    (sent,) = assert_fits_whatsapp(Reply(Html("Your data"), document=document), EN)
    assert sent.type == "document" and sent.file is document
    assert sent.body == {"filename": "wijkbot.json", "caption": "Your data"}


def test_a_link_in_the_text_keeps_its_marks_as_they_are() -> None:
    """An invite's link holds "_" and "-" (its code): a word joiner there would break it."""
    url = "https://wa.me/31612345678?text=start%20i_-Ab_c_"
    said = neutralized(f"Open _this_: {url} or *that*")
    assert f" {url} " in said
    assert said.startswith(f"Open {JOINER}_{JOINER}")  # outside the link, still neutral
