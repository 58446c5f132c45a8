"""Telegram's HTML subset: what is accepted, what is refused and with which reason."""

from __future__ import annotations

import html

import pytest

from bot.emulator.html_rules import HtmlParseError, parse_html, strip_formatted, utf16_len


def entity(kind: str, offset: int, length: int, **extra: str) -> dict:
    return {"type": kind, "offset": offset, "length": length, **extra}


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("plain", "plain", []),
        ("<b>bold</b> <strong>x</strong>", "bold x", [entity("bold", 0, 4), entity("bold", 5, 1)]),
        (
            "<i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>",
            "ieunskd",
            [
                entity("italic", 0, 1),
                entity("italic", 1, 1),
                entity("underline", 2, 1),
                entity("underline", 3, 1),
                entity("strikethrough", 4, 1),
                entity("strikethrough", 5, 1),
                entity("strikethrough", 6, 1),
            ],
        ),
        ("<b>a<i>b</i></b>", "ab", [entity("bold", 0, 2), entity("italic", 1, 1)]),
        ("<B>Up</B>", "Up", [entity("bold", 0, 2)]),
        (
            '<a href="https://wijk.nl/?a=1&amp;b=2">site</a>',
            "site",
            [entity("text_link", 0, 4, url="https://wijk.nl/?a=1&b=2")],
        ),
        ("<a href='https://x.nl'>x</a>", "x", [entity("text_link", 0, 1, url="https://x.nl")]),
        ('<a href="javascript:alert(1)">x</a>', "x", []),
        (
            '<pre><code class="language-python">x = 1</code></pre>',
            "x = 1",
            [entity("pre", 0, 5, language="python")],
        ),
        ('<code class="language-python">x</code>', "x", [entity("code", 0, 1)]),
        ("<pre>p</pre>", "p", [entity("pre", 0, 1)]),
        ("<blockquote>q</blockquote>", "q", [entity("blockquote", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [entity("expandable_blockquote", 0, 1)]),
        (
            '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
            "st",
            [entity("spoiler", 0, 1), entity("spoiler", 1, 1)],
        ),
        (
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
            "👍",
            [entity("custom_emoji", 0, 2, custom_emoji_id="5368324170671202286")],
        ),
        ("&lt;b&gt; &amp; &quot;q&quot;", '<b> & "q"', []),
        ("&#60;&#x3E;&#128512;", "<>😀", []),
        # Offsets and lengths count UTF-16 code units: an emoji outside the BMP counts 2.
        ("😀 <b>x</b>", "😀 x", [entity("bold", 3, 1)]),
        ("<b>👍🏽</b>!", "👍🏽!", [entity("bold", 0, 4)]),
        ("שלום <i>עולם</i>", "שלום עולם", [entity("italic", 5, 4)]),
        ("<b></b>x", "x", []),  # empty entities are dropped
    ],
)
def test_accepted_html(source: str, text: str, entities: list[dict]) -> None:
    parsed = parse_html(source)
    assert parsed.text == text
    assert parsed.entities == entities


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("abc<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 3'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("1<2", "Unclosed start tag at byte offset 1"),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        (
            "<b><i>x</b></i>",
            'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
        ),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<a href=x y>z</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("é<foo>", 'Unsupported start tag "foo" at byte offset 2'),  # offsets are UTF-8 bytes
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("Tom & Jerry", 'Character "&" must be escaped as "&amp;" at byte offset 4'),
        ("&nbsp;", 'Character "&" must be escaped as "&amp;" at byte offset 0'),
        ("&amp", 'Character "&" must be escaped as "&amp;" at byte offset 0'),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
    ],
)
def test_refused_html(source: str, reason: str) -> None:
    with pytest.raises(HtmlParseError) as info:
        parse_html(source)
    assert info.value.reason == reason


def test_user_text_must_be_escaped() -> None:
    user_text = 'Is 3 < 4 & "x" > y?'
    with pytest.raises(HtmlParseError):
        parse_html(f"<b>Vraag:</b> {user_text}")
    parsed = parse_html(f"<b>Vraag:</b> {html.escape(user_text)}")
    assert parsed.text == f"Vraag: {user_text}"
    assert parsed.entities == [entity("bold", 0, 6)]


def test_non_strict_mode_is_as_lenient_as_telegram() -> None:
    assert parse_html("Tom & Jerry", strict=False).text == "Tom & Jerry"
    assert parse_html("&amp &lt", strict=False).text == "& <"


@pytest.mark.parametrize(
    ("text", "units"), [("a", 1), ("é", 1), ("😀", 2), ("👍🏽", 4), ("مرحبا", 5), ("", 0)]
)
def test_utf16_len(text: str, units: int) -> None:
    assert utf16_len(text) == units


def test_strip_keeps_entities_aligned() -> None:
    stripped = strip_formatted("  😀 x  ", [entity("bold", 2, 4), entity("italic", 0, 1)])
    assert stripped.text == "😀 x"
    assert stripped.entities == [entity("bold", 0, 4)]
