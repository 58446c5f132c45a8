"""The sandbox in a real browser: Chromium, driven by Playwright, clicks as a visitor would.

Playwright's own browser download is not used: Debian's `chromium` is (see
.ci/run). On CI (CI=true) a missing Playwright or Chromium fails the run;
elsewhere these tests are skipped, saying what to install.

`WIJKBOT_SANDBOX_SCREENSHOT=docs/sandbox.png pytest tests/sandbox/test_browser.py`
also saves the README's screenshot.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.emulator import make_png
from bot.i18n import LANGUAGE_NAMES, translator
from bot.sandbox.demo import WELCOME
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, LocatorAssertions, Page

SCREENSHOT = os.environ.get("WIJKBOT_SANDBOX_SCREENSHOT")
WAIT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def sandbox(browser: Browser, sandbox_url: str) -> Iterator[SandboxPage]:
    page = browser.new_page(viewport={"width": 1440, "height": 860})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(sandbox_url)
    yield SandboxPage(page)
    page.close()
    assert errors == [], f"the page's JavaScript failed: {errors}"


def expect(locator: Locator) -> LocatorAssertions:
    """Playwright's `expect`, imported only once Playwright is known to be there."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


# -- page objects ---------------------------------------------------------------------------


class SandboxPage:
    """The whole page: chats on the left, the clock on top, the inspector on the right."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def chat(self, name: str) -> ChatPage:
        """Open the chat with `name` (as a click in the list of chats)."""
        self.page.locator("#people .person").filter(has_text=name).first.click()
        expect(self.page.locator("#chat-name")).to_have_text(name)
        return ChatPage(self.page, name)

    def add_person(self, name: str, language: str) -> ChatPage:
        form = self.page.locator("#add-person")
        form.get_by_placeholder("First name").fill(name)
        form.get_by_role("combobox").select_option(language)
        form.get_by_role("button", name="Add").click()
        expect(self.page.locator("#chat-name")).to_have_text(name)
        return ChatPage(self.page, name)

    def jump(self, label: str) -> None:
        """Press a button of the clock panel and wait until the sweeps have run."""
        self.page.get_by_role("button", name=label, exact=True).click()
        expect(self.page.locator("#status")).to_contain_text("the sweeps added")

    def clock(self) -> str:
        return self.page.locator("#clock-now").inner_text()

    def calls(self) -> Locator:
        """The inspector's list of Bot API calls (shows that tab)."""
        self.page.get_by_role("button", name="Bot API calls").click()
        return self.page.locator("#calls .call")

    def outbox(self) -> Locator:
        """The inspector's outbox rows (shows that tab)."""
        self.page.get_by_role("button", name="Outbox").click()
        return self.page.locator("#outbox tr")


class ChatPage:
    """One open chat: `send`, `press` and `tap` like a person, read what the bot said."""

    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.name = name
        self.messages = page.locator("#messages")

    def start(self) -> ChatPage:
        self.page.get_by_role("button", name="Start", exact=True).click()
        return self

    def send(self, text: str) -> ChatPage:
        self.page.locator("#text").fill(text)
        self.page.locator("#text").press("Enter")
        expect(self.messages.locator(".from-person").last).to_contain_text(text)
        return self

    def send_photo(self, picture: bytes, name: str = "photo.png") -> ChatPage:
        """Attach a picture with the paper clip; the text typed so far is its caption."""
        upload = {"name": name, "mimeType": "image/png", "buffer": picture}
        self.page.locator("#photo").set_input_files(files=[upload])
        expect(self.messages.locator(".from-person img.photo").last).to_be_visible()
        return self

    def press(self, label: str) -> ChatPage:
        """Press the newest inline button with exactly this label."""
        self.messages.get_by_role("button", name=label, exact=True).last.click()
        return self

    def tap(self, label: str) -> ChatPage:
        """Tap a button of the reply keyboard under the input field."""
        self.page.locator("#reply-keyboard").get_by_role("button", name=label).click()
        return self

    def bot_messages(self) -> Locator:
        return self.messages.locator(".from-bot:not(.deleted)")

    def wait_for(self, text: str) -> ChatPage:
        """Wait until a message from the bot says `text`: a new one or one edited in place,
        and not necessarily the newest (a pushed message may have come in between)."""
        said = self.bot_messages().locator(".text").filter(has_text=text)
        expect(said.last).to_be_visible()
        return self

    def last_text(self) -> str:
        return self.bot_messages().last.locator(".text").inner_text()


def onboard(sandbox: SandboxPage, name: str, locale: str) -> ChatPage:
    """A resident taps Start and answers the onboarding questions."""
    return answer_onboarding(sandbox.chat(name).start(), locale)


def answer_onboarding(chat: ChatPage, locale: str, buurt: str = "Taagdreef") -> ChatPage:
    t = translator(locale)
    chat.wait_for(t._("Which language do you want to use?")).press(LANGUAGE_NAMES[locale])
    chat.wait_for(t._("Which buurt do you live in?")).press(buurt)
    chat.wait_for(t._("Do you agree that Wijkbot stores this?")).press("✅ " + t._("I agree"))
    return chat.wait_for(buurt)


# -- journeys -------------------------------------------------------------------------------


