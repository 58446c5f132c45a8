"""Every kind a person receives, rendered by its own renderer from the longest and oddest
texts its fields accept (the examples of test_message_properties), becomes a template
message Meta accepts: the emulator's checks, one-line parameters, a body within 1,024
characters."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings

from bot.chat.replies import Reply
from bot.handlers.whatsapp.templates import TEMPLATES, template_message
from tests.unit import test_message_properties as examples
from tests.unit.test_message_properties import loop, world  # noqa: F401 (fixtures)
from tests.unit.test_whatsapp_templates import assert_meta_accepts

FEW = settings(examples.EXAMPLES, max_examples=8)


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_every_rendered_message_makes_a_template_message_meta_accepts(
    kind: str,
    world: examples.World,  # noqa: F811
    loop: asyncio.AbstractEventLoop,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rendered: list[Reply] = []
    fits_telegram = examples.assert_fits

    def keep(reply: Reply) -> None:  # the examples' render checks its reply here
        fits_telegram(reply)
        rendered.append(reply)

    monkeypatch.setattr(examples, "assert_fits", keep)

    @FEW
    @given(examples.texts())
    def accepted(texts: examples.Texts) -> None:
        rendered.clear()
        loop.run_until_complete(examples.render(world, kind, texts))
        (reply,) = rendered
        message = template_message(kind, texts.locale, texts.first_name, reply)
        assert_meta_accepts(kind, texts.locale, message)

    accepted()
