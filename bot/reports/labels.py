"""Words on charts and exports, in the reader's language; the status words are the ones
residents see on "My Wijkbot" too (flows take them from here: reports never import flows).

Translated text goes onto pictures and into CSV as it is: a catalog holds no
HTML entities (the catalog tests see to it), and these messages have no
placeholders that would be escaped.
"""

from __future__ import annotations

from bot.domain.models import InitiativeStatus
from bot.i18n import N_, Translator
from bot.reports.statistics import ThemeTally

STATUS_NAMES = {  # the words for an initiative's status, on "My Wijkbot" as on charts and exports
    InitiativeStatus.DRAFT: N_("draft"),
    InitiativeStatus.SUBMITTED: N_("waiting for review"),
    InitiativeStatus.CHANGES_REQUESTED: N_("changes asked"),
    InitiativeStatus.APPROVED: N_("approved"),
    InitiativeStatus.REJECTED: N_("not approved"),
    InitiativeStatus.WITHDRAWN: N_("withdrawn"),
    InitiativeStatus.COMPLETED: N_("completed"),
}


def status_name(status: InitiativeStatus, t: Translator) -> str:
    """The same words residents see for a status in "My Wijkbot"."""
    return t._(STATUS_NAMES[status])


def theme_name(tally: ThemeTally, t: Translator) -> str:
    if tally.slug is None:
        return t._("Without a theme")
    return tally.names[t.locale]
