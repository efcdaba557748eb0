"""WhatsApp as one channel of the runtime: the ``/whatsapp`` webhook (Meta's handshake, signed
notifications into the inbox), applying each message through the core, and the outbox's sender
(a free-form message within 24 hours of the worker's last message, else its approved template).
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.inbound import Inbound
from bot.masking import redact
from bot.phone import contact_phone_to_e164
from bot.ports import InboxItem, OutboxItem
from bot.validation import Invalid
from handlers.inbox import Delivery, Pump, Refused, Unreachable, storable_json
from handlers.outbox import RetryLater, Undeliverable
from handlers.runtime import Core
from handlers.server import read_limited
from handlers.whatsapp.client import WhatsAppClient
from handlers.whatsapp.errors import WindowClosed
from handlers.whatsapp.inbound import InboundMessage, StatusUpdate, parse_notification
from handlers.whatsapp.render import render_reply
from handlers.whatsapp.templates import is_invitation, notice_template
from handlers.whatsapp.webhook import (
    MAX_BODY_BYTES,
    SIGNATURE_HEADER,
    Accepted,
    read_notification,
    too_large,
    verify_subscription,
)

log = logging.getLogger(__name__)

CHANNEL = "wa"
PATH = "/whatsapp"
REPLY_ATTEMPTS = 3  # a worker's answer: Meta's passing trouble is tried again a little
# BSUIDs remembered as looked at (a set, emptied when full: a second look costs one read).
ADOPTED_REMEMBERED = 100_000
# Meta's customer service window is 24 hours from the worker's last message as Meta received
# it; we received it a little later, so a free-form notice is sent only well within it (a
# utility template inside an open window costs nothing extra).
OPEN_WINDOW = timedelta(hours=23, minutes=50)
MESSAGING_WINDOW = timedelta(hours=24)  # Meta's messaging limit counts a rolling 24 hours
PROGRESS = ("sent", "delivered", "read")  # statuses kept on an invitation's roster row


def secret(value: Any) -> str:
    """A SecretStr setting's value ('' when unset)."""
    return value.get_secret_value() if value is not None else ""


def _listed(value: Any) -> tuple[list[Any], int]:
    """A JSON list's items, and 1 unreadable part when something else stands where the list
    should be (a missing list is no part at all)."""
    if value is None:
        return [], 0
    return (value, 0) if isinstance(value, list) else ([], 1)


