"""Picture cards, 1080x1080 PNG: the week's wins, a goal's progress, a published result.

Celebrating results is half of what keeps a neighbourhood network going; a
picture is what people look at and pass on. Every card carries its words in
the reader's language, Arabic shaped and read from the right: the words are
drawn by matplotlib's text engine, which shapes with the libraqm it ships
(see `canvas.py`), and the layout is mirrored for right-to-left readers.

A card is cached per card and language: a digest or a celebration goes to a
whole neighbourhood but is drawn once per language. `AREAS` names the boxes
where each card puts words (in left-to-right coordinates); the tests look for
ink in each of them, in every language.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.reports.canvas import Canvas

SIZE = 1080
MARGIN = 80
BAND = 330  # height of the coloured header
ROW_TOP, ROW_HEIGHT = 390, 210
ICON_RADIUS = 80
TEXT_LEFT = MARGIN + 2 * ICON_RADIUS + 50
WIDE = SIZE - 2 * MARGIN
BACKGROUND, BAND_COLOUR, INK, MUTED, WHITE = "#FFF8EC", "#1B4D3E", "#1F2933", "#6B7280", "#FFFFFF"
ORANGE, BLUE, GREEN, TRACK = "#E69F00", "#0072B2", "#009E73", "#E5E0D5"
TITLE_LINES, RESULT_LINES = 3, 4

Box = tuple[int, int, int, int]  # left, top, right, bottom
Pictogram = Callable[[Canvas, int, int], None]  # draws in white around (x, y)

HEADER: dict[str, Box] = {
    "heading": (MARGIN, 55, SIZE - MARGIN, 120),
    "place": (MARGIN, 133, SIZE - MARGIN, 220),
    "dates": (MARGIN, 250, SIZE - MARGIN, 300),
}
AREAS: dict[str, dict[str, Box]] = {
    "wins": {
        **HEADER,
        **{
            f"label {row}": (
                TEXT_LEFT,
                ROW_TOP + row * ROW_HEIGHT + 120,
                SIZE - MARGIN,
                ROW_TOP + row * ROW_HEIGHT + 165,
            )
            for row in range(3)
        },
    },
    "goal": {
        **HEADER,
        "title": (MARGIN, 390, SIZE - MARGIN, 440),
        "percent": (MARGIN, 640, SIZE - MARGIN, 760),
        "figures": (MARGIN, 880, SIZE - MARGIN, 925),
    },
    "result": {
        **HEADER,
        "number": (TEXT_LEFT, 390, SIZE - MARGIN, 500),
        "initiative": (TEXT_LEFT, 520, SIZE - MARGIN, 565),
        "text": (MARGIN, 620, SIZE - MARGIN, 665),
    },
}


@dataclass(frozen=True, slots=True)
class WinsCard:
    """What one card shows: a place, seven days and three numbers."""

    neighbourhood: str
    first_day: date
    last_day: date
    initiatives: int  # approved in these days
    actions: int  # activities created in these days
    results: int  # results published in these days

    @classmethod
    def of_week(
        cls, neighbourhood: str, counts: Mapping[str, int], now: datetime, zone: ZoneInfo
    ) -> WinsCard:
        """The card for `week_counts` at `now`: the seven days before today, local time."""
        return cls(
            neighbourhood,
            (now - timedelta(days=7)).astimezone(zone).date(),
            (now - timedelta(days=1)).astimezone(zone).date(),
            counts["initiatives"],
            counts["actions"],
            counts["results"],
        )


@dataclass(frozen=True, slots=True)
class GoalCard:
    """A goal as it stands: its title in the reader's language, value against target."""

    neighbourhood: str
    title: str
    value: int
    target: int
    period: str  # "2027", as `reports.goals.period` writes it

    @property
    def percent(self) -> int:
        return self.value * 100 // self.target if self.target > 0 else 0


@dataclass(frozen=True, slots=True)
class ResultCard:
    """A published result: what was achieved, as the coordinator wrote it."""

    neighbourhood: str
    published_on: date
    text: str
    number: int | None = None
    initiative: str | None = None  # its title


def _header(canvas: Canvas, heading: str, place: str, when: str) -> None:
    canvas.rectangle(0, 0, SIZE, BAND, BAND_COLOUR)
    for area, text, size, bold in (
        ("heading", heading, 56, False),
        ("place", place, 84, True),
        ("dates", when, 48, False),
    ):
        left, top, right, _ = HEADER[area]
        canvas.text(left, top, text, size, WHITE, bold=bold, width=right - left)


def _footer(canvas: Canvas) -> None:
    canvas.text(SIZE - MARGIN, SIZE - 70, "Wijkbot", 30, MUTED, end=True)


