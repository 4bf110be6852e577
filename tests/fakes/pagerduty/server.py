"""The PagerDuty imitation's HTTPS server: ``127.0.0.1`` (port 0) behind a throw-away ``trustme``
CA, so the real ``pagerduty`` client (which refuses ``http://``) talks to it unchanged.

Unlike ``tests.fakes.http.LocalServer`` it handshakes in each connection's own thread (a client
that never finishes its handshake holds only its own thread), gives up on a connection idle for
5 s, answers every request with a JSON body and a fresh ``X-Request-Id``, and ignores the body
of a request.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.fakes.http import ThreadedServer, server_tls
from tests.fakes.pagerduty.model import Answer

__all__ = ["Respond", "TlsServer"]

#: (method, target, lower-cased headers) -> (status, extra headers, JSON body)
Respond = Callable[[str, str, dict[str, str]], Answer]


class TlsServer(ThreadedServer):
    """``respond`` served on ``https://127.0.0.1:<free port>``."""

    def __init__(self, respond: Respond, name: str) -> None:
        super().__init__()
        self.respond = respond
        self.name = name
        self._base_url: str | None = None
        self._ca_file: Path | None = None

    def start(self) -> None:
        if self._server is not None:
            return
        context, self._tmp, self._ca_file = server_tls("fake-pagerduty-")
        handler = type(f"{self.name}Handler", (_Handler,), {"respond": staticmethod(self.respond)})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        # handshake lazily in the connection's own thread (see _Handler.setup)
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
        self._base_url = f"https://127.0.0.1:{server.server_address[1]}"
        self._serve(server, self.name, 0.05)

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError(f"{self.name} is not started")
        return self._base_url

    @property
    def ca_file(self) -> Path:
        if self._ca_file is None:
            raise RuntimeError(f"{self.name} is not started")
        return self._ca_file


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5
    respond: Respond

    def setup(self) -> None:
        self.request.settimeout(self.timeout)
        # headers and body go out in separate writes: without this, Nagle + delayed ACK add 40 ms
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request.do_handshake()
        super().setup()

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, extra, body = self.respond(self.command, self.path, headers)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Request-Id", uuid.uuid4().hex)
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return
