"""Debian's Chromium for the browser tests (Playwright's own download is not used; see
.ci/run). On CI (CI=true) a missing Playwright or Chromium fails the run; elsewhere the
tests are skipped, saying what to install."""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing(*modules: str) -> str | None:
    for module in ("playwright", *modules):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed: pip install -e '.[test]'"
    if shutil.which(CHROMIUM) is None:
        return f"Chromium is not at {CHROMIUM}: apt-get install chromium"
    return None


def require_browser(*modules: str) -> None:
    """Skip the test (fail it on CI) when the browser or a module it needs is not there."""
    problem = missing(*modules)
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test cannot run on CI: {problem}")
        pytest.skip(problem)
