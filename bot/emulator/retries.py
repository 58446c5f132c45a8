"""What both emulators' webhook deliverers share (Telegram's in `updates.py`, Meta's in
`whatsapp/webhooks.py`): a POST times out after `timeout` seconds, and after `n` failed
attempts in a row the next one waits a pause that doubles, capped:

    retry_delay, 2 * retry_delay, 4 * retry_delay, ... at most max_retry_delay

What differs stays with each: Telegram retries an update until it gets 2xx and reports the
last error in getWebhookInfo; Meta signs its bodies and gives up after `max_attempts`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection

__all__ = ["RetryingDeliverer", "cancel_and_wait"]


class RetryingDeliverer:
    def __init__(
        self, *, retry_delay: float = 0.05, max_retry_delay: float = 1.0, timeout: float = 10.0
    ):
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.timeout = timeout

    async def pause(self, failures: int) -> None:
        """Wait before the next attempt, after `failures` (>= 1) failed ones in a row."""
        await asyncio.sleep(min(self.retry_delay * 2 ** (failures - 1), self.max_retry_delay))


async def cancel_and_wait(tasks: Collection[asyncio.Task[None]]) -> None:
    """Cancel delivery tasks and wait until they have ended (suppressing CancelledError
    instead would swallow a cancellation of the caller itself)."""
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks)
