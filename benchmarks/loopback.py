"""``--loopback``: an echo bot answering a 100-update burst over real HTTP, to choose PTB settings.

A fake Bot API (stdlib ThreadingHTTPServer on 127.0.0.1, in a child process so its CPU is not
counted) serves getUpdates and sendMessage. The bot polls it with PTB's own Updater and
HTTPXRequest, so the CPU measured is the real path: parsing the burst, the update processor
(``concurrent_updates`` on or off), the handler, httpx's connection pool and sockets.

Each configuration answers two commands: the first opens the connections (cold), the second
reuses them (warm, the steady state of a busy bot).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import parse_qs

from echo import echo
from measure import median
from offline import TOKEN, UpdateJson
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from handlers.telegram.offline import OfflineBotApi

BURST = 100
WARM_BURSTS = 5  # after the first; their median is reported
MAX_BODY = 1 << 20  # bounded: no request body over 1 MiB
LIFETIME_S = 300.0  # bounded: the server stops by itself after this long
POLL_WAIT_S = 1.0  # bounded: getUpdates waits at most this long for a burst
CONFIGURATIONS = (  # (concurrent_updates, connection_pool_size; None = PTB's default, 256)
    (False, None),
    (True, None),
    (False, 1024),
    (True, 1024),
    (True, 8),
)


class FakeBotApiServer(ThreadingHTTPServer):
    """Answers like api.telegram.org; updates stay pending until a getUpdates offset confirms them.

    Keeping them until confirmed (as Telegram does) matters: a long poll cancelled by a stopping
    updater must not swallow the next burst.
    """

    daemon_threads = True
    request_queue_size = 256

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FakeBotApiHandler)
        self.build = UpdateJson()
        self.telegram = OfflineBotApi()  # Telegram's answers, as the offline benchmark gets them
        self.pending: list[dict[str, Any]] = []
        self.changed = threading.Condition()

    def command(self, command: tuple[str, int]) -> None:
        """From the parent: ("burst", n) queues n updates; ("reset", 0) drops what is pending."""
        kind, size = command
        with self.changed:
            if kind == "reset":
                self.pending.clear()
            else:
                self.pending += [self.build.text(500_000 + n, f"halo {n}") for n in range(size)]
            self.changed.notify_all()

    def answer(self, method: str, params: dict[str, str]) -> Any:
        if method == "getUpdates":
            return self.get_updates(int(params.get("offset", 0)), float(params.get("timeout", 0)))
        with self.changed:  # message ids are counted across the server's threads
            return self.telegram.result(method, params)

    def get_updates(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        """Long poll: confirm what is below ``offset``, wait (bounded) for something new."""
        with self.changed:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
            if not self.pending:
                self.changed.wait(min(timeout, POLL_WAIT_S))
            return list(self.pending)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone mid-answer (a cancelled long poll) is normal here."""
        return None


class FakeBotApiHandler(BaseHTTPRequestHandler):
    """POST /bot<token>/<method> with form-encoded parameters, as HTTPXRequest sends them."""

    protocol_version = "HTTP/1.1"  # keep-alive, like Telegram
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server: FakeBotApiServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_error(413)
            return
        form = parse_qs(self.rfile.read(length).decode())
        params = {key: values[0] for key, values in form.items()}
        result = self.server.answer(self.path.rsplit("/", 1)[-1], params)
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


def serve(port: Connection, commands: Any) -> None:
    """The child process: serve until LIFETIME_S has passed or the parent ends it."""
    server = FakeBotApiServer()
    port.send(server.server_address[1])
    threading.Timer(LIFETIME_S, server.shutdown).start()
    threading.Thread(target=relay, args=(commands, server), daemon=True).start()
    server.serve_forever()


def relay(commands: Any, server: FakeBotApiServer) -> None:
    """Pass the parent's commands to the server."""
    while True:
        server.command(commands.get())


@dataclass(frozen=True)
class BurstResult:
    """CPU milliseconds per update of the bot process: first burst, median of the warm ones."""

    concurrent: bool
    pool: int | None
    cold_ms: float
    warm_ms: float

    @property
    def label(self) -> str:
        pool = "default(256)" if self.pool is None else str(self.pool)
        return f"concurrent_updates={self.concurrent},pool={pool}"


class Counting:
    """The echo handler, counting answered updates and waking the waiter at a target."""

    def __init__(self) -> None:
        self.handled = 0
        self.target = 0
        self.reached = asyncio.Event()

    async def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await echo(update, context)
        self.handled += 1
        if self.handled >= self.target:
            self.reached.set()

    def expect(self, more: int) -> None:
        self.target += more
        self.reached.clear()


async def bursts_cpu(url: str, commands: Any, concurrent: bool, pool: int | None) -> BurstResult:
    """Bursts through a fresh echo bot polling the fake API."""
    builder = ApplicationBuilder().token(TOKEN).base_url(url).concurrent_updates(concurrent)
    if pool is not None:
        builder = builder.connection_pool_size(pool)
    app = builder.build()
    commands.put(("reset", 0))
    counting = Counting()
    app.add_handler(MessageHandler(filters.TEXT, counting))
    per_update = []
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=int(POLL_WAIT_S))
        for _ in range(1 + WARM_BURSTS):
            counting.expect(BURST)
            start = time.process_time()
            commands.put(("burst", BURST))
            await asyncio.wait_for(counting.reached.wait(), timeout=60)
            per_update.append((time.process_time() - start) / BURST * 1000)
        await app.updater.stop()
        await app.stop()
    return BurstResult(concurrent, pool, per_update[0], median(per_update[1:]))


async def run_loopback() -> list[BurstResult]:
    """Every configuration against one fake Bot API process, ended when done."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    commands = context.Queue()
    server = context.Process(target=serve, args=(send, commands), daemon=True)
    server.start()
    try:
        if not await asyncio.to_thread(receive.poll, 30):
            raise RuntimeError("the fake Bot API did not start")
        port = receive.recv()
        url = f"http://127.0.0.1:{port}/bot"
        return [await bursts_cpu(url, commands, c, p) for c, p in CONFIGURATIONS]
    finally:
        server.terminate()
        server.join(timeout=5)
