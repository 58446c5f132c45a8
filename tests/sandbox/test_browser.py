"""The sandbox in a real browser: Chromium, driven by Playwright, clicks as a visitor would.

Playwright's own browser download is not used: Debian's `chromium` is (see
.ci/run). On CI (CI=true) a missing Playwright or Chromium fails the run;
elsewhere these tests are skipped, saying what to install.

`WIJKBOT_SANDBOX_SCREENSHOT=docs/sandbox.png pytest tests/sandbox/test_browser.py`
also saves the README's screenshots (docs/sandbox.png, and beside it
sandbox-whatsapp.png: a Telegram chat and a WhatsApp chat side by side).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image

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
        """Open the chat with `name` (as a click in the list of chats): by the name shown,
        not by any text of the entry (another's last message may name this person)."""
        exactly = re.compile(rf"^{re.escape(name)}$")
        named = self.page.locator(".name").filter(has_text=exactly)  # within each entry
        self.page.locator("#people .person").filter(has=named).first.click()
        expect(self.page.locator("#chat-name")).to_have_text(name)
        return ChatPage(self.page, name)

    def add_person(self, name: str, language: str, app: str = "Telegram") -> ChatPage:
        form = self.page.locator("#add-person")
        form.get_by_placeholder("First name").fill(name)
        form.get_by_role("combobox").select_option(language)
        form.get_by_role("radio", name=app).check()
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
        """The inspector's list of Bot API and Graph API calls (shows that tab)."""
        self.page.get_by_role("button", name="API calls").click()
        return self.page.locator("#calls .call")

    def severe_violations(self) -> list[dict[str, Any]]:
        """What axe-core finds serious or critical on the page as it stands."""
        from axe_playwright_python.sync_playwright import Axe

        found = Axe().run(self.page).response["violations"]
        return [
            {"id": v["id"], "nodes": [n["html"] for n in v["nodes"]][:20]}
            for v in found
            if v["impact"] in ("serious", "critical")
        ]

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


class WhatsAppChatPage(ChatPage):
    """A WhatsApp chat: reply buttons under a bubble, lists opened as a sheet of rows."""

    def choose(self, label: str) -> WhatsAppChatPage:
        """Tap a reply button labelled `label`, or else open the newest list and tap its row."""
        buttons = self.messages.locator(".reply-buttons").get_by_role("button", name=label)
        lists = self.messages.locator(".list-button")
        expect(buttons.or_(lists).last).to_be_visible()
        if buttons.count():
            buttons.last.click()
            return self
        lists.last.click()
        sheet = self.page.get_by_role("dialog")
        expect(sheet).to_be_visible()
        sheet.get_by_role("button", name=label).click()
        expect(sheet).to_be_hidden()
        return self


def onboard(sandbox: SandboxPage, name: str, locale: str) -> ChatPage:
    """A resident taps Start and answers the onboarding questions."""
    return answer_onboarding(sandbox.chat(name).start(), locale)


def answer_onboarding(chat: ChatPage, locale: str, buurt: str = "Taagdreef") -> ChatPage:
    t = translator(locale)
    chat.wait_for(t._("Which language do you want to use?")).press(LANGUAGE_NAMES[locale])
    chat.wait_for(t._("Which buurt do you live in?")).press(buurt)
    chat.wait_for(t._("Do you agree that Wijkbot stores this?")).press("✅ " + t._("I agree"))
    return chat.wait_for(buurt)


def side_by_side(*shots: bytes) -> bytes:
    """Screenshots next to each other, as one PNG."""
    images = [Image.open(io.BytesIO(shot)) for shot in shots]
    gap = 16
    width = sum(image.width for image in images) + gap * (len(images) - 1)
    joined = Image.new("RGB", (width, max(image.height for image in images)), "white")
    left = 0
    for image in images:
        joined.paste(image, (left, 0))
        left += image.width + gap
    out = io.BytesIO()
    joined.save(out, "PNG")
    return out.getvalue()


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


def test_a_whatsapp_resident_onboards_with_a_list_sheet_and_gets_a_template(
    sandbox: SandboxPage,
) -> None:
    tr, nl = translator("tr"), translator("nl")
    onboard(sandbox, "Jan", "nl")  # on Telegram, for the picture beside

    sandbox.chat("Elif")
    elif_ = WhatsAppChatPage(sandbox.page, "Elif")
    chat = sandbox.page.locator("section.chat")
    expect(chat).to_have_class(re.compile(r"\bwhatsapp\b"))
    expect(sandbox.page.locator("#chat-about")).to_contain_text("WhatsApp")
    elif_.start()
    expect(elif_.messages.locator(".from-person").first).to_contain_text("Merhaba")
    elif_.wait_for(nl._("Which language do you want to use?"))
    expect(elif_.messages.locator(".from-person .bubble").first).to_have_css(
        "background-color",
        "rgb(217, 253, 211)",  # WhatsApp's green for one's own messages
    )

    elif_.messages.locator(".list-button").last.click()  # the languages: a list
    sheet = sandbox.page.get_by_role("dialog")
    expect(sheet.locator(".row")).to_have_count(len(LANGUAGE_NAMES))
    assert elif_.page.locator("#sheet").evaluate("sheet => sheet.open")
    assert (found := sandbox.severe_violations()) == [], found  # with the sheet open
    sheet.get_by_role("button", name=LANGUAGE_NAMES["tr"]).click()
    expect(sheet).to_be_hidden()

    elif_.wait_for(tr._("Which buurt do you live in?")).choose("Taagdreef")
    elif_.wait_for(tr._("Do you agree that Wijkbot stores this?"))
    elif_.choose("✅ " + tr._("I agree")).wait_for("Taagdreef")
    assert "Elif" in elif_.last_text()
    assert elif_.messages.locator(".meta", has_text="edited").count() == 0  # no edits
    assert (found := sandbox.severe_violations()) == [], found

    calls = sandbox.calls()
    graph = calls.filter(has=sandbox.page.locator(".tag.app-whatsapp"))
    expect(graph.first).to_contain_text("messages")
    assert "31600001006" in graph.first.locator("dd").all_inner_texts()  # to: Elif
    if SCREENSHOT:
        sandbox.chat("Jan")
        telegram = chat.screenshot()
        sandbox.chat("Elif")
        expect(elif_.bot_messages().last.locator(".text")).to_contain_text("Taagdreef")
        whatsapp = chat.screenshot()
        shot = Path(SCREENSHOT).with_name("sandbox-whatsapp.png")
        shot.parent.mkdir(parents=True, exist_ok=True)
        shot.write_bytes(side_by_side(telegram, whatsapp))

    sandbox.jump("+1 day")
    sandbox.jump("+1 day")  # two days without a word from Elif: her window has closed
    template = elif_.messages.locator(".bubble.template").last
    expect(template).to_contain_text(WELCOME["tr"])
    expect(template.locator(".template-name")).to_contain_text("wijkbot_broadcast")
    # The chat is on screen, so it is read: WhatsApp's receipt on the outbox row says so.
    expect(sandbox.outbox().filter(has_text="Elif").locator("td").nth(6)).to_have_text("read")
    elif_.choose(tr._("Open"))
    expect(elif_.messages.locator(".from-person").last).to_contain_text(tr._("Open"))
    expect(elif_.bot_messages()).not_to_have_count(0)
    expect(elif_.messages.locator(".msg").last).to_have_class(re.compile(r"\bfrom-bot\b"))
