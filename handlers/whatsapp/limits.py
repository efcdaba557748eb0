"""What the Cloud API accepts in one message, from Meta's documentation (Nov 2026).

Sources (developers.facebook.com/documentation/business-messaging/whatsapp/...):
- messages/interactive-reply-buttons-messages: up to 3 buttons; button label ≤ 20 characters and
  unique within the message; button id ≤ 256; body ≤ 1,024.
- messages/interactive-list-messages: up to 10 rows over all sections; row title ≤ 24,
  description ≤ 72, id ≤ 200; the list button label ≤ 20; a section title is required
  (≤ 24 as other SDKs and Meta's older page give it); body ≤ 4,096 there, but older pages and
  several SDKs say 1,024 for every interactive body, so we keep to 1,024.
- messages/text-messages: body ≤ 4,096.

Meta does not say how it counts characters; we count UTF-16 code units (an emoji counts two),
which is never less than the count in code points, so a label that fits here fits there.
"""

from __future__ import annotations

MAX_REPLY_BUTTONS = 3
BUTTON_TITLE = 20
BUTTON_ID = 256
MAX_LIST_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
ROW_ID = 200
LIST_BUTTON = 20
SECTION_TITLE = 24
INTERACTIVE_BODY = 1024
TEXT_BODY = 4096


def wa_len(text: str) -> int:
    """The length of ``text`` as the limits above count it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2
