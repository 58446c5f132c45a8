"""An answer owed survives the database as it was: text, buttons, files and all."""

from __future__ import annotations

import json

from bot.chat.replies import Answer, Button, File, Reply
from bot.handlers.owed import Owed
from bot.i18n import Html


def test_an_answer_with_files_and_buttons_comes_back_from_json_unchanged() -> None:
    chart = File("initiatives.png", data=bytes(range(256)), mime="image/png")
    export = File("overvecht.csv", data=b"naam;aantal\nTuin;3\n", mime="text/csv")
    known = File("photo.jpg", file_id="AgACAgQAAxkBAAIB")
    answer = Answer(
        [
            Reply(Html("<b>Statistieken</b>"), picture=chart),
            Reply(Html("Export"), document=export),
            Reply(Html("Foto"), picture=known),
            Reply(
                Html("Wat wil je doen?"),
                buttons=((Button("Verder", "m:next"), Button("Site", url="https://x.nl")),),
                edit=True,
            ),
        ],
        notice="Klaar",
    )
    owed = Owed(1001, answer, callback_id="42", message_id=7)
    stored = json.loads(json.dumps(owed.to_json()))  # as a JSON column keeps it
    assert Owed.from_json(stored) == owed


def test_the_slow_down_notice_keeps_only_where_and_in_which_language() -> None:
    owed = Owed(1001, callback_id="q", language_code="tr")
    again = Owed.from_json(json.loads(json.dumps(owed.to_json())))
    assert again == owed and again.answer is None
