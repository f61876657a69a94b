"""What the HTTP emulators of cloud APIs share: a threaded server on a free loopback port
and a request handler that reads a body and writes an answer. Each emulator keeps only
its API: routes, state and faults."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, TypeVar


@dataclass(frozen=True)
class Upload:
    """A file in a multipart/form-data request."""

    filename: str
    content_type: str
    data: bytes


def form_fields(content_type: str, body: bytes) -> dict[str, Any]:
    """The fields of a multipart/form-data body (RFC 7578): text as str, files as Upload."""
    message = BytesParser(policy=policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            fields[name] = Upload(filename, part.get_content_type(), data)
        elif name.endswith("[]"):  # Rails-style arrays, as Mastodon reads them
            fields.setdefault(name[:-2], []).append(data.decode("utf-8"))
        else:
            fields[name] = data.decode("utf-8")
    return fields


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # a sync opens several connections at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that stops reading (a file it decided is too big, a cancelled long
        # poll) is normal, not a failure.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    """Base of an emulator's handler; ``emulator`` is set on the class each server uses."""

    emulator: Any
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else every answer waits ~40 ms for a delayed ACK

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def read_body(self) -> tuple[bytes, str]:
        """The request's body and its content type (without parameters)."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        return body, (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def answer(self, status: int, data: bytes, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def answer_json(self, status: int, value: Any, headers: Mapping[str, str]) -> None:
        self.answer(status, json.dumps(value).encode(), headers)


class LoopbackEmulator:
    """Start, stop and the address of an emulator served from a thread on 127.0.0.1;
    an emulator's ``start`` calls :meth:`serve` with its handler class."""

    thread_name = "emulator"
    _server: QuietServer | None = None

    def serve(self, handler_class: type[Handler]) -> str:
        handler = type(f"{type(self).__name__}Handler", (handler_class,), {"emulator": self})
        server = self._server = QuietServer(("127.0.0.1", 0), handler)
        # A short poll keeps stop() quick: shutdown() waits for serve_forever to look up.
        threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.05), name=self.thread_name, daemon=True
        ).start()
        return self.base_url

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _Counted(Protocol):
    times: int  # how many calls it fails
    skip: int  # how many calls succeed first


F = TypeVar("F", bound=_Counted)


def next_fault(queue: list[F]) -> F | None:
    """The fault this call meets, if any, from a route's queue of planned faults: each
    lets ``skip`` calls through, then fails ``times`` calls and leaves the queue."""
    for fault in queue:
        if fault.skip > 0:
            fault.skip -= 1
            return None
        fault.times -= 1
        if fault.times <= 0:
            queue.remove(fault)
        return fault
    return None
