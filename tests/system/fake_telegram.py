"""A fake Bot API on a real HTTP port (127.0.0.1 only), for running the bot as a separate process.

It answers what the bot calls (getMe, deleteWebhook, setWebhook, getUpdates with long polling,
sendMessage, editMessageText, editMessageReplyMarkup, answerCallbackQuery), records every call,
and can *hold* one sendMessage: the request is received and recorded but never answered, so a
test can kill the bot while that message is in flight.

Every call is first checked as Telegram checks it (tests/telegram_api/rules.py: parameters,
types, keyboards, lengths, HTML): one Telegram refuses is answered 400 (404 for an unknown
method) with Telegram's kind of description, kept in ``rejected`` (not in ``calls``), and fails
the running test (tests/conftest.py).

The bot finds it with ``TELEGRAM_API_BASE_URL=<fake.base_url>`` (PTB appends the token and the
method: ``/bot<token>/<method>``). Every wait in here is bounded, and ``stop`` releases held
requests, so nothing outlives the test.

With ``FakeTelegram(limits=FloodModel())`` (off by default) it also *enforces* Telegram's flood
limits as we model them: at most 30 chat-bound calls in any second overall, and per chat a burst
of 3, then one a second; beyond that it answers 429 with ``retry_after`` (whole seconds, as
Telegram does) and counts it (``http_429``, ``refused``). answerCallbackQuery and sendChatAction
are not counted. Each call records when it arrived (``Call.at``, ``time.monotonic()``), and an
``observer`` may be told of every answered call as it arrives (from the server's threads).
"""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

from handlers.telegram.offline import BOT_USER
from tests.fakes import SHOWN
from tests.system.local_server import LocalServer
from tests.telegram_api.rules import Refusal, check

LONG_POLL_SECONDS = 1.0  # at most; PTB asks for 10 s, a test does not need to wait that long
HOLD_SECONDS = 30.0  # a held request gives up by itself after this (the test is long over)
# Parameters PTB sends JSON-encoded inside the form; everything else (text!) stays a string.
_JSON_PARAMS = frozenset(
    {"chat_id", "message_id", "offset", "limit", "timeout", "reply_markup", "allowed_updates"}
)


@dataclass(frozen=True)
class Call:
    """One Bot API request: its method, its parameters, and whether it was held unanswered.

    ``at`` is when it arrived (``time.monotonic()``); ``message_id`` is the id a sendMessage's
    answer gave the new message (an edit's: the message it edited).
    """

    method: str
    params: dict[str, Any]
    held: bool = False
    at: float = 0.0
    message_id: int | None = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))


@dataclass(frozen=True)
class FloodModel:
    """Telegram's flood limits as the fake enforces them (seconds; tests may scale them down)."""

    overall: int = 30  # chat-bound calls in any one window, all chats together
    window: float = 1.0
    chat_burst: int = 3  # calls to one chat at once, then one every chat_interval
    chat_interval: float = 1.0
    uncounted: frozenset[str] = frozenset({"answerCallbackQuery", "sendChatAction"})


class _Flood:
    """The counting behind FloodModel: a sliding window overall, a GCRA bucket per chat."""

    def __init__(self, model: FloodModel) -> None:
        self.model = model
        self.recent: deque[float] = deque()  # arrivals of admitted calls within the window
        self.tat: dict[int, float] = {}  # per chat: theoretical arrival time

    def admit(self, method: str, chat: int | None, now: float) -> float:
        """0 when the call may pass (and is counted), else the seconds it should have waited."""
        model = self.model
        if chat is None or method in model.uncounted:
            return 0.0
        while self.recent and self.recent[0] <= now - model.window:
            self.recent.popleft()
        wait = 0.0
        if len(self.recent) >= model.overall:
            wait = self.recent[0] + model.window - now
        tat = self.tat.get(chat, -math.inf)
        wait = max(wait, tat - (model.chat_burst - 1) * model.chat_interval - now)
        if wait > 0:
            return wait
        self.recent.append(now)
        self.tat[chat] = max(tat, now) + model.chat_interval
        return 0.0


@dataclass(frozen=True)
class _TooMany:
    """The answer to a call beyond the flood limits."""

    retry_after: int


@dataclass
class _Hold:
    """Hold the ``nth`` sendMessage (to ``chat_id``, if given) counted from when it was armed."""

    nth: int
    chat_id: int | None
    seen: int = 0


