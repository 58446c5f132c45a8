"""The picture cards carry their words in every language, Arabic shaped and right to left.

Each card is drawn in each of the six languages; every box where the card puts
words (`card.AREAS`) must hold ink, starting on the reader's side, and the
words must be the translated ones (a catalog that says "WORDS" for everything
draws a different card). The letters of every language must be in the font
(no empty boxes), and Arabic must come out joined and from the right: its
letters drawn apart would give other pixels, and its first letter is on the right.
"""

from __future__ import annotations

import gettext
import io
import os
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from bot.app import App
from bot.chat.limits import CAPTION_LIMIT, visible_length
from bot.chat.replies import Reply
from bot.delivery.kinds import KINDS, RenderContext
from bot.domain.models import Delivery, Goal, Person, Result
from bot.i18n import Translator, translator
from bot.reports import card
from bot.reports import goals as goal_texts
from bot.reports.canvas import Canvas, drawable
from bot.reports.card import GoalCard, ResultCard, WinsCard, goal_card, result_card, wins_card
from tests.factories import initiative, resident

LOCALES = ["nl", "en", "tr", "ar", "pl", "uk"]
TITLES = {  # what a coordinator might type, in the reader's language
    "nl": "Bewoners doen mee aan gezondheidsactiviteiten",
    "en": "Residents take part in health activities",
    "tr": "Sakinler sağlık etkinliklerine katılıyor: ğüşıİöç",
    "ar": "السكان يشاركون في الأنشطة الصحية",
    "pl": "Mieszkańcy biorą udział w zajęciach: ąćęłńóśźż",
    "uk": "Мешканці беруть участь у заходах: ґєії",
}
PLACES = "living-together-meeting-places"  # counted by hand, target 8, in the example
ZWNJ = "\u200c"  # zero-width non-joiner: keeps Arabic letters apart


def cards(locale: str) -> dict[str, bytes]:
    t = translator(locale)
    return {
        "wins": wins_card(WinsCard("Overvecht", date(2026, 3, 2), date(2026, 3, 8), 3, 12, 1), t),
        "goal": goal_card(GoalCard("Overvecht", TITLES[locale], 18, 60, "2027"), t),
        "result": result_card(
            ResultCard("Overvecht", date(2026, 3, 6), TITLES[locale], 40, TITLES[locale]), t
        ),
    }


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (card.SIZE, card.SIZE)
        return np.asarray(image.convert("RGB")).astype(int)


def ink(image: np.ndarray, box: tuple[int, int, int, int], rtl: bool) -> np.ndarray:
    """Columns of `box` (mirrored for right to left) and whether each holds pixels unlike
    the box's background (taken at its top corner on the reader's side)."""
    left, top, right, bottom = box
    if rtl:
        left, right = card.SIZE - right, card.SIZE - left
    area = image[top:bottom, left:right]
    background = area[0, -1] if rtl else area[0, 0]
    return (np.abs(area - background).sum(axis=2) > 120).any(axis=0)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_card_has_words_in_each_text_area_from_the_readers_side(locale: str) -> None:
    rtl = translator(locale).rtl
    assert rtl is (locale == "ar")
    for name, data in cards(locale).items():
        image = pixels(data)
        for area, box in card.AREAS[name].items():
            columns = ink(image, box, rtl)
            assert columns.sum() > 40, f"no words in {name} {area} ({locale})"
            first = np.flatnonzero(columns[::-1] if rtl else columns)[0]
            assert first < 12, f"{name} {area} does not start on the reader's side ({locale})"


class Marker(gettext.NullTranslations):
    """A catalog that says "WORDS" for every message."""

    def gettext(self, message: str) -> str:
        return "WORDS"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return "WORDS"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_words_on_the_cards_are_the_translated_ones(locale: str) -> None:
    t = Translator(locale, Marker())
    marked = {
        "wins": wins_card(WinsCard("Overvecht", date(2026, 3, 2), date(2026, 3, 8), 3, 12, 1), t),
        "goal": goal_card(GoalCard("Overvecht", TITLES[locale], 18, 60, "2027"), t),
        "result": result_card(
            ResultCard("Overvecht", date(2026, 3, 6), TITLES[locale], 40, TITLES[locale]), t
        ),
    }
    for name, data in cards(locale).items():
        heading = card.AREAS[name]["heading"]
        rtl = translator(locale).rtl
        assert not np.array_equal(
            ink(pixels(data), heading, rtl), ink(pixels(marked[name]), heading, rtl)
        ), f"the {name} card's heading is not translated ({locale})"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_font_has_every_letter_of_the_cards_words(locale: str) -> None:
    t = translator(locale)
    words = [
        t._("Wins of the week"),
        t._("Our goal"),
        t._("A result!"),
        t._("{value} of {target}", value=t.number(1234), target=t.percent(56)),
        TITLES[locale],
    ]
    for n in (0, 1, 2, 3, 5, 11, 100):
        words += [
            t.n_("initiative approved", "initiatives approved", n),
            t.n_("new activity", "new activities", n),
            t.n_("result published", "results published", n),
        ]
    for text in words:
        for bold in (False, True):
            assert drawable(text, bold) == " ".join(text.split()), f"{text!r} has no glyph"


