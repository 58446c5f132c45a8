"""WhatsApp's pair rate as the sender keeps it: a bucket per person."""

from __future__ import annotations

import pytest

from bot.app import build_app
from bot.clock import ManualClock
from bot.config import ConfigError
from bot.delivery.limits import PairRate
from bot.jobs.background import sender_for
from tests.conftest import make_settings


def test_a_burst_then_one_message_per_interval_per_person() -> None:
    pairs = PairRate(per_second=1 / 6, burst=3)
    for _ in range(3):
        assert pairs.ready_in(316) == 0
        pairs.sent(316)
    assert 4.0 < pairs.ready_in(316) <= 6.0  # the fourth waits for a token (6 s each)
    assert pairs.ready_in(317) == 0  # another person is not held up


def test_131056_holds_that_person_only_for_the_seconds_asked() -> None:
    pairs = PairRate(per_second=1 / 6, burst=10)
    pairs.hold(316, 6.0)
    assert 4.0 < pairs.ready_in(316) <= 6.0
    assert pairs.ready_in(317) == 0
    pairs.hold(316, 0.0)  # told the wait is over: one message may go
    assert pairs.ready_in(316) == 0
    pairs.sent(316)
    assert pairs.ready_in(316) > 4.0


async def test_the_pair_rate_comes_from_the_settings(database_url: str, clock: ManualClock) -> None:
    settings = make_settings(
        database_url, delivery_whatsapp_pair_rate="0.5", delivery_whatsapp_pair_burst="2"
    )
    app = build_app(settings, clock)
    try:
        sender = sender_for(app, {})
        assert (sender.pairs.per_second, sender.pairs.burst) == (0.5, 2)
        assert sender.whatsapp_pace.interval == 1 / settings.delivery_whatsapp_rate
    finally:
        await app.close()
    with pytest.raises(ConfigError, match="DELIVERY_WHATSAPP_PAIR_BURST"):
        make_settings(database_url, delivery_whatsapp_pair_burst="0")
