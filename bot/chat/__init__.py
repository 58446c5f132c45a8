"""The vocabulary every layer shares: an `Event` in, a `Reply` out, the limits of a channel.

    domain ─┐
    chat ───┴─> flows, delivery, reports ──> handlers (one per messenger)

A leaf package: it imports nothing of Wijkbot's but `bot.i18n`, so the sender,
the Bot API adapters and the reports can use it without depending on the
conversations.
"""
