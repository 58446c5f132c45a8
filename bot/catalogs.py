"""Maintaining the translation catalogs from a source checkout (`wijkbot i18n ...`).

The same as running pybabel by hand from the repository root:

    pybabel extract -F babel.cfg -k N_ -k n_:1,2 --no-location --sort-output \
        --project wijkbot -o locales/bot.pot .
    pybabel update -i locales/bot.pot -d locales -D bot --no-fuzzy-matching --ignore-obsolete
    pybabel compile -d locales -D bot
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
TEMPLATE = LOCALES / "bot.pot"
KEYWORDS = ["-k", "N_", "-k", "n_:1,2"]


def _pybabel(*args: str) -> int:
    CommandLineInterface().run(["pybabel", "-q", *args])
    return 0


def extract() -> int:
    return _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        *KEYWORDS,
        "--no-location",
        "--sort-output",
        "--project",
        "wijkbot",
        "-o",
        str(TEMPLATE),
        str(ROOT),
    )


def update() -> int:
    return _pybabel(
        "update",
        "-i",
        str(TEMPLATE),
        "-d",
        str(LOCALES),
        "-D",
        "bot",
        "--no-fuzzy-matching",
        "--ignore-obsolete",  # a message the code no longer uses leaves the catalogs
    )


def compile() -> int:
    return _pybabel("compile", "-d", str(LOCALES), "-D", "bot")
