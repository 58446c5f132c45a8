"""The widget kit: the questions flows ask again and again, each a `Step` to subclass.

    TextStep    a line of text within a limit
    DateStep    a day (typed, or from buttons), not in the past; MomentStep: a day and a time
    ToggleStep  several of a few options, ticked ✅, then done (at least / at most)
    ChoiceStep  one of the rows a query returns, paged when long
    rows        buttons into rows;  pager: ◀ 2/5 ▶
    Field       the base of all: answered from a form's summary, it returns there

Like aiogram_dialog's TextInput, Checkbox and Select, but in the engine's terms:
`show` builds the question, `on_text`/`on_button` return an Outcome, `hint`
says what fits; the engine still answers Back, /cancel, stale buttons and the
wrong kind of input.
"""

from bot.flows.widgets.base import EDITING, Field, Option, pager, rows
from bot.flows.widgets.choice import ChoiceStep
from bot.flows.widgets.date import DateStep, MomentStep
from bot.flows.widgets.text import TextStep
from bot.flows.widgets.toggle import ToggleStep

__all__ = [
    "EDITING",
    "ChoiceStep",
    "DateStep",
    "Field",
    "MomentStep",
    "Option",
    "TextStep",
    "ToggleStep",
    "pager",
    "rows",
]
