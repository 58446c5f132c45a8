"""Benchmarks for Wijkbot: `python -m bench` (see `python -m bench --help`).

Wijkbot's conversation throughput is only meaningful next to a reference measured in the
same run on the same (shared, noisy) machine, so every figure here is reported as a ratio
against a bare aiogram echo bot that answers the same script in the same shape.
"""