def one_item_envelopes(payload: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """A notification cut into one notification per message (with its sender's contact card
    and metadata) and per ``failed`` status, so each is stored, claimed and applied on its own;
    and how many parts could not be read (a value of the wrong JSON type where Meta's shape has
    an object or a list). Other statuses (sent, delivered, read) change nothing here and are not
    kept. Never raises, whatever the JSON."""
    found = []
    entries, skipped = _listed(payload.get("entry"))
    for entry in entries:
        if not isinstance(entry, dict):
            skipped += 1
            continue
        changes, unreadable = _listed(entry.get("changes"))
        skipped += unreadable
        for change in changes:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                skipped += 1
                continue
            shared = {k: v for k, v in value.items() if k not in ("messages", "statuses")}
            messages, unreadable = _listed(value.get("messages"))
            statuses, unreadable_statuses = _listed(value.get("statuses"))
            skipped += unreadable + unreadable_statuses
            items = [("messages", m) for m in messages if isinstance(m, dict)]
            items += [
                ("statuses", status)
                for status in statuses
                if isinstance(status, dict) and status.get("status") == "failed"
            ]
            skipped += sum(not isinstance(item, dict) for item in [*messages, *statuses])
            for key, item in items:
                found.append(
                    {
                        "object": payload.get("object"),
                        "entry": [
                            {
                                "id": entry.get("id"),
                                "changes": [
                                    {"field": "messages", "value": {**shared, key: [item]}}
                                ],
                            }
                        ],
                    }
                )
    return found, skipped


def progress_statuses(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """The sent, delivered and read statuses of a notification: (message id, status). Never
    raises, whatever the JSON."""
    found = []
    for entry in _listed(payload.get("entry"))[0]:
        for change in _listed(entry.get("changes") if isinstance(entry, dict) else None)[0]:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                continue
            for status in _listed(value.get("statuses"))[0]:
                if not isinstance(status, dict):
                    continue
                state, wamid = status.get("status"), status.get("id")
                if state in PROGRESS and isinstance(wamid, str) and wamid:
                    found.append((wamid, str(state)))
    return found


def sender_phone(message: InboundMessage) -> str | None:
    """The sender's Indonesian mobile number, when WhatsApp shares it (for the one-tap phone)."""
    if message.sender.phone is None:
        return None
    phone = contact_phone_to_e164(message.sender.phone)
    return None if isinstance(phone, Invalid) else phone


class WhatsAppChannel:
    """The WhatsApp Cloud API channel (docs/whatsapp.md)."""

    name = CHANNEL

    def __init__(self, core: Core, client: WhatsAppClient | None = None) -> None:
        self.core = core
        self.settings = core.settings
        self.client = client or WhatsAppClient.from_settings(core.settings)
        self._pump = Pump(
            core.repo,
            CHANNEL,
            self.apply,
            clock=core.clock,
            lease=timedelta(seconds=core.settings.inbox_lease_seconds),
            liveness=core.liveness,
        )
        self._adopted: set[str] = set()  # BSUIDs whose wa_id records were looked for

    @property
    def pump(self) -> Pump:
        return self._pump

    # --- receiving ------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return [
            Route(PATH, self.handshake, methods=["GET"]),
            Route(PATH, self.receive, methods=["POST"]),
        ]

    async def handshake(self, request: Request) -> Response:
        """Meta's subscription check: echo the challenge when the verify token matches."""
        answer = verify_subscription(
            dict(request.query_params), secret(self.settings.whatsapp_verify_token)
        )
        return PlainTextResponse(answer.text, status_code=answer.status)

    async def receive(self, request: Request) -> Response:
        """A signed notification: its messages stored in the inbox before Meta hears 200.

        Meta retries what does not get a 200, so a 503 is only for a notification that could
        not be stored (the database is down): it is stored when Meta posts it again. Parts of a
        notification that will never be read (the wrong JSON types) are skipped with a warning
        and the rest acknowledged with 200; a body that is not a notification at all gets 400
        (docs/operations.md).
        """
        if too_large(request.headers.get("content-length")):
            return PlainTextResponse("too large", status_code=413)
        body = await read_limited(request, MAX_BODY_BYTES)
        if body is None:
            return PlainTextResponse("too large", status_code=413)
        checked = read_notification(
            body, request.headers.get(SIGNATURE_HEADER), secret(self.settings.whatsapp_app_secret)
        )
        if not isinstance(checked, Accepted):
            return PlainTextResponse(checked.text, status_code=checked.status)
        items, skipped = self.inbox_items(checked.payload)
        if skipped:
            log.warning(
                "a WhatsApp notification had %d part(s) that cannot be read: skipped", skipped
            )
        try:
            if items:
                await self.pump.receive(items)
        except Exception:  # not stored: Meta retries what does not get a 200
            log.exception("could not store a WhatsApp notification")
            return PlainTextResponse("try again", status_code=503)
        return PlainTextResponse("ok")

    async def store(self, payload: dict[str, Any]) -> list[asyncio.Task[None]]:
        """Each message and failed status of a notification into the inbox (inbox_items); the
        tasks applying them."""
        # Sent, delivered and read: kept on the roster row an invitation went to (at once: a
        # status only moves a row forward, so a repeat changes nothing).
        await self.core.repo.invitation_statuses(progress_statuses(payload), self.core.clock())
        items, _ = self.inbox_items(payload)
        return await self.pump.receive(items) if items else []

    def inbox_items(self, payload: dict[str, Any]) -> tuple[list[InboxItem], int]:
        """Each message of a notification as an inbox item keyed by its wamid, each failed
        status too, keyed by the wamid of our message that failed; and how many parts could
        not be read."""
        items = []
        envelopes, skipped = one_item_envelopes(payload)
        for envelope in envelopes:
            # A lone surrogate (a broken emoji) is mended: no database stores it.
            text, envelope = storable_json(envelope)
            parsed = parse_notification(envelope)
            skipped += parsed.skipped
            if parsed.messages:
                message = parsed.messages[0]
                # A group's messages never count as the worker's own chat (its 24-hour window).
                chat = f"group:{message.group_id}" if message.group_id else message.sender.key
                key = message.message_id
            elif parsed.statuses:
                status = parsed.statuses[0]
                # Not under the worker's own chat: when the worker last wrote (the 24-hour
                # window, ``deliver``) counts only what the worker sent.
                key = f"{status.message_id}:failed"
                chat = f"status:{status.recipient or status.message_id}"
            else:
                continue
            items.append(
                InboxItem(
                    channel=CHANNEL,
                    update_key=key,
                    chat=chat,
                    payload=text,
                    received_at=self.core.clock(),
                )
            )
        return items, skipped

    # --- applying ----------------------------------------------------------------------------

    async def apply(self, delivery: Delivery) -> None:
        """One worker's message through the core; the replies within WhatsApp's rules. Or a
        failed status: the notification that went out as that message is marked."""
        parsed = parse_notification(json.loads(delivery.item.payload))
        if not parsed.messages:
            for status in parsed.statuses:
                await self.failed(status)
            return
        (message,) = parsed.messages
        if message.group_id is not None:
            # Private chats only: a group gets no card, draft or status, and no answer at all
            # (any answer would be a message to the whole group).
            log.info("a WhatsApp group message was not handled (private chats only)")
            return
        user = message.sender.key
        await self.adopt(message)
        try:  # the read receipt is the acknowledgement of an answer: cosmetic
            await self.client.mark_read(message.message_id)
        except (RetryLater, Undeliverable) as error:
            log.debug("could not mark a WhatsApp message read: %s", error)
        inbound = Inbound(
            CHANNEL,
            user,
            message.event,
            update_key=message.message_id,
            name=message.sender.name,
            phone=sender_phone(message),
            contact_button=False,
        )
        result = await self.core.dispatcher.dispatch(inbound, self.core.clock())
        for reply in result.replies:
            rendered = render_reply(reply, result.lang)
            for attempt in range(REPLY_ATTEMPTS):
                try:
                    await self.client.send_rendered(user, rendered)
                    break
                except RetryLater as error:
                    if attempt == REPLY_ATTEMPTS - 1:  # the inbox tries again, uncounted
                        raise Unreachable(str(error)) from error
                    await asyncio.sleep(error.after.total_seconds() if error.after else 0.5)
                except Undeliverable as error:  # blocked, not on WhatsApp: answered for good
                    raise Refused(str(error)) from error

    async def adopt(self, message: InboundMessage) -> None:
        """A sender known by their wa_id, now with a business-scoped user id too: what the bot
        keeps for them moves to the BSUID once (the draft, submissions, reminders, notices),
        so they continue where they were. Each BSUID is looked at once per process."""
        sender = message.sender
        if sender.user_id is None or sender.wa_id is None or sender.user_id in self._adopted:
            return
        if await self.core.repo.move_worker(CHANNEL, sender.wa_id, sender.user_id):
            log.info("a WhatsApp worker's records moved to their business-scoped id")
        if len(self._adopted) >= ADOPTED_REMEMBERED:
            self._adopted.clear()
        self._adopted.add(sender.user_id)

    async def failed(self, status: StatusUpdate) -> None:
        """Meta could not deliver a message it had taken (131026 not on WhatsApp, 131047 the
        window had closed, 131049 ecosystem limits, ...): if it was a notification, it is
        undeliverable after all, and the officer's card says so."""
        reason = redact(f"WhatsApp error {status.error_code}: {status.error_title or 'failed'}")
        if await self.core.repo.mark_failed_later(CHANNEL, status.message_id, reason):
            log.warning("a WhatsApp notification was not delivered: %s", reason)
        else:
            log.info("a WhatsApp reply was not delivered: %s", reason)

    # --- the outbox --------------------------------------------------------------------------

    async def deliver(self, item: OutboxItem) -> str | None:
        """A notice: as a message within the 24-hour window, else as its approved template.

        The window is judged from when the worker last wrote (the inbox), not only from Meta's
        refusal: outside the window the Cloud API accepts a free-form message (200, a wamid)
        and reports 131047 later, in a ``failed`` status notification, so a notice sent that
        way would count as sent and never arrive. Meta's immediate 131047 still falls back.
        Returns the wamid it went out as (of its last message), which a failed status names.
        """
        await self.paced(item)
        last = await self.core.repo.last_received(CHANNEL, item.user_id)
        if last is not None and self.core.clock() - last < OPEN_WINDOW:
            try:
                sent = await self.client.send_rendered(
                    item.user_id, render_reply(item.reply, item.lang)
                )
                return sent[-1] if sent else None
            except WindowClosed:
                pass
        template = notice_template(item.reply, item.lang, self.settings)
        if template is None:
            raise Undeliverable("outside WhatsApp's 24-hour window, with no template")
        return await self.client.send(item.user_id, template)

    async def paced(self, item: OutboxItem) -> None:
        """An outbox item waits (RetryLater) for the pair rate (one message to a user every
        WHATSAPP_PAIR_SECONDS) and, if it is a roster's invitation, for the messaging limit
        (WHATSAPP_MESSAGING_LIMIT unique users per rolling 24 hours)."""
        pacer = self.client.pacer
        wait = pacer.pair_wait(item.user_id) if pacer is not None else 0.0
        if wait > 0:
            raise RetryLater("WhatsApp pair rate", timedelta(seconds=wait))
        limit = self.settings.whatsapp_messaging_limit
        if limit <= 0 or not is_invitation(item.reply):
            return
        now = self.core.clock()
        sent = await self.core.repo.invitations_sent_since(now - MESSAGING_WINDOW, limit)
        if len(sent) >= limit:
            after = sent[0] + MESSAGING_WINDOW - now
            raise RetryLater("WhatsApp messaging limit", max(after, timedelta(seconds=1)))

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        await self.pump.start_recovering()

    async def run(self, stop: asyncio.Event) -> None:
        """Nothing to poll: Meta posts to the webhook."""

    async def stop(self) -> None:
        await self.pump.stop()
        await self.client.aclose()
