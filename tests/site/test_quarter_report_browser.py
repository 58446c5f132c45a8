"""The quarterly report opened in Chromium: it is drawn (not blank), its three charts load,
Arabic reads right to left, and axe-core finds no serious or critical problem.

`WIJKBOT_REPORT_SCREENSHOTS=docs pytest tests/site/test_quarter_report_browser.py` also
saves the top of each page (docs/quarter-report-nl.png, docs/quarter-report-ar.png).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from PIL import Image

from bot.app import App
from bot.i18n import translator
from bot.reports.quarter_page import page as report_page
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_browser
from tests.site.test_site_browser import severe_violations
from tests.unit.test_quarter_report import Story, figures_of, story

if TYPE_CHECKING:
    from playwright.async_api import Page

SCREENSHOTS = os.environ.get("WIJKBOT_REPORT_SCREENSHOTS")
__all__ = ["story"]  # the fixture, shared with the unit tests


@pytest.fixture
async def browser_page() -> Any:
    require_browser("axe_playwright_python")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        opened = await browser.new_page(viewport={"width": 1100, "height": 900})
        yield opened
        await browser.close()


@pytest.mark.parametrize("locale", ["nl", "ar"])
async def test_the_report_renders_with_its_charts(
    app: App, story: Story, tmp_path: Path, browser_page: Page, locale: str
) -> None:
    t = translator(locale)
    file = tmp_path / f"report-{locale}.html"
    file.write_text(report_page(await figures_of(app, story), t), encoding="utf-8")
    await browser_page.goto(file.as_uri())

    direction = await browser_page.locator("body").evaluate("b => getComputedStyle(b).direction")
    assert direction == ("rtl" if locale == "ar" else "ltr")
    assert "Overvecht" in await browser_page.locator("h1").inner_text()
    charts = browser_page.locator("img.chart")
    assert await charts.count() == 3
    for index in range(3):
        loaded = await charts.nth(index).evaluate("i => [i.complete, i.naturalWidth]")
        assert loaded == [True, 1000]
    assert await severe_violations(browser_page) == []

    shot = await browser_page.screenshot(full_page=True)
    with Image.open(io.BytesIO(shot)) as image:
        pixels = np.asarray(image.convert("RGB"))
    assert pixels.shape[0] > 1500  # tables and three charts, one below the other
    dark = (pixels.sum(axis=2) < 300).mean()
    colours = len(np.unique(pixels.reshape(-1, 3)[::7], axis=0))
    assert dark > 0.005 and colours > 50  # text and charts, not an empty page
    if SCREENSHOTS:
        Image.fromarray(pixels[:1500]).save(Path(SCREENSHOTS) / f"quarter-report-{locale}.png")
