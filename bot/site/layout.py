"""The frame of every page: <html lang dir>, the heading, the language switch, the footer.

header   h1 "Results in Overvecht" · intro · nav: Nederlands English Türkçe العربية ...
main     the parts, each a <section> with an h2
footer   what is (not) shown · when it was made
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.i18n import LANGUAGE_NAMES, Html, Translator


def language_switch(t: Translator, languages: Sequence[str], href: str) -> str:
    """Links to the same page in every language; `href` is a format string with {lang}."""
    items = []
    for code in languages:
        current = ' aria-current="page"' if code == t.locale else ""
        link = escape(href.format(lang=code))
        name = escape(LANGUAGE_NAMES[code])
        items.append(
            f'<li><a href="{link}" lang="{code}" hreflang="{code}"{current}>{name}</a></li>'
        )
    return f'<nav aria-label="{t._("Language")}"><ul>{"".join(items)}</ul></nav>'


def page(
    t: Translator,
    *,
    title: Html,
    intro: Html,
    stylesheet: str,
    switch: str,
    parts: Sequence[str],
    made_at: datetime,
    zone: ZoneInfo,
) -> str:
    """A whole HTML document; `title` and `intro` are escaped already (translations with
    their values filled in), `parts` HTML."""
    direction = "rtl" if t.rtl else "ltr"
    shown = t._("Names and photos of residents are shown only when they agreed to it in Wijkbot.")
    made = t._("Made with Wijkbot on {date}.", date=t.date(made_at, zone))
    return (
        "<!doctype html>\n"
        f'<html lang="{t.locale}" dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f'<link rel="stylesheet" href="{escape(stylesheet)}">\n</head>\n<body>\n'
        f'<header>\n<h1>{title}</h1>\n<p class="intro">{intro}</p>\n'
        f"{switch}\n</header>\n<main>\n" + "\n".join(parts) + "\n</main>\n"
        f"<footer><p>{shown}</p><p>{made}</p></footer>\n</body>\n</html>\n"
    )


def isolated(text: str) -> Html:
    """A person's words inside a sentence in any direction: escaped and kept apart by
    <bdi>, so that Latin text on an Arabic page (and the reverse) keeps its own order."""
    return Html(f"<bdi>{escape(text)}</bdi>")


def section(anchor: str, heading: str, body: str) -> str:
    """A part of the page: `heading` is already escaped (a translation), `body` HTML."""
    return (
        f'<section aria-labelledby="{anchor}">\n<h2 id="{anchor}">{heading}</h2>\n{body}\n'
        "</section>"
    )