@lru_cache(maxsize=64)
def wins_card(card: WinsCard, t: Translator) -> bytes:
    """The week's three numbers as PNG bytes, with words in `t`'s language."""
    canvas = Canvas(SIZE, SIZE, BACKGROUND, rtl=t.rtl)
    _header(canvas, t._("Wins of the week"), card.neighbourhood, _dates(card))
    rows: tuple[tuple[int, str, Pictogram, str], ...] = (
        (
            card.initiatives,
            t.n_("initiative approved", "initiatives approved", card.initiatives),
            _bulb,
            ORANGE,
        ),
        (card.actions, t.n_("new activity", "new activities", card.actions), _calendar, BLUE),
        (card.results, t.n_("result published", "results published", card.results), _star, GREEN),
    )
    for index, (number, label, pictogram, colour) in enumerate(rows):
        top = ROW_TOP + index * ROW_HEIGHT
        canvas.circle(MARGIN + ICON_RADIUS, top + ICON_RADIUS, ICON_RADIUS, colour)
        pictogram(canvas, MARGIN + ICON_RADIUS, top + ICON_RADIUS)
        canvas.text(TEXT_LEFT, top - 5, t.number(number), 100, INK, bold=True)
        left, upper, right, _ = AREAS["wins"][f"label {index}"]
        canvas.text(left, upper, label, 44, MUTED, width=right - left)
    _footer(canvas)
    return canvas.png()


@lru_cache(maxsize=64)
def goal_card(card: GoalCard, t: Translator) -> bytes:
    """A goal's title, its percentage in big figures and a bar that fills from the start side."""
    canvas = Canvas(SIZE, SIZE, BACKGROUND, rtl=t.rtl)
    _header(canvas, t._("Our goal"), card.neighbourhood, card.period)
    canvas.paragraph(MARGIN, 390, card.title, 50, INK, width=WIDE, lines=TITLE_LINES, bold=True)
    canvas.text(MARGIN, 640, t.percent(card.percent), 120, GREEN, bold=True)
    canvas.rectangle(MARGIN, 800, SIZE - MARGIN, 850, TRACK)
    filled = WIDE * min(card.percent, 100) / 100
    if filled:
        canvas.rectangle(MARGIN, 800, MARGIN + filled, 850, GREEN)
    figures = t._("{value} of {target}", value=t.number(card.value), target=t.number(card.target))
    canvas.text(MARGIN, 880, html.unescape(figures), 44, MUTED, width=WIDE)
    _footer(canvas)
    return canvas.png()


@lru_cache(maxsize=64)
def result_card(card: ResultCard, t: Translator) -> bytes:
    """A star, the result's number if it has one, its initiative and its words."""
    canvas = Canvas(SIZE, SIZE, BACKGROUND, rtl=t.rtl)
    _header(canvas, t._("A result!"), card.neighbourhood, f"{card.published_on:%d-%m-%Y}")
    canvas.circle(MARGIN + ICON_RADIUS, ROW_TOP + ICON_RADIUS, ICON_RADIUS, GREEN)
    _star(canvas, MARGIN + ICON_RADIUS, ROW_TOP + ICON_RADIUS)
    if card.number is not None:
        canvas.text(TEXT_LEFT, ROW_TOP - 5, t.number(card.number), 100, INK, bold=True)
    if card.initiative:
        left, top, right, _ = AREAS["result"]["initiative"]
        canvas.text(left, top, card.initiative, 44, MUTED, width=right - left)
    canvas.paragraph(MARGIN, 620, card.text, 44, INK, width=WIDE, lines=RESULT_LINES)
    _footer(canvas)
    return canvas.png()


def _dates(card: WinsCard) -> str:
    """Digits only, day-month-year as in the Netherlands: readable whatever the language."""
    return f"{card.first_day:%d-%m} – {card.last_day:%d-%m-%Y}"


def _bulb(canvas: Canvas, x: int, y: int) -> None:
    """A light bulb: an idea, as on the bot's "💡 Propose an initiative" button."""
    canvas.circle(x, y - 16, 32, WHITE)
    canvas.rectangle(x - 16, y + 8, x + 16, y + 30, WHITE)
    canvas.rectangle(x - 14, y + 36, x + 14, y + 44, WHITE)


def _calendar(canvas: Canvas, x: int, y: int) -> None:
    """A calendar sheet: something planned on a day."""
    canvas.outline(x - 44, y - 36, x + 44, y + 44, WHITE, 6)
    canvas.rectangle(x - 44, y - 36, x + 44, y - 16, WHITE)
    for ring in (x - 22, x + 22):
        canvas.rectangle(ring - 4, y - 48, ring + 4, y - 28, WHITE)
    for row in (0, 1):
        for column in (-1, 0, 1):
            left, upper = x + column * 24 - 7, y - 4 + row * 22
            canvas.rectangle(left, upper, left + 14, upper + 14, WHITE)


def _star(canvas: Canvas, x: int, y: int) -> None:
    """A five-pointed star: something achieved."""
    points = []
    for corner in range(10):
        radius = 50 if corner % 2 == 0 else 21
        angle = math.pi / 2 + corner * math.pi / 5
        points.append((x + radius * math.cos(angle), y - radius * math.sin(angle)))
    canvas.polygon(points, WHITE)
