"""An HTTP server of a fake (Bot API, Cloud API) on a free port of 127.0.0.1, serving in a
background thread until closed: every wait bounded, so nothing outlives the test."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOST = "127.0.0.1"


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-request (a bot process stopping, a long poll cut short) is
    not the fake's error: no traceback on stderr for it."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class LocalServer:
    """Serves ``handler`` from construction until ``close``."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = _QuietServer((HOST, 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{HOST}:{self._server.server_address[1]}"

    def close(self) -> None:
        """Stop serving, close the port, wait (bounded) for the thread."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
