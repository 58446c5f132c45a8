"""The "wins of the week" picture card: a neighbourhood's week in big numbers, 1080x1080 PNG.

Celebrating results is half of what keeps a neighbourhood network going; a
picture is what people look at and pass on. The card is drawn with Pillow and
cached per card and language: the weekly digest goes to every resident but is
drawn once per language.

Words use the DejaVu Sans that matplotlib ships (found without importing
matplotlib) and Pillow's basic layout, which draws the Latin script of nl, en,
tr and pl correctly with no shaping library. Right-to-left scripts (Arabic)
need shaping and reordering, which Pillow does only with libraqm and FriBiDi
installed on the system; so their card has no words, just pictograms and
numbers, and the message's caption carries the words.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import Translator

if TYPE_CHECKING:
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont

SIZE = 1080
MARGIN = 80
BAND = 330  # height of the coloured header
ROW_TOP, ROW_HEIGHT = 390, 210
ICON_RADIUS = 80
TEXT_LEFT = MARGIN + 2 * ICON_RADIUS + 50
BACKGROUND, BAND_COLOUR, INK, MUTED, WHITE = "#FFF8EC", "#1B4D3E", "#1F2933", "#6B7280", "#FFFFFF"
ORANGE, BLUE, GREEN = "#E69F00", "#0072B2", "#009E73"
SMALLEST_TEXT = 28

Pictogram = Callable[["ImageDraw", int, int], None]  # draws in white around (x, y)


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


@lru_cache(maxsize=64)
def wins_card(card: WinsCard, t: Translator) -> bytes:
    """The card as PNG bytes, with words in `t`'s language unless it is right-to-left."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SIZE, BAND), fill=BAND_COLOUR)
    words = not t.rtl

    # Right-to-left readers start on the right: mirror the layout (the pictograms are symmetric).
    def x(left: int) -> int:
        return SIZE - left if t.rtl else left

    anchor, footer = ("ra", "ls") if t.rtl else ("la", "rs")
    lines = [(card.neighbourhood, 84, True), (_dates(card), 48, False)]
    if words:
        lines.insert(0, (t._("Wins of the week"), 56, False))
    top = 55 if words else 90
    for text, size, bold in lines:
        font = _fitted(text, SIZE - 2 * MARGIN, size, bold)
        draw.text((x(MARGIN), top), text, font=font, fill=WHITE, anchor=anchor)
        top += int(size * 1.4)

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
        centre = x(MARGIN + ICON_RADIUS)
        draw.ellipse(
            (centre - ICON_RADIUS, top, centre + ICON_RADIUS, top + 2 * ICON_RADIUS), fill=colour
        )
        pictogram(draw, centre, top + ICON_RADIUS)
        figures = t.number(number)
        if words:
            draw.text((x(TEXT_LEFT), top - 10), figures, font=_font(110, True), fill=INK)
            font = _fitted(label, SIZE - MARGIN - TEXT_LEFT, 44, False)
            draw.text((x(TEXT_LEFT), top + 118), label, font=font, fill=MUTED)
        else:
            font = _font(130, True)
            draw.text((x(TEXT_LEFT), top + 15), figures, font=font, fill=INK, anchor=anchor)
    draw.text((x(SIZE - MARGIN), SIZE - 40), "Wijkbot", font=_font(30), fill=MUTED, anchor=footer)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _dates(card: WinsCard) -> str:
    """Digits only, day-month-year as in the Netherlands: readable whatever the language."""
    return f"{card.first_day:%d-%m} – {card.last_day:%d-%m-%Y}"


@cache
def _font_file(bold: bool) -> str:
    """DejaVu Sans from matplotlib's package: present wherever Wijkbot is installed."""
    spec = find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib is not installed; it carries the card's font")
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf" / name)


@cache
def _font(size: int, bold: bool = False) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(_font_file(bold), size, layout_engine=ImageFont.Layout.BASIC)


def _fitted(text: str, width: int, size: int, bold: bool) -> FreeTypeFont:
    """The largest font up to `size` in which `text` fits `width` (a long name or word)."""
    while size > SMALLEST_TEXT and _font(size, bold).getlength(text) > width:
        size -= 4
    return _font(size, bold)


def _bulb(draw: ImageDraw, x: int, y: int) -> None:
    """A light bulb: an idea, as on the bot's "💡 Propose an initiative" button."""
    draw.ellipse((x - 32, y - 48, x + 32, y + 16), fill=WHITE)
    draw.rectangle((x - 16, y + 8, x + 16, y + 30), fill=WHITE)
    draw.rectangle((x - 14, y + 36, x + 14, y + 44), fill=WHITE)


def _calendar(draw: ImageDraw, x: int, y: int) -> None:
    """A calendar sheet: something planned on a day."""
    draw.rounded_rectangle((x - 44, y - 36, x + 44, y + 44), radius=8, outline=WHITE, width=6)
    draw.rectangle((x - 44, y - 36, x + 44, y - 16), fill=WHITE)
    for ring in (x - 22, x + 22):
        draw.rectangle((ring - 4, y - 48, ring + 4, y - 28), fill=WHITE)
    for row in (0, 1):
        for column in (-1, 0, 1):
            left, upper = x + column * 24 - 7, y - 4 + row * 22
            draw.rectangle((left, upper, left + 14, upper + 14), fill=WHITE)


def _star(draw: ImageDraw, x: int, y: int) -> None:
    """A five-pointed star: something achieved."""
    import math

    points = []
    for corner in range(10):
        radius = 50 if corner % 2 == 0 else 21
        angle = math.pi / 2 + corner * math.pi / 5
        points.append((x + radius * math.cos(angle), y - radius * math.sin(angle)))
    draw.polygon(points, fill=WHITE)