@dataclass
class FakeTelegram:
    """The fake Bot API; use as a context manager (or ``start``/``stop``)."""

    limits: FloodModel | None = None  # enforce Telegram's flood limits (off: answer everything)
    observer: Callable[[Call], None] | None = None  # told of each answered call, in its thread
    calls: list[Call] = field(default_factory=list)
    refused: list[Call] = field(default_factory=list)  # answered 429 (not in ``calls``)
    rejected: list[Call] = field(default_factory=list)  # refused as malformed: 400 / 404
    _flood: _Flood | None = None
    _answered: dict[int, list[Call]] = field(default_factory=dict)  # sendMessage by chat
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _confirmed: int = 0  # update ids below this were confirmed by a getUpdates offset
    _last_update_id: int = 0  # the highest update id pushed so far
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _hold: _Hold | None = None
    _hold_all: bool = False  # every answer shown is received and never answered
    _slow: tuple[float, int | None] | None = None  # (seconds, chat) of a slow sendMessage
    _held: threading.Event = field(default_factory=threading.Event)
    _release: threading.Event = field(default_factory=threading.Event)
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(10_000))
    _http: LocalServer | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        """Listen on a free port of 127.0.0.1 and serve in a background thread."""
        fake = self
        self._flood = _Flood(self.limits) if self.limits is not None else None

        class Handler(_Handler):
            telegram = fake

        self._http = LocalServer(Handler)
        return self

    def stop(self) -> None:
        """Release held requests, stop serving, close the port."""
        self._release.set()
        with self._lock:
            self._lock.notify_all()
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL should be (PTB appends the token)."""
        assert self._http is not None, "start() first"
        return f"{self._http.url}/bot"

    # --- what tests do -----------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (wakes a waiting long poll).

        As on Telegram, update ids only grow: an update built before others but pushed after
        them gets the next id. (Kept as built, a getUpdates offset already past it would drop it
        unseen, whenever it arrived between two long polls.)
        """
        with self._lock:
            if update["update_id"] <= self._last_update_id:
                update = {**update, "update_id": self._last_update_id + 1}
            self._last_update_id = update["update_id"]
            self._updates.append(update)
            self._lock.notify_all()

    def hold_send(self, nth: int = 1, chat_id: int | None = None) -> None:
        """Arm: the ``nth`` sendMessage from now (to ``chat_id``) is received but never answered."""
        with self._lock:
            self._hold = _Hold(nth, chat_id)
            self._held.clear()

    def hold_all_sends(self) -> None:
        """Arm: from now on every message sent or edited is received but never answered (until
        disarmed)."""
        with self._lock:
            self._hold_all = True

    def held(self) -> list[Call]:
        """The sends and edits received and left unanswered."""
        return [c for c in self.snapshot() if c.method in SHOWN and c.held]

    def wait_held(self, timeout: float) -> bool:
        """Whether the held sendMessage arrived within ``timeout`` seconds."""
        return self._held.wait(timeout)

    def slow_send(self, seconds: float, chat_id: int | None = None) -> None:
        """Answer every send or edit (to ``chat_id``) only after ``seconds`` (a slow Telegram)."""
        with self._lock:
            self._slow = (min(seconds, HOLD_SECONDS), chat_id)

    def disarm(self) -> None:
        """No further request is held or slowed (one already held stays so until ``stop``)."""
        with self._lock:
            self._hold = None
            self._hold_all = False
            self._slow = None

    def snapshot(self) -> list[Call]:
        """A copy of the calls so far (the server threads keep appending)."""
        with self._lock:
            return list(self.calls)

    def sent(self, chat_id: int | None = None, *, held: bool = False) -> list[Call]:
        """The answers shown (messages sent, tapped messages edited into the answer to the tap)
        that Telegram answered (plus held ones with ``held=True``)."""
        if chat_id is not None and not held:
            with self._lock:
                return list(self._answered.get(chat_id, ()))
        return [
            c
            for c in self.snapshot()
            if c.method in SHOWN
            and (held or not c.held)
            and (chat_id is None or c.chat_id == chat_id)
        ]

    @property
    def http_429(self) -> int:
        """How many calls were refused for flood limits."""
        with self._lock:
            return len(self.refused)

    def wait_for(
        self, condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.02
    ) -> None:
        """Poll ``condition`` until it holds; AssertionError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(poll)

    # --- the Bot API ---------------------------------------------------------------------------

    def answer(
        self, method: str, params: dict[str, Any], files: frozenset[str] = frozenset()
    ) -> tuple[bool, Any]:
        """(answered, result) for one request; answered False means: hold it.

        ``params`` as received (form values are strings); ``files`` names uploaded parts.
        """
        refusal = check(method, params, files)
        if refusal is not None:
            with self._lock:
                self.rejected.append(Call(method, _decoded(params), at=time.monotonic()))
            return True, refusal
        params = _decoded(params)
        if method == "getUpdates":
            return True, self._get_updates(params)
        hold = False
        with self._lock:
            now = time.monotonic()
            chat = _int(params.get("chat_id"))
            wait = self._flood.admit(method, chat, now) if self._flood is not None else 0.0
            if wait > 0:
                self.refused.append(Call(method, params, at=now))
                return True, _TooMany(max(1, math.ceil(wait)))
            if method in SHOWN and self._hold_all:
                hold = True
            elif method in SHOWN and self._hold is not None:
                wanted = self._hold.chat_id
                if wanted is None or wanted == chat:
                    self._hold.seen += 1
                    if self._hold.seen == self._hold.nth:
                        hold, self._hold = True, None
            message_id = (
                next(self._message_ids)
                if method == "sendMessage"
                else _int(params.get("message_id"))  # an edited message keeps its id
            )
            call = Call(method, params, held=hold, at=now, message_id=message_id)
            self.calls.append(call)
            if method in SHOWN and not hold and call.chat_id is not None:
                self._answered.setdefault(call.chat_id, []).append(call)
        if hold:
            self._held.set()
            return False, None
        if self.observer is not None:
            self.observer(call)
        if method in SHOWN and self._slow is not None:
            seconds, slow_chat = self._slow
            if slow_chat is None or slow_chat == call.chat_id:
                self._release.wait(seconds)
        return True, self._result(call)

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = _int(params.get("offset")) or 0
        wait = min(float(params.get("timeout") or 0), LONG_POLL_SECONDS)
        deadline = time.monotonic() + wait
        with self._lock:
            self.calls.append(Call("getUpdates", params))
            # As Telegram: an offset confirms (and forgets) every update below it.
            self._confirmed = max(self._confirmed, offset)
            self._updates = [u for u in self._updates if u["update_id"] >= self._confirmed]
            while not self._updates and not self._release.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)
            return list(self._updates[:100])

    def _result(self, call: Call) -> Any:
        method, params = call.method, call.params
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            chat_id = _int(params.get("chat_id")) or 0
            message_id = call.message_id or _int(params.get("message_id")) or 0
            return {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        return True  # deleteWebhook, setWebhook, answerCallbackQuery, anything else


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def _parse(content_type: str, body: bytes) -> tuple[dict[str, Any], frozenset[str]]:
    """The parameters as sent (PTB: form fields, JSON-encoded values; multipart with files; a
    JSON body works too) and the names of the uploaded files."""
    if not body:
        return {}, frozenset()
    if content_type.startswith("application/json"):
        parsed = json.loads(body)
        return (parsed if isinstance(parsed, dict) else {}), frozenset()
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        params: dict[str, Any] = {}
        files = set()
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(payload, bytes):
                continue
            if part.get_filename() is not None:
                files.add(name)
            else:
                params[name] = payload.decode()
        return params, frozenset(files)
    return dict(parse_qsl(body.decode(), keep_blank_values=True)), frozenset()


def _decoded(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters PTB JSON-encodes inside the form, decoded; everything else (text!) as sent."""
    return {
        key: json.loads(value) if key in _JSON_PARAMS and isinstance(value, str) else value
        for key, value in params.items()
    }


class _Handler(BaseHTTPRequestHandler):
    telegram: FakeTelegram
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the bot gave up on the call mid-request: nothing arrived
            self.close_connection = True
            return
        # /bot<token>/<method>
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        params, files = _parse(self.headers.get("Content-Type", ""), body)
        answered, result = self.telegram.answer(parts[1], params, files)
        if not answered:
            # Held: keep the connection open without a word, until released or given up.
            self.telegram._release.wait(HOLD_SECONDS)
            self.close_connection = True
            return
        if isinstance(result, Refusal):
            self._reply(result.status, result.body())
            return
        if isinstance(result, _TooMany):
            wait = result.retry_after
            refusal = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {wait}",
                "parameters": {"retry_after": wait},
            }
            self._reply(429, refusal)
            return
        self._reply(200, {"ok": True, "result": result})

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the bot was killed while it waited
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read self.calls
        return
