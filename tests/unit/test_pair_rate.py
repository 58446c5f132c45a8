"""WhatsApp's pair rate as the sender keeps it: a bucket per person."""

from __future__ import annotations

from bot.delivery.limits import PairRate


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
