"""Telegram HTML as WhatsApp text: the same words, in WhatsApp's own marks.

    <b>Repair café</b> on <i>Saturday</i>     ->  *Repair café* on _Saturday_
    <a href="https://x.nl">the map</a>        ->  the map (https://x.nl)
    <blockquote>line</blockquote>             ->  > line
    5 &lt; 6                                  ->  5 < 6

Replies are built as Telegram HTML (`bot.chat.replies`); WhatsApp has no HTML
but formats `*bold*`, `_italic_`, `~struck~` and ```mono```, each mark only at
the edge of a word, and has no escape character. So:

- marks are set per line, with the spaces outside them ("*a* *b*", never
  "*a\\nb*" or "*a *"): a mark never has to reach across a line, and a long
  text can be cut between lines without leaving one open;
- a `*`, `_`, `~` or backtick in the text itself (what a person typed) gets
  a word joiner (U+2060, invisible) on each side unless it already stands
  inside a word ("a_b"): it stays inside a word, so it shows as typed and
  pairs with no other mark, ours or theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

JOINER = "\u2060"  # WORD JOINER: zero width, keeps a typed mark inside its word
MARKS = frozenset("*_~`")
_STYLE_OF_TAG = {
    "b": "*",
    "strong": "*",
    "i": "_",
    "em": "_",
    "s": "~",
    "strike": "~",
    "del": "~",
    "code": "```",
    "pre": "```",
}
_ORDER = ("```", "*", "_", "~")  # outermost first; nothing formats inside ```
_SCHEMES = ("http://", "https://", "mailto:")  # links WhatsApp can open; tg:// it cannot


@dataclass(frozen=True, slots=True)
class _Run:
    text: str
    styles: frozenset[str]
    quoted: bool
    literal: bool  # our own text (a link's address): never neutralized


class _Reader(HTMLParser):
    """Telegram's HTML as runs of text, each with the marks that apply to it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[_Run] = []
        self._open: list[str] = []  # tags, innermost last
        self._links: list[tuple[str | None, int]] = []  # (href, first run of the label)
        self._after_quote = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self._break()
        self._open.append(tag)
        if tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.runs)))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._open:
            return
        while self._open.pop() != tag:
            pass
        if tag == "a" and self._links:
            self._link(*self._links.pop())
        elif tag == "blockquote":
            self._after_quote = True

    def _link(self, href: str | None, first: int) -> None:
        """The label, then the address (which a person can tap); the address alone when the
        label is the address, kept whole (no joiners inside it)."""
        if not href or not href.startswith(_SCHEMES):
            return
        label = self.runs[first:]
        if "".join(run.text for run in label).strip() in ("", href):
            styles = label[0].styles if label else frozenset()
            del self.runs[first:]
            self._add(href, styles, literal=True)
        else:
            self._add(f" ({href})", frozenset(), literal=True)

    def handle_data(self, data: str) -> None:
        if self._after_quote and not data.startswith("\n"):
            self._break()
        self._after_quote = False
        styles = frozenset(_STYLE_OF_TAG[tag] for tag in self._open if tag in _STYLE_OF_TAG)
        self._add(data, styles, literal=False)

    def _add(self, text: str, styles: frozenset[str], *, literal: bool) -> None:
        if text:
            self.runs.append(_Run(text, styles, "blockquote" in self._open, literal))

    def _break(self) -> None:
        """A quote is a block of its own: it starts and ends on a line of its own."""
        if self.runs and not self.runs[-1].text.endswith("\n"):
            self.runs.append(_Run("\n", frozenset(), False, True))


def to_whatsapp(text: str) -> str:
    """Telegram HTML (as `bot.chat.replies.Reply` holds it) as WhatsApp's formatted text."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    lines: list[list[_Run]] = [[]]
    for run in reader.runs:
        first, *rest = run.text.split("\n")
        lines[-1].append(_Run(first, run.styles, run.quoted, run.literal))
        for piece in rest:
            lines.append([_Run(piece, run.styles, run.quoted, run.literal)])
    return "\n".join(_line(runs) for runs in lines)


def _line(runs: list[_Run]) -> str:
    """One line: runs of the same marks together, each group marked once."""
    out: list[str] = []
    quoted = any(run.quoted and run.text for run in runs)
    group: list[_Run] = []
    for run in runs:
        if group and run.styles != group[-1].styles:
            out.append(_marked(group))
            group = []
        group.append(run)
    if group:
        out.append(_marked(group))
    line = "".join(out)
    if quoted:
        return "> " + line
    return JOINER + line if line.startswith(">") else line  # typed "> " is no quote


def _marked(group: list[_Run]) -> str:
    styles = group[0].styles
    code = "```" in styles
    text = "".join(run.text if run.literal else neutralized(run.text, code=code) for run in group)
    inner = text.strip()
    if not inner or not styles:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    marks = [mark for mark in _ORDER if mark in styles]
    if code:
        marks = ["```"]  # WhatsApp shows no other mark inside monospace
    return lead + "".join(marks) + inner + "".join(reversed(marks)) + trail


# What WhatsApp shows as a link: no mark inside it pairs, and nothing may be added to it.
LINK = re.compile(r"https?://[A-Za-z0-9._/?#@!$&'()+,;=%:-]+")  # no * ~ `: marks, not a link's


def link_spans(text: str) -> list[tuple[int, int]]:
    return [found.span() for found in LINK.finditer(text)]


def neutralized(text: str, *, code: bool = False) -> str:
    """`text` as typed, with each formatting mark that could pair with another kept inside
    its word by word joiners (inside ```mono``` only a backtick could end it)."""
    dangerous = frozenset("`") if code else MARKS
    # A link stays as it is: a joiner inside it would break it (an invite's code has "_").
    links = link_spans(text)
    out: list[str] = []
    for index, character in enumerate(text):
        in_link = any(start <= index < end for start, end in links)
        if character in dangerous and not in_link and not _inside_word(text, index):
            out.append(JOINER + character + JOINER)
        else:
            out.append(character)
    return "".join(out)


def _inside_word(text: str, index: int) -> bool:
    """Letters or digits on both sides ("snake_case", "2*3"): WhatsApp sets no mark there."""
    return 0 < index < len(text) - 1 and text[index - 1].isalnum() and text[index + 1].isalnum()


def link(label: str, url: str) -> str:
    """A button that opens `url`, as a line of text: "label (url)", or the url alone."""
    label = neutralized(label)
    return url if label == url else f"{label} ({url})"
