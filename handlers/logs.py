"""Logging that never writes a full NIK or phone number (UU PDP 27/2022)."""

from __future__ import annotations

import logging

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


def setup_logging(level: str) -> None:
    """Log to stderr through the redacting filter; keep HTTP client chatter down."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
