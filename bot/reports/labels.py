"""Words on charts and exports, in the reader's language.

Translated text goes onto pictures and into CSV as it is: a catalog holds no
HTML entities (the catalog tests see to it), and these messages have no
placeholders that would be escaped.
"""

from __future__ import annotations

from bot.domain.models import InitiativeStatus
from bot.flows.mine import STATUS_NAMES
from bot.i18n import Translator
from bot.reports.statistics import ThemeTally


def status_name(status: InitiativeStatus, t: Translator) -> str:
    """The same words residents see for a status in "My Wijkbot"."""
    return t._(STATUS_NAMES[status])


def theme_name(tally: ThemeTally, t: Translator) -> str:
    if tally.slug is None:
        return t._("Without a theme")
    return tally.names[t.locale]
