"""`python -m bench.delivery`: Wijkbot's pushed messages under load, crashes and faults.

Benchmarks of the outbox and the sender (README: "Messages Wijkbot sends by
itself"), each against a local emulator (Telegram's Bot API with its limits scaled up, or
WhatsApp's Cloud API),
and the sender running as it is deployed: `python -m bot send`, a separate process.

- broadcast: 10,000 recipients at the scaled limit; rate, 429s, duplicates, lost.
- faults: 10% 5xx and 2% blocked recipients; one message per reachable person.
- crash-resume: `kill -9` of the sender five times during a broadcast.
- sweep cost: SQL statements and time of two sweeps at 1,000 and 100,000 residents.
- whatsapp: a broadcast to 2,000 WhatsApp residents (CHANNELS=whatsapp, pywa) against the
  Cloud API emulator at WhatsApp's 80 msg/s: rate, 130429s, templates, duplicates, lost.

Figures are measured and compared in the same run: on a shared two-core machine only
same-run numbers mean anything.
"""
