"""A QR code as a PNG, for a link people scan with their phone camera."""

from __future__ import annotations

import io

import segno

SCALE = 10  # pixels per module: sharp on a phone screen and when printed on A4
BORDER = 4  # the quiet zone the standard asks for, in modules


def qr_png(text: str) -> bytes:
    """`text` (a link) as a black-on-white QR code; error correction "M" survives a smudge."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=SCALE, border=BORDER)
    return buffer.getvalue()
