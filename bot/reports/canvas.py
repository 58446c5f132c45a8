"""A square of pixels to draw picture cards on, with words in every language.

    canvas = Canvas(1080, 1080, "#FFF8EC", rtl=t.rtl)
    canvas.rectangle(0, 0, 1080, 330, "#1B4D3E")
    canvas.text(80, 55, "Wins of the week", 56, "#FFFFFF", width=920)
    canvas.png() ──> bytes

Words are drawn by matplotlib's text engine, which shapes and orders them
with the libraqm it is built with (matplotlib 3.11 and later): Arabic comes
out joined and right to left whatever the machine has installed, which
Pillow's own layout cannot promise. The font is the DejaVu Sans matplotlib
ships; it has the letters of all six languages (Latin with Turkish and Polish
letters, Cyrillic, Arabic).

Coordinates are pixels from the top left as a reader of a left-to-right
language sees the card; on a right-to-left canvas every x is mirrored, so a
card is laid out once and reads from the right in Arabic. Points are pixels
(72 dots per inch), so a font size is a height in pixels.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

DPI = 72
SMALLEST_TEXT = 28
ELLIPSIS = "…"


@cache
def font_file(bold: bool = False) -> str:
    """DejaVu Sans from matplotlib's package: present wherever Wijkbot is installed."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name)


@cache
def _has_glyph(character: str, bold: bool) -> bool:
    from matplotlib.ft2font import FT2Font

    return FT2Font(font_file(bold)).get_char_index(ord(character)) != 0


def drawable(text: str, bold: bool = False) -> str:
    """`text` without the characters the font has no glyph for (emoji, rare symbols): better
    left out than drawn as empty boxes. Invisible format characters (joiners, direction
    marks) stay for the shaper."""
    kept = (
        c for c in text if c.isspace() or unicodedata.category(c) == "Cf" or _has_glyph(c, bold)
    )
    return " ".join("".join(kept).split())


@cache
def _font(size: int, bold: bool) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=font_file(bold), size=size)


class Canvas:
    """Shapes and words in pixels on a matplotlib figure (no pyplot, no global state)."""

    def __init__(self, width: int, height: int, background: str, *, rtl: bool = False) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.width, self.height, self.rtl = width, height, rtl
        self.figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor=background)
        self.axes = self.figure.add_axes((0, 0, 1, 1))
        self.axes.set_xlim(0, width)
        self.axes.set_ylim(height, 0)
        self.axes.set_axis_off()
        self._agg = FigureCanvasAgg(self.figure)
        self._renderer = self._agg.get_renderer()

    def x(self, left: float) -> float:
        """`left` as seen on this canvas: mirrored when it reads from the right."""
        return self.width - left if self.rtl else left

    def rectangle(self, left: float, top: float, right: float, bottom: float, colour: str) -> None:
        from matplotlib.patches import Rectangle

        start, end = sorted((self.x(left), self.x(right)))
        self.axes.add_patch(
            Rectangle((start, top), end - start, bottom - top, facecolor=colour, linewidth=0)
        )

    def circle(self, centre_x: float, centre_y: float, radius: float, colour: str) -> None:
        from matplotlib.patches import Circle

        self.axes.add_patch(
            Circle((self.x(centre_x), centre_y), radius, facecolor=colour, linewidth=0)
        )

    def outline(
        self, left: float, top: float, right: float, bottom: float, colour: str, width: float
    ) -> None:
        """A rectangle's border with rounded corners, `width` pixels wide."""
        from matplotlib.patches import FancyBboxPatch

        start, end = sorted((self.x(left), self.x(right)))
        self.axes.add_patch(
            FancyBboxPatch(
                (start, top),
                end - start,
                bottom - top,
                boxstyle="round,pad=0,rounding_size=8",
                facecolor="none",
                edgecolor=colour,
                linewidth=width * 72 / DPI,
            )
        )

    def polygon(self, points: Sequence[tuple[float, float]], colour: str) -> None:
        from matplotlib.patches import Polygon

        mirrored = [(self.x(x), y) for x, y in points]
        self.axes.add_patch(Polygon(mirrored, closed=True, facecolor=colour, linewidth=0))

    def measure(self, text: str, size: int, bold: bool = False) -> float:
        """The width of `text` in pixels, as shaped."""
        width, _, _ = self._renderer.get_text_width_height_descent(
            text, _font(size, bold), ismath=False
        )
        return float(width)

    def fitted(self, text: str, width: float, size: int, bold: bool = False) -> int:
        """The largest size up to `size` at which `text` fits `width` (a long name or word)."""
        while size > SMALLEST_TEXT and self.measure(text, size, bold) > width:
            size -= 4
        return size

    def text(
        self,
        left: float,
        top: float,
        text: str,
        size: int,
        colour: str,
        *,
        bold: bool = False,
        width: float | None = None,
        end: bool = False,
    ) -> None:
        """`text` with its top at `top`, starting at `left` (or ending there if `end`),
        made smaller to fit `width`, still too long then cut with an ellipsis."""
        text = drawable(text, bold)
        if width is not None:
            size = self.fitted(text, width, size, bold)
            text = self._cut(text, width, size, bold)
        start_side, end_side = ("right", "left") if self.rtl else ("left", "right")
        self.axes.text(
            self.x(left),
            top,
            text,
            color=colour,
            fontproperties=_font(size, bold),
            horizontalalignment=end_side if end else start_side,
            verticalalignment="top",
            parse_math=False,
            usetex=False,
        )

    def paragraph(
        self,
        left: float,
        top: float,
        text: str,
        size: int,
        colour: str,
        *,
        width: float,
        lines: int,
        bold: bool = False,
    ) -> float:
        """`text` broken into at most `lines` lines of `width`, the last cut if needed;
        returns the top of the next line."""
        for line in self.wrap(drawable(text, bold), width, size, bold, lines):
            self.text(left, top, line, size, colour, bold=bold)
            top += size * 1.3
        return top

    def wrap(self, text: str, width: float, size: int, bold: bool, lines: int) -> list[str]:
        """Words in lines of at most `width` pixels; a word longer than a line is cut."""
        found: list[str] = []
        words = text.split()
        while words and len(found) < lines:
            line = words.pop(0)
            while words and self.measure(f"{line} {words[0]}", size, bold) <= width:
                line += " " + words.pop(0)
            if words and len(found) == lines - 1:
                line += " " + " ".join(words)
                words = []
            found.append(self._cut(line, width, size, bold))
        return found

    def _cut(self, text: str, width: float, size: int, bold: bool) -> str:
        if self.measure(text, size, bold) <= width:
            return text
        low, high = 0, len(text)
        while low < high:  # the longest beginning that fits with the ellipsis
            middle = (low + high + 1) // 2
            if self.measure(text[:middle].rstrip() + ELLIPSIS, size, bold) <= width:
                low = middle
            else:
                high = middle - 1
        return text[:low].rstrip() + ELLIPSIS

    def png(self) -> bytes:
        """PNG bytes without a software version in them, so equal cards give equal bytes."""
        buffer = io.BytesIO()
        self._agg.print_png(buffer, metadata={"Software": None})
        return buffer.getvalue()
