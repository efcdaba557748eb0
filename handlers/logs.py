"""Logging that never writes a full NIK or phone number (UU PDP 27/2022)."""

from __future__ import annotations

import logging
from typing import TextIO

from bot.masking import redact


class RedactingFilter(logging.Filter):
    """Masks NIKs and phone numbers in every record, including exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with personal numbers masked."""
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.msg = redact(message)
        record.args = None
        return True


# Libraries that log whole requests (message texts: names, addresses) at DEBUG level; they are
# kept at INFO or above whatever LOG_LEVEL says, because names cannot be recognised and masked.
CHATTY = {
    "telegram": logging.INFO,
    "aiosqlite": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "uvicorn.access": logging.WARNING,
    "apscheduler": logging.WARNING,
}


def setup_logging(level: str, stream: TextIO | None = None) -> None:
    """Log to stderr (or ``stream``) through the redacting filter."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    for name, floor in CHATTY.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLogger().level))
