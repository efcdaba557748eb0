"""A fake WhatsApp Cloud API on a real HTTP port (127.0.0.1 only), strict where Meta is strict.

It answers ``POST [/<version>]/<phone number id>/messages`` (send; mark as read) and ``.../media``
(upload), checks the bearer token, and validates every message against Meta's documented
limits (tests/system/fake_whatsapp_rules.py: reply buttons 1-3 with unique titles ≤ 20, lists of
≤ 10 rows with titles ≤ 24 and descriptions ≤ 72, list button ≤ 20, bodies and texts ≤ 1,024 /
4,096), accepts templates only among the approved ones and with their parameter count, and
free-form messages only within 24 hours of the user's last message (else 131047).

Errors have Meta's shape (``{"error": {"message", "type", "code", "error_data": {"details"}}}``).
Meta's three sending limits are enforced when a test sets them: ``messages_per_second`` (more
in any second: 429, 130429), ``pair_seconds`` (a template to a user sooner than that after the
last message to them: 429, 131056; replies within a conversation come in bursts Meta allows and
are not checked) and ``messaging_limit`` (templates to more unique users in a rolling 24 hours
of ``clock``: Meta documents no code of its own for it, the fake answers 131049, to confirm);
``refused`` lists every error code given.
A test can inject rate limits (429 with 130429/131056/80007/4), server errors (5xx) and
"recipient not on WhatsApp" (131026), disable or pause an approved template (132016, 132015),
set a user's last-message time, read a transcript of
what each user would see, and POST signed webhook notifications to a URL the way Meta does.
Every wait is bounded and ``stop`` closes the port, so nothing outlives the test.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx

from handlers.whatsapp.preview import preview
from handlers.whatsapp.templates import TEMPLATES, Notice
from tests.system.fake_whatsapp_rules import Refusal, validate
from tests.system.local_server import LocalServer

TOKEN = "EAAtest-token"
PHONE_NUMBER_ID = "106540352242922"
APP_SECRET = "fake-app-secret"
VERSION = "v26.0"
WINDOW = timedelta(hours=24)
POST_TIMEOUT = 10.0
_PATH = re.compile(r"/(?:v\d+\.\d+/)?(?P<phone>[^/]+)/(?P<what>messages|media)")


@dataclass
class _Injected:
    refusal: Refusal
    times: int
    retry_after: int | None


@dataclass
class FakeWhatsApp:
    """The fake Cloud API; use as a context manager (or ``start``/``stop``)."""

    token: str = TOKEN
    phone_number_id: str = PHONE_NUMBER_ID
    app_secret: str = APP_SECRET
    templates: Mapping[str, Notice] = field(default_factory=dict)  # approved: name → notice
    # Meta's Cloud API takes a free-form message outside the 24-hour window (200, a wamid) and
    # reports 131047 only later, in a "failed" status notification; True does that (the message
    # goes to ``failed_later``, never to the user), False refuses it at once with 131047.
    window_refused_later: bool = False
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    messages_per_second: int | None = None  # Meta's throughput (80): None, not enforced
    pair_seconds: float | None = None  # Meta's pair rate (about 6 s): None, not enforced
    messaging_limit: int | None = None  # unique users of templates per 24 h: None, unlimited
    monotonic: Callable[[], float] = time.monotonic  # the throughput's and pair rate's clock
    refused: list[int] = field(default_factory=list)  # every error code answered
    requests: list[dict[str, Any]] = field(default_factory=list)  # every POSTed body
    reads: list[str] = field(default_factory=list)  # message ids marked as read
    failed_later: list[dict[str, Any]] = field(default_factory=list)  # taken, never delivered
    media: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # id → name, type, data
    _sent: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # user → messages
    _transcripts: dict[str, list[str]] = field(default_factory=dict)
    _last_wrote: dict[str, datetime] = field(default_factory=dict)
    _not_on_whatsapp: set[str] = field(default_factory=set)
    _refused_templates: dict[str, Refusal] = field(default_factory=dict)
    _injected: list[_Injected] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _http: LocalServer | None = None
    _recent: deque[float] = field(default_factory=deque)  # when the last second's messages came
    _last_to: dict[str, float] = field(default_factory=dict)  # user → their last message
    _reached: dict[str, datetime] = field(default_factory=dict)  # user → first template in 24 h

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeWhatsApp:
        fake = self

        class Handler(_Handler):
            whatsapp = fake

        self._http = LocalServer(Handler)
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> FakeWhatsApp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """WHATSAPP_API_BASE_URL with a version, as Meta's (``http://127.0.0.1:<port>/v26.0``)."""
        return f"{self.root_url}/{VERSION}"

    @property
    def root_url(self) -> str:
        """The same API without a version in the path (a proxy may add it)."""
        assert self._http is not None, "start() first"
        return f"{self._http.url}"

    # --- what tests arrange --------------------------------------------------------------------

    def user_wrote(self, user: str, at: datetime | None = None) -> None:
        """The user's last message was at ``at`` (now): opens the 24-hour window from then."""
        with self._lock:
            self._last_wrote[user] = at or self.clock()

    def not_on_whatsapp(self, user: str) -> None:
        """Messages to ``user`` are refused with 131026 (not a WhatsApp user)."""
        with self._lock:
            self._not_on_whatsapp.add(user)

    def refuse_template(self, name: str, code: int = 132016) -> None:
        """Meta stops taking the approved template ``name``: disabled (132016), or paused for
        its quality (132015: for 3 hours, then 6, then disabled)."""
        titles = {132015: "Template is paused", 132016: "Template has been disabled"}
        with self._lock:
            self._refused_templates[name] = Refusal(
                code, f"Template {name} cannot be sent now", title=titles.get(code, "Template")
            )

    def inject(
        self,
        code: int,
        http_status: int = 400,
        times: int = 1,
        title: str = "Injected",
        retry_after: int | None = None,
        details: str = "",
    ) -> None:
        """The next ``times`` sends are refused with Meta's error ``code`` (and ``details``,
        Meta's explanation, which can name the recipient)."""
        with self._lock:
            refusal = Refusal(code, details or f"injected {code}", http_status, title)
            self._injected.append(_Injected(refusal, times, retry_after))

    def rate_limit(
        self, code: int = 130429, times: int = 1, retry_after: int | None = None
    ) -> None:
        """Meta's throughput limit (or ``code``: 131056 pair rate, 80007 account, 4 app)."""
        self.inject(code, 429, times, "Rate limit hit", retry_after)

    def server_error(self, http_status: int = 503, times: int = 1) -> None:
        """The next ``times`` sends fail with a 5xx and Meta's "service unavailable" code."""
        self.inject(131016, http_status, times, "Service unavailable")

    # --- what tests read ---------------------------------------------------------------------

    def sent(self, user: str) -> list[dict[str, Any]]:
        """The messages accepted for ``user`` (a wa_id or a BSUID), in order."""
        with self._lock:
            return list(self._sent.get(user, ()))

    def transcript(self, user: str) -> str:
        """What ``user`` saw and wrote, one message after the other."""
        with self._lock:
            return "\n\n".join(self._transcripts.get(user, ()))

    # --- webhooks, as Meta sends them --------------------------------------------------------

    def post_text(self, url: str, wa_id: str | None, text: str, **who: str) -> int:
        """A text from a user to ``url``; the HTTP status the webhook answered."""
        return self._post_message(url, wa_id, "text", {"body": text}, text, **who)

    def post_button_reply(
        self, url: str, wa_id: str | None, data: str, title: str, **who: str
    ) -> int:
        body = {"type": "button_reply", "button_reply": {"id": data, "title": title}}
        return self._post_message(url, wa_id, "interactive", body, f"[{title}]", **who)

    def post_list_reply(
        self, url: str, wa_id: str | None, data: str, title: str, **who: str
    ) -> int:
        body = {"type": "list_reply", "list_reply": {"id": data, "title": title}}
        return self._post_message(url, wa_id, "interactive", body, f"☰ {title}", **who)

    def post_contacts(
        self, url: str, wa_id: str | None, phone: str, phone_wa_id: str, **who: str
    ) -> int:
        card = [
            {
                "name": {"formatted_name": who.get("name", "Kontak")},
                "phones": [{"phone": phone, "wa_id": phone_wa_id, "type": "CELL"}],
            }
        ]
        return self._post_message(url, wa_id, "contacts", card, f"📇 {phone}", **who)

    def post_status(
        self, url: str, message_id: str, status: str, recipient: str, code: int | None = None
    ) -> int:
        """A status notification (sent, delivered, read, failed with ``code``)."""
        record: dict[str, Any] = {
            "id": message_id,
            "status": status,
            "timestamp": self._stamp(),
            "recipient_id": recipient,
        }
        if code is not None:
            record["errors"] = [{"code": code, "title": f"error {code}"}]
        return self.notify(url, _envelope({"statuses": [record]}, self.phone_number_id))

    def notify(self, url: str, payload: Mapping[str, Any], secret: str | None = None) -> int:
        """POST ``payload`` to ``url`` signed like Meta (X-Hub-Signature-256)."""
        body = json.dumps(payload).encode()
        key = (self.app_secret if secret is None else secret).encode()
        signature = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
        with httpx.Client(timeout=POST_TIMEOUT, trust_env=False) as client:
            return client.post(url, content=body, headers=headers).status_code

    def _post_message(
        self, url: str, wa_id: str | None, kind: str, body: Any, shown: str, **who: str
    ) -> int:
        return self.notify(url, self.message(wa_id, kind, body, shown, **who))

    def message(
        self,
        wa_id: str | None,
        kind: str,
        body: Any,
        shown: str,
        *,
        user_id: str = "",
        name: str = "Pekerja",
        username: str = "",
        message_id: str = "",
    ) -> dict[str, Any]:
        """The notification of one message from a user, as Meta would POST it (for a test that
        hands it to the channel in-process); the user's 24-hour window opens, as when posted."""
        contact: dict[str, Any] = {
            "profile": {"name": name, **({"username": username} if username else {})}
        }
        message: dict[str, Any] = {
            "id": message_id or f"wamid.IN{next(self._ids)}",  # one given: Meta's retry
            "timestamp": self._stamp(),
            "type": kind,
            kind: body,
        }
        if wa_id:
            contact["wa_id"] = message["from"] = wa_id
        if user_id:
            contact["user_id"] = message["from_user_id"] = user_id
        for user in filter(None, (wa_id, user_id)):
            self.user_wrote(user)
            with self._lock:
                self._transcripts.setdefault(user, []).append(f"> {shown}")
        value = {"contacts": [contact], "messages": [message]}
        return _envelope(value, self.phone_number_id)

    def _stamp(self) -> str:
        return str(int(self.clock().timestamp()))

    # --- the Cloud API -------------------------------------------------------------------------

    def answer(
        self, path: str, auth: str, content_type: str, raw: bytes
    ) -> tuple[int, dict[str, Any], int | None]:
        """(HTTP status, JSON answer, Retry-After) for one request."""
        match = _PATH.fullmatch(path.split("?", 1)[0])
        if match is None:
            return 404, Refusal(100, "Unknown path", 404, "Invalid request").body(), None
        if auth != f"Bearer {self.token}":
            refusal = Refusal(190, "Invalid OAuth access token", 401, "Invalid OAuth access token")
            return 401, refusal.body(), None
        if match["phone"] != self.phone_number_id:
            refusal = Refusal(
                100, f"Object with ID '{match['phone']}' does not exist", 400, "Invalid parameter"
            )
            return 400, refusal.body(), None
        if match["what"] == "media":
            return self._upload(content_type, raw)
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, Refusal(100, "Body is not JSON", title="Invalid parameter").body(), None
        with self._lock:
            self.requests.append(body)
        if isinstance(body, dict) and body.get("status") == "read":
            return self._mark_read(body)
        with self._lock:
            injected = self._injected[0] if self._injected else None
            if injected is not None:
                injected.times -= 1
                if injected.times <= 0:
                    self._injected.pop(0)
        if injected is not None:
            return injected.refusal.http_status, injected.refusal.body(), injected.retry_after
        problem = validate(body) or self._deliverable(body)
        if problem is not None and problem.code == 131047 and self.window_refused_later:
            with self._lock:
                self.failed_later.append(body)
            return 200, self._taken(_user(body), "to" in body), None
        problem = problem or self._over_limits(body)
        if problem is not None:
            with self._lock:
                self.refused.append(problem.code)
            return problem.http_status, problem.body(), None
        return 200, self._accept(body), None

    def _over_limits(self, body: dict[str, Any]) -> Refusal | None:
        """Meta's throughput, pair rate and messaging limit, where the test set them."""
        user, now = _user(body), self.monotonic()
        template = body.get("type") == "template"
        with self._lock:
            while self._recent and self._recent[0] <= now - 1.0:
                self._recent.popleft()
            if self.messages_per_second is not None:
                if len(self._recent) >= self.messages_per_second:
                    return Refusal(130429, "Rate limit hit", 429, "Rate limit hit")
            self._recent.append(now)
            last = self._last_to.get(user)
            if template and self.pair_seconds is not None and last is not None:
                if now - last < self.pair_seconds:
                    return Refusal(131056, "Pair rate limit hit", 429, "Pair rate limit hit")
            if template and self.messaging_limit is not None:
                today = self.clock()
                for known, first in list(self._reached.items()):
                    if today - first >= WINDOW:
                        del self._reached[known]
                if user not in self._reached:
                    if len(self._reached) >= self.messaging_limit:
                        return Refusal(
                            131049,
                            "Messaging limit of unique users in 24 hours reached",
                            title="Message undeliverable",
                        )
                    self._reached[user] = today
            self._last_to[user] = now
        return None

    def _deliverable(self, body: dict[str, Any]) -> Refusal | None:
        user = _user(body)
        with self._lock:
            if user in self._not_on_whatsapp:
                return Refusal(
                    131026, "Recipient is not a WhatsApp user", title="Message undeliverable"
                )
            last = self._last_wrote.get(user)
        if body["type"] == "template":
            return self._check_template(body["template"])
        if last is None or self.clock() - last > WINDOW:
            return Refusal(
                131047,
                "More than 24 hours have passed since the recipient last replied",
                title="Re-engagement message",
            )
        return None

    def _check_template(self, template: dict[str, Any]) -> Refusal | None:
        name, code = template.get("name"), (template.get("language") or {}).get("code")
        with self._lock:
            refused = self._refused_templates.get(str(name))
        if refused is not None:
            return refused
        notice = self.templates.get(str(name))
        if notice is None or code not in ("id", "en_US"):
            return Refusal(
                132001,
                f"Template {name} does not exist in {code}",
                title="Template name does not exist in the translation",
            )
        params = [
            p
            for c in template.get("components") or []
            if c.get("type") == "body"
            for p in c.get("parameters") or []
        ]
        if len(params) != len(TEMPLATES[notice].params):
            return Refusal(
                132000,
                f"expected {len(TEMPLATES[notice].params)} parameters, got {len(params)}",
                title="Number of parameters does not match the expected number of params",
            )
        if any(re.search(r"[\n\t]| {5,}", str(p.get("text", ""))) for p in params):
            return Refusal(
                131009,
                "Param text cannot have new-line/tab characters or more than 4 consecutive spaces",
            )
        return None

    def _accept(self, body: dict[str, Any]) -> dict[str, Any]:
        user = _user(body)
        with self._lock:
            self._sent.setdefault(user, []).append(body)
            self._transcripts.setdefault(user, []).append(preview(body, self.templates))
        return self._taken(user, "to" in body)

    def _taken(self, user: str, by_phone: bool) -> dict[str, Any]:
        """Meta's answer to a message it took: the recipient and the new wamid."""
        wamid = f"wamid.OUT{next(self._ids)}"
        contact = {"input": user, "wa_id": user} if by_phone else {"input": user, "user_id": user}
        return {
            "messaging_product": "whatsapp",
            "contacts": [contact],
            "messages": [{"id": wamid}],
        }

    def _mark_read(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], int | None]:
        message_id = body.get("message_id")
        if body.get("messaging_product") != "whatsapp" or not isinstance(message_id, str):
            return (
                400,
                Refusal(
                    131008, "message_id is required", title="Required parameter is missing"
                ).body(),
                None,
            )
        with self._lock:
            self.reads.append(message_id)
        return 200, {"success": True}, None

    def _upload(self, content_type: str, raw: bytes) -> tuple[int, dict[str, Any], int | None]:
        form = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + raw
        )
        fields: dict[str, Any] = {}
        for part in form.iter_parts() if form.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            fields[str(name)] = part
        if "file" not in fields or "messaging_product" not in fields:
            return (
                400,
                Refusal(
                    131008,
                    "file and messaging_product are required",
                    title="Required parameter is missing",
                ).body(),
                None,
            )
        media_id = f"media-{next(self._ids)}"
        file = fields["file"]
        with self._lock:
            self.media[media_id] = (
                str(file.get_filename()),
                file.get_content_type(),
                file.get_payload(decode=True),
            )
        return 200, {"id": media_id}, None


def _user(body: dict[str, Any]) -> str:
    return str(body.get("to") or body.get("recipient") or "")


def _envelope(value: dict[str, Any], phone_number_id: str) -> dict[str, Any]:
    metadata = {"display_phone_number": "6281100001111", "phone_number_id": phone_number_id}
    change = {
        "value": {"messaging_product": "whatsapp", "metadata": metadata, **value},
        "field": "messages",
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [change]}],
    }


class _Handler(BaseHTTPRequestHandler):
    whatsapp: FakeWhatsApp
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects

    def do_POST(self) -> None:
        length = min(int(self.headers.get("Content-Length") or 0), 64 * 1024 * 1024)
        raw = self.rfile.read(length) if length else b""
        status, payload, retry_after = self.whatsapp.answer(
            self.path,
            self.headers.get("Authorization", ""),
            self.headers.get("Content-Type", ""),
            raw,
        )
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if retry_after is not None:
            self.send_header("Retry-After", str(retry_after))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the fake's state
        return
