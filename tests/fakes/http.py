"""What the HTTP imitations share: a threaded server on 127.0.0.1 (HTTP or HTTPS) and fault queues.

An imitation supplies ``handle(method, target, headers, body)`` answering ``(status, json or None,
headers)``, or None to close the connection unanswered (a lost acknowledgement: the work is done,
the answer never comes).
"""

from __future__ import annotations

import json
import ssl
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

Answer = tuple[int, Any, dict[str, str]]
Handle = Callable[[str, str, dict[str, str], bytes], Answer | None]


@dataclass
class Failure:
    """One injected failure: answer ``status`` (or drop the connection) for matching requests."""

    status: int
    headers: dict[str, str]
    method: str | None  # None: any method
    path: str | None  # a path prefix; None: any path
    remaining: int | None  # how many matching requests fail; None: every one until cleared
    skip: int  # how many matching requests pass first
    processed: bool  # carry the request out before failing the answer
    drop: bool = False  # close the connection instead of answering
    body: Any = None  # the error body; None: the imitation's usual one


class Failures:
    """Injected failures, the first match wins. Not thread-safe: call under the imitation's lock."""

    def __init__(self) -> None:
        self._items: list[Failure] = []

    def add(self, failure: Failure) -> None:
        self._items.append(failure)

    def clear(self) -> None:
        self._items.clear()

    def take(self, method: str, path: str) -> Failure | None:
        """The failure this request meets, if any (counting it down)."""
        for failure in self._items:
            if failure.method not in (None, method):
                continue
            if failure.path is not None and not path.startswith(failure.path):
                continue
            if failure.skip > 0:
                failure.skip -= 1
                return None
            if failure.remaining is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._items.remove(failure)
            return failure
        return None


class Startable:
    """An imitation a test starts and stops, or uses as ``with Fake(...) as fake:``.

    A subclass supplies ``start`` (answering itself) and ``stop``.
    """

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def server_tls(prefix: str) -> tuple[ssl.SSLContext, tempfile.TemporaryDirectory[str], Path]:
    """A server context for ``127.0.0.1``/``localhost`` signed by a fresh ``trustme`` CA.

    Also the temporary directory holding the CA's PEM file (the caller cleans it up) and that
    file, which a client trusts.
    """
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    tmp = tempfile.TemporaryDirectory(prefix=prefix)
    ca_file = Path(tmp.name) / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)
    return context, tmp, ca_file


class ThreadedServer:
    """A ``ThreadingHTTPServer`` served from a daemon thread, stopped with the CA directory."""

    def __init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def _serve(self, server: ThreadingHTTPServer, name: str, poll_interval: float) -> None:
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, args=(poll_interval,), name=name, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


class LocalServer(ThreadedServer):
    """``handle`` served on ``127.0.0.1:<free port>``; with ``tls`` behind a throwaway CA."""

    def __init__(
        self, handle: Handle, name: str, *, tls: bool = False, always: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.handle = handle
        self.name = name
        self.tls = tls
        self.always = dict(always or {})
        self.ca_file: Path | None = None

    def start(self) -> None:
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), handler_for(self.handle, self.name, self.always)
        )
        server.daemon_threads = True
        default_error = server.handle_error

        def handle_error(request: Any, client_address: Any) -> None:
            # A client killed mid-answer (the soak SIGKILLs workers) is no fault of the server.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                default_error(request, client_address)

        server.handle_error = handle_error  # type: ignore[method-assign]
        if self.tls:
            context, self._tmp, self.ca_file = server_tls(f"{self.name.lower()}-")
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self._serve(server, self.name, 0.01)

    @property
    def origin(self) -> str:
        assert self._server is not None, f"{self.name} is not started"
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host!s}:{port}"


def handler_for(
    handle: Handle, server_version: str, always: dict[str, str] | None = None
) -> type[BaseHTTPRequestHandler]:
    """A keep-alive HTTP/1.1 handler answering JSON (or nothing) from ``handle``.

    ``always`` are headers every answer carries (a request id, say).
    """
    fixed = dict(always or {})

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = handle(self.command, self.path, headers, body)
            if answer is None:  # a lost acknowledgement: the work is done, the answer never comes
                self.close_connection = True
                return
            status, payload, extra = answer
            self.send_response(status)
            for name, value in {**fixed, **extra}.items():
                self.send_header(name, value)
            if status == 204 or payload is None:
                if status != 204:  # a 204 carries no Content-Length
                    self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = json.dumps(payload).encode()
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815

    Handler.server_version = server_version
    return Handler