def test_a_resident_onboards_chooses_quiet_hours_and_gets_the_broadcast(
    sandbox: SandboxPage,
) -> None:
    t = translator("nl")
    jan = onboard(sandbox, "Jan", "nl")
    assert "Jan" in jan.last_text()

    jan.press("🔔 " + t._("Notifications")).wait_for(t._("Messages from Wijkbot"))
    jan.press("🌙 " + t._("Quiet hours")).press("23:00–07:00").wait_for("23:00–07:00")
    jan.press(t._("Done")).wait_for(t._("Saved."))

    assert "10:00" in sandbox.clock()
    sandbox.jump("+1 hour")
    jan.wait_for(WELCOME["nl"])
    assert "11:00" in sandbox.clock()
    assert jan.bot_messages().last.locator(".meta").inner_text() == "11:00"

    [row] = sandbox.outbox().all()
    expect(row).to_contain_text("sent")
    assert re.findall(r"broadcast|Jan", row.inner_text()) == ["broadcast", "Jan"]
    calls = sandbox.calls()
    methods = set(calls.locator(".method").all_inner_texts())
    assert {"sendMessage", "editMessageText", "answerCallbackQuery"} <= methods
    sent = calls.filter(has=sandbox.page.locator(".method", has_text=re.compile("^sendMessage$")))
    assert "1002" in sent.first.locator("dd").first.inner_text()  # chat_id: Jan
    if SCREENSHOT:
        Path(SCREENSHOT).parent.mkdir(parents=True, exist_ok=True)
        sandbox.page.screenshot(path=SCREENSHOT)


def test_typed_text_stays_text_and_arabic_reads_right_to_left(sandbox: SandboxPage) -> None:
    layla = sandbox.chat("Layla").start()
    layla.wait_for(translator("ar")._("Which language do you want to use?"))
    # A retrying assertion: the page may draw the message list again while it is read.
    expect(layla.bot_messages().last.locator(".bubble")).to_have_css("direction", "rtl")

    typed = '<img src=x onerror="document.title=1"> <b>vet</b> &amp;'
    noor = sandbox.add_person("<i>Noor</i>", "pl")
    noor.send(typed)
    assert noor.messages.locator(".from-person .text").last.inner_text() == typed
    assert noor.messages.locator("img, b, i").count() == 0
    assert sandbox.page.locator("#people .name").last.inner_text() == "<i>Noor</i>"
    assert sandbox.page.title() == "Wijkbot sandbox"

    noor.send_photo(make_png(64, 48))
    photo = noor.messages.locator(".from-person img.photo").last
    assert photo.evaluate("image => [image.naturalWidth, image.naturalHeight]") == [64, 48]


def test_a_proposal_is_approved_by_the_coordinator_who_came_by_invite(
    sandbox: SandboxPage,
) -> None:
    tr, nl = translator("tr"), translator("nl")
    sanne = sandbox.chat("Sanne")  # her first visit opens her invite link
    expect(sanne.messages.locator(".from-person").first).to_contain_text("/start i")
    welcome = nl._("You are now a coordinator in {neighbourhood}.", neighbourhood="Overvecht")
    expect(sanne.messages).to_contain_text(welcome)
    answer_onboarding(sanne, "nl")

    ayse = onboard(sandbox, "Ayşe", "tr")
    ayse.press("💡 " + tr._("Propose an initiative"))
    ayse.wait_for(tr._("What is the name of your initiative?")).send("Çay saati")
    ayse.wait_for(tr._("Describe your initiative: what do you want to do, and for whom?"))
    ayse.send("Komşularla çay içelim.")
    ayse.wait_for(tr._("Which theme does your initiative belong to?")).press("🤝 Birlikte yaşamak")
    ayse.wait_for(tr._("In which buurt will it happen?")).press("Taagdreef")
    ayse.wait_for(tr._("What help do you need? Tap everything that applies, then Continue."))
    ayse.press(tr._("Continue")).wait_for(tr._("When will it happen?"))
    ayse.press(tr._("Not known yet"))
    ayse.wait_for(tr._("Do you have a photo that shows your idea? Send it now, or skip this step."))
    ayse.send_photo(make_png(64, 48)).wait_for(tr._("Your proposal"))
    ayse.press("✅ " + tr._("Send"))
    thanks = tr._(
        "Thank you! Your proposal “{title}” has gone to the coordinators of {neighbourhood}. "
        "You will hear from them here.",
        title="Çay saati",
        neighbourhood="Overvecht",
    )
    expect(ayse.messages).to_contain_text(thanks)
    expect(sandbox.outbox().filter(has_text="review_request")).to_contain_text("Sanne")

    sanne = sandbox.chat("Sanne")
    sanne.press("🗂️ " + nl._("Review proposals")).wait_for(nl._("Proposals waiting for review"))
    sanne.press("Çay saati").wait_for("Komşularla çay içelim.")
    sanne.press("✅ " + nl._("Approve"))

    news = tr._(
        "Good news! Your proposal “{title}” is approved. Neighbours can now find and support it.",
        title="Çay saati",
    )
    sandbox.chat("Ayşe").wait_for(news)  # through the outbox and the sender