def test_emoji_the_font_lacks_are_left_out_not_drawn_as_boxes() -> None:
    assert drawable("Tuin 👩‍👩‍👧‍👦 🇳🇱 ok") == "Tuin \u200d\u200d\u200d ok"


def drawn(text: str, size: int = 60) -> np.ndarray:
    canvas = Canvas(600, 100, "#FFFFFF", rtl=True)
    canvas.text(20, 10, text, size, "#000000")
    return pixels_of(canvas.png())


def pixels_of(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("L")) < 128


def test_arabic_letters_are_joined() -> None:
    word = "إنجازات"  # "wins": letters that join each other
    joined, apart = drawn(word), drawn(ZWNJ.join(word))
    assert joined.any() and apart.any()
    # Joined letters take their connected forms: other pixels, and a narrower word.
    assert not np.array_equal(joined, apart)
    assert np.flatnonzero(joined.any(axis=0)).size < np.flatnonzero(apart.any(axis=0)).size


def test_arabic_is_drawn_from_the_right() -> None:
    """Alef (a thin stroke), a space, then three wide sheens: read from the right, the
    gap between the words is near the right end of the ink."""
    columns = np.flatnonzero(drawn("ا ششش").any(axis=0))
    gaps = np.diff(columns)
    widest = int(np.argmax(gaps))
    gap_middle = (columns[widest] + columns[widest + 1]) / 2
    assert gap_middle > (columns[0] + columns[-1]) / 2


def test_a_card_is_drawn_once_per_language() -> None:
    t = translator("uk")
    goal = GoalCard("Overvecht", TITLES["uk"], 60, 60, "2027")
    assert goal_card(goal, t) is goal_card(goal, t)
    assert goal_card(goal, t) != goal_card(GoalCard("Overvecht", TITLES["uk"], 30, 60, "2027"), t)


async def celebrate(app: App, person: Person, kind: str, subject: str, period: str = "") -> Reply:
    async with app.sessions() as session:
        context = RenderContext(
            session, person, translator(person.locale), app.settings.zone, app.clock.now()
        )
        delivery = Delivery(person_id=person.id, kind=kind, subject=subject, period=period)
        reply = await KINDS[kind].render(context, delivery)
    assert reply is not None
    return reply


async def test_a_result_without_a_photo_is_celebrated_with_its_card(app: App) -> None:
    layla = await resident(app, 1, locale="ar")
    garden = await initiative(app, layla, "Moestuin")
    published = datetime(2026, 3, 6, 9, tzinfo=UTC)
    words = "40 zakken zwerfafval <opgehaald> & weggebracht"
    async with app.sessions.begin() as session:
        result = Result(
            neighbourhood_id=garden.neighbourhood_id,
            initiative_id=garden.id,
            text=words,
            number=40,
            published_at=published,
        )
        session.add(result)
    reply = await celebrate(app, layla, "celebration_result", f"result:{result.id}")
    assert reply.picture is not None and reply.picture.mime == "image/png"
    expected = ResultCard("Overvecht", date(2026, 3, 6), words, 40, "Moestuin")
    assert reply.picture.data == result_card(expected, translator("ar"))
    assert "&lt;opgehaald&gt; &amp;" in reply.text
    assert visible_length(reply.text) <= CAPTION_LIMIT


async def test_a_goal_is_celebrated_with_its_card(app: App) -> None:
    ayse = await resident(app, 3, locale="tr")
    async with app.sessions.begin() as session:
        goal = await session.scalar(select(Goal).where(Goal.slug == PLACES))
        assert goal is not None
        goal.counted = 6
    reply = await celebrate(app, ayse, "celebration_goal", f"goal:{goal.id}", "75")
    assert reply.picture is not None and reply.picture.filename == "goal.png"
    expected = GoalCard("Overvecht", goal.title_in("tr"), 6, 8, goal_texts.period(goal))
    assert reply.picture.data == goal_card(expected, translator("tr"))
    assert reply.buttons  # the way home stays under the picture


def test_the_readme_picture_of_the_cards(tmp_path: Path) -> None:
    """The three cards in Dutch above the same in Arabic, a third of their size; saved to
    `WIJKBOT_CARD_SCREENSHOTS` (the README's docs/cards.png) when that is set."""
    side = card.SIZE // 3
    sheet = Image.new("RGB", (3 * side, 2 * side), "#FFFFFF")
    for row, locale in enumerate(("nl", "ar")):
        for column, data in enumerate(cards(locale).values()):
            with Image.open(io.BytesIO(data)) as image:
                sheet.paste(image.resize((side, side), Image.LANCZOS), (column * side, row * side))
    folder = Path(os.environ.get("WIJKBOT_CARD_SCREENSHOTS") or tmp_path)
    sheet.save(folder / "cards.png", optimize=True)
    assert (folder / "cards.png").stat().st_size > 10_000
