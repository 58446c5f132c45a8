"""The built results page in Chromium, in every language: the content is there, Arabic
reads right to left, the language switch works from a folder, and axe-core finds no
serious or critical accessibility problem.

`WIJKBOT_SITE_SCREENSHOTS=docs pytest tests/site` also saves the README's screenshots
(docs/results-nl.png, docs/results-ar.png).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.app import App
from bot.config import SUPPORTED_LOCALES
from bot.domain import goals, neighbourhoods
from bot.i18n import translator
from bot.site import build
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_browser
from tests.showcase import neighbourhood_at_work, photos

if TYPE_CHECKING:
    from playwright.async_api import Page

SCREENSHOTS = os.environ.get("WIJKBOT_SITE_SCREENSHOTS")
SEVERE = {"serious", "critical"}


async def built_site(app: App, folder: Path) -> list[goals.Progress]:
    await neighbourhood_at_work(app)
    async with app.sessions() as session:
        files = await build.site(session, photos, app.clock.now(), slug="overvecht")
        overvecht = await neighbourhoods.by_slug(session, "overvecht")
        assert overvecht is not None
        found = await goals.progress(session, overvecht.id)
    build.write(files, folder)
    return found


async def severe_violations(page: Page) -> list[dict[str, Any]]:
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"]][:3]}
        for v in results.response["violations"]
        if v["impact"] in SEVERE
    ]


@pytest.fixture
async def page() -> Any:
    require_browser("axe_playwright_python")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        opened = await browser.new_page(viewport={"width": 1280, "height": 900})
        yield opened
        await browser.close()


@pytest.mark.parametrize("locale", list(SUPPORTED_LOCALES))
async def test_each_language_reads_well_and_passes_axe(
    app: App, tmp_path: Path, page: Page, locale: str
) -> None:
    shown_goals = await built_site(app, tmp_path)
    await page.goto((tmp_path / "overvecht" / locale / "index.html").as_uri())
    t = translator(locale)

    assert await page.locator("html").get_attribute("lang") == locale
    direction = await page.locator("main").evaluate("main => getComputedStyle(main).direction")
    assert direction == ("rtl" if locale == "ar" else "ltr")
    title = t._("Results in {neighbourhood}", neighbourhood="Overvecht")
    assert await page.locator("h1").inner_text() == title

    goal_titles = await page.locator("li.goal h3").all_inner_texts()
    assert goal_titles == [item.goal.title_in(locale) for item in shown_goals]
    assert len(goal_titles) == 6
    results = page.locator("#results ~ ul > li")
    assert await results.count() == 2
    assert "Tea with 25 neighbours" in await results.first.inner_text()
    photo = page.locator("#results ~ ul img")
    assert await photo.count() == 1
    assert await photo.evaluate("image => [image.complete, image.naturalWidth]") == [True, 320]
    assert await page.locator("#timeline ~ div tbody tr").count() == 1  # March 2026, the start

    assert await severe_violations(page) == []

    if SCREENSHOTS and locale in ("nl", "ar"):
        await page.set_viewport_size({"width": 1100, "height": 900})
        shot = Path(SCREENSHOTS) / f"results-{locale}.png"
        await page.screenshot(path=str(shot), full_page=True)

    other = "en" if locale != "en" else "nl"
    await page.locator(f'nav a[hreflang="{other}"]').click()
    await page.wait_for_url(f"**/overvecht/{other}/index.html")
    assert await page.locator("html").get_attribute("lang") == other


async def test_the_scan_finds_what_is_wrong(tmp_path: Path, page: Page) -> None:
    """The same scan on a page with a picture without words and a link without a name."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head><body><main>'
        '<img src="x.png"><a href="y.html"></a></main></body></html>'
    )
    await page.goto(broken.as_uri())
    assert {v["id"] for v in await severe_violations(page)} >= {"image-alt", "link-name"}
