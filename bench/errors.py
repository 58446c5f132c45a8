"""The one error the benchmark raises: a run that cannot produce a valid figure."""

from __future__ import annotations


class BenchError(Exception):
    """A failed run; the message says why (it is printed and the command exits non-zero)."""
