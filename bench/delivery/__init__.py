"""`python -m bench.delivery`: Wijkbot's pushed messages under load, crashes and faults.

Four benchmarks of the outbox and the sender (README: "Messages Wijkbot sends by
itself"), each against the local Bot API emulator with Telegram's limits scaled up,
and the sender running as it is deployed: `python -m bot send`, a separate process.

- broadcast: 10,000 recipients at the scaled limit; rate, 429s, duplicates, lost.
- faults: 10% 5xx and 2% blocked recipients; one message per reachable person.
- crash-resume: `kill -9` of the sender five times during a broadcast.
- sweep cost: SQL statements and time of two sweeps at 1,000 and 100,000 residents.

Figures are measured and compared in the same run: on a shared two-core machine only
same-run numbers mean anything.
"""
