"""Cloud API error codes → what the outbox does: retry later, give up, or re-send as a template.

Codes from Meta's "Error codes" page (developers.facebook.com/documentation/business-messaging/
whatsapp/support/error-codes) and the Graph API's error handling; Meta advises keying on
``error.code``, not on the HTTP status or the title. The same table reads the errors of
``failed`` status notifications (``handlers.whatsapp.inbound.StatusUpdate.error_code``).
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from handlers.outbox import RetryLater, Undeliverable

WINDOW_CLOSED = 131047  # "Re-engagement message": more than 24 h since the user last wrote
NOT_ON_WHATSAPP = 131026  # "Message undeliverable": not a WhatsApp user, old app, terms...
# Throughput and rate limits: 4 (app's Graph API calls), 613 (Graph API rate limit), 80007
# (the WhatsApp Business Account's rate limit), 130429 (Cloud API throughput), 131056 (too many
# messages to the same user in a short time: "pair rate limit").
RATE_LIMITED = frozenset({4, 613, 80007, 130429, 131056})
SPAM_LIMITED = 131048  # "Spam rate limit hit": the number's quality; wait a while
# Meta's side is having trouble: 1 (unknown, possibly server), 2 (service temporarily down),
# 131000 (something went wrong), 131016 (service unavailable).
TEMPORARY = frozenset({1, 2, 131000, 131016})
# The deployment must act (token expired or lacks permissions, account restricted or unpaid).
# Retried slowly, so that notifications go out once it is fixed instead of being given up.
SETUP = frozenset({0, 3, 10, 190, 368, 131031, 131042, *range(200, 300)})
# Template errors: parameter count (132000), no such template in that language (132001),
# translated text too long (132005), policy (132007), parameter value or format (132008,
# 132012), disabled (132016). 132015 (paused for quality) lifts after hours: retried.
# 132068 and 132069 are *Flow* states (blocked, throttled), not template errors; we send no
# Flows, so they fall under "other client errors" below.
TEMPLATE = frozenset({132000, 132001, 132005, 132007, 132008, 132012, 132016})
TEMPLATE_PAUSED = 132015

SETUP_WAIT = timedelta(minutes=30)
SPAM_WAIT = timedelta(minutes=15)
PAUSED_WAIT = timedelta(hours=3)  # Meta pauses a template for 3 h, then 6 h, then disables it


class Fate(StrEnum):
    """What to do with a message the Cloud API refused."""

    RETRY = "retry"
    GIVE_UP = "give_up"
    TEMPLATE = "template"  # outside the 24-hour window: send the approved template instead


class WindowClosed(Undeliverable):
    """More than 24 hours since the worker last wrote: only a template can reach them now.

    An ``Undeliverable``, so a caller that does not re-send it as a template still marks the
    notification failed instead of crashing the outbox loop.
    """


class CloudApiError(Exception):
    """A refusal from the Cloud API, for logs and tests: its code, title and HTTP status."""

    def __init__(self, code: int | None, title: str, http_status: int | None) -> None:
        super().__init__(f"WhatsApp error {code}: {title}" if code is not None else title)
        self.code = code
        self.title = title
        self.http_status = http_status


def fate(code: int | None, http_status: int | None = None) -> Fate:
    """What a refusal with this code (or, without one, this HTTP status) means for us."""
    if code == WINDOW_CLOSED:
        return Fate.TEMPLATE
    retry = RATE_LIMITED | TEMPORARY | SETUP | {SPAM_LIMITED, TEMPLATE_PAUSED}
    if code in retry:
        return Fate.RETRY
    if code == NOT_ON_WHATSAPP or code in TEMPLATE:
        return Fate.GIVE_UP
    if http_status is not None and (http_status == 429 or http_status >= 500):
        return Fate.RETRY
    return Fate.GIVE_UP  # a client error: sending it again will not help


def outbox_error(error: CloudApiError, retry_after: timedelta | None = None) -> Exception:
    """The exception the outbox understands for a refusal (handlers.outbox)."""
    reason = str(error)
    what = fate(error.code, error.http_status)
    if what is Fate.TEMPLATE:
        return WindowClosed(reason)
    if what is Fate.GIVE_UP:
        return Undeliverable(reason)
    if error.code in SETUP:
        return RetryLater(f"{reason} (check the WhatsApp settings)", SETUP_WAIT)
    if error.code == SPAM_LIMITED:
        return RetryLater(reason, SPAM_WAIT)
    if error.code == TEMPLATE_PAUSED:
        return RetryLater(reason, PAUSED_WAIT)
    return RetryLater(reason, retry_after)  # None: the outbox's own exponential backoff
