"""The Telegram channel (python-telegram-bot)."""

import os

# Opt in to PTB's timedelta time periods now (RetryAfter.retry_after etc.); without it PTB 22
# warns on every flood-control error, and PTB 23 makes it the only behaviour.
os.environ.setdefault("PTB_TIMEDELTA", "true")
