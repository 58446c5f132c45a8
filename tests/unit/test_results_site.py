"""The public results page: what it shows, in which languages, and what it never shows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.app import App
from bot.config import SUPPORTED_LOCALES
from bot.site import build
from tests.cli import run_cli
from tests.factories import initiative, resident
from tests.showcase import PICTURE, neighbourhood_at_work, photos

TYPED = '<script>alert("x")</script> & more'


async def built(app: App, slug: str | None = "overvecht") -> build.Files:
    async with app.sessions() as session:
        return await build.site(session, photos, app.clock.now(), slug=slug)


async def test_every_language_gets_a_page_with_goals_results_and_the_months(app: App) -> None:
    await neighbourhood_at_work(app)
    files = await built(app)
    assert {f"overvecht/{code}/index.html" for code in SUPPORTED_LOCALES} <= files.keys()
    assert {"index.html", "style.css"} <= files.keys()
    dutch = files["overvecht/nl/index.html"].decode()
    assert '<html lang="nl" dir="ltr">' in dutch
    assert "Bewoners doen mee aan gezondheidsactiviteiten" in dutch  # a goal of the example
    assert "Tea with 25 neighbours" in dutch and "Forty kilos of beans" in dutch
    assert "Vegetable garden" in dutch and "3 mensen steunen dit" in dutch
    assert "Light the path" in dutch and "Fix the door" in dutch
    assert "maart 2026" in dutch  # the month the example started, the test clock's
    arabic = files["overvecht/ar/index.html"].decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    for code in SUPPORTED_LOCALES:  # the switch links every language from every page
        assert f'href="../{code}/index.html" lang="{code}"' in arabic


async def test_names_and_photos_only_of_who_agreed(app: App) -> None:
    hidden, shown = await neighbourhood_at_work(app)
    files = await built(app)
    page = files["overvecht/en/index.html"].decode()
    assert files[f"overvecht/photos/result-{shown.id}.png"] == PICTURE
    assert f'<img src="../photos/result-{shown.id}.png" alt="Tea with 25 neighbours">' in page
    assert not any(f"result-{hidden.id}" in name for name in files)
    assert page.count("<img") == 1
    assert "by <bdi>Bilal</bdi>" in page
    every = b"".join(files.values()).decode(errors="replace")
    assert "Ann" not in every  # her name nowhere, on no page in no language


async def test_what_people_typed_stays_text(app: App) -> None:
    await initiative(app, await resident(app, 3), TYPED)
    page = (await built(app))["overvecht/tr/index.html"].decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page


async def test_the_months_run_from_the_start_to_now(app: App) -> None:
    await neighbourhood_at_work(app)
    app.clock.set(datetime(2026, 6, 15, 12, 0, tzinfo=UTC))
    page = (await built(app))["overvecht/en/index.html"].decode()
    months = ["June 2026", "May 2026", "April 2026", "March 2026"]
    assert [page.index(month) for month in months] == sorted(page.index(m) for m in months)
    march = page[page.index("March 2026") :].split("</tr>")[0]
    # approved 2, activities 1, participants 1, results 2
    assert march.count('<td class="n">') == 4
    assert [cell.split("<")[0] for cell in march.split('<td class="n">')[1:]] == [
        "2",
        "1",
        "1",
        "2",
    ]


async def test_the_command_writes_the_folder_and_names_an_unknown_neighbourhood(
    app: App, database_url: str, tmp_path: Path
) -> None:
    await neighbourhood_at_work(app)
    env = {"DATABASE_URL": database_url}
    done = run_cli(
        "site", "build", "--out", str(tmp_path / "site"), "--neighbourhood", "overvecht", env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote 7 pages to {tmp_path / 'site'} (no BOT_TOKEN: no photos)"
    page = (tmp_path / "site" / "overvecht" / "uk" / "index.html").read_text()
    assert '<link rel="stylesheet" href="../../style.css">' in page
    assert (tmp_path / "site" / "style.css").is_file()
    unknown = run_cli(
        "site", "build", "--out", str(tmp_path / "x"), "--neighbourhood", "nowhere", env=env
    )
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "wijkbot: --neighbourhood: no neighbourhood nowhere"
