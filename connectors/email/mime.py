"""Reading the MIME structure of a message quickly.

The standard library's feed parser looks at every line of a message, so a
mailbox full of attached photos costs mostly base64 lines that we only need to
decode in one piece. Here the header blocks are parsed by the standard library
and the bodies are cut at their boundaries with byte searches; the result is the
same ``compat32`` Message tree the feed parser would build. Anything unusual
(a missing closing boundary, lines that are not headers, delivery reports) is
handed to the full feed parser, so speed never costs correctness.
"""

from __future__ import annotations

import re
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser

_FULL = BytesParser(policy=policy.compat32)
_HEADERS = BytesHeaderParser(policy=policy.compat32)
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_MAX_DEPTH = 30


class _Unusual(Exception):
    """Leave this message to the full parser."""


def read_message(raw: bytes) -> Message:
    try:
        return _read(raw, 0)
    except _Unusual:
        return _FULL.parsebytes(raw)


def _split(raw: bytes) -> tuple[bytes, bytes]:
    if raw.startswith((b"\r\n", b"\n")):
        raise _Unusual  # no headers at all: let the full parser describe it
    match = _BLANK_LINE.search(raw)
    if match is None:
        return raw, b""
    # Keep the header block's own final line break, as the feed parser does.
    head_end = match.start() + (2 if raw[match.start() : match.start() + 2] == b"\r\n" else 1)
    return raw[:head_end], raw[match.end() :]


def _read(raw: bytes, depth: int) -> Message:
    if depth > _MAX_DEPTH:
        raise _Unusual
    head, body = _split(raw)
    msg = _HEADERS.parsebytes(head)
    leftover = msg.get_payload()
    if leftover or msg.defects:
        raise _Unusual  # a line in the header block that is not a header
    ctype = msg.get_content_type()
    maintype = msg.get_content_maintype()
    if maintype == "multipart":
        if ctype == "multipart/report":
            raise _Unusual  # delivery reports need the feed parser's per-block headers
        boundary = msg.get_boundary()
        if not boundary:
            raise _Unusual
        msg.set_payload([_read(part, depth + 1) for part in _parts(body, boundary)])
    elif ctype == "message/rfc822":
        msg.set_payload([_read(body, depth + 1)])
    elif maintype == "message":
        raise _Unusual
    else:
        msg.set_payload(body.decode("ascii", "surrogateescape"))
    return msg


def _parts(body: bytes, boundary: str) -> list[bytes]:
    """The parts between ``--boundary`` lines, up to the closing ``--boundary--``."""
    marker = b"--" + boundary.encode("ascii", "surrogateescape")
    parts: list[bytes] = []
    start: int | None = None
    position = 0
    while True:
        found = body.find(marker, position)
        if found < 0:
            raise _Unusual  # no closing boundary: a truncated or broken message
        position = found + len(marker)
        # A delimiter starts a line; the line break before it belongs to the delimiter.
        if found == 0:
            cut = 0
        elif body[found - 1 : found] == b"\n":
            cut = found - 2 if body[found - 2 : found] == b"\r\n" else found - 1
        else:
            continue
        closing = body[position : position + 2] == b"--"
        rest = position + 2 if closing else position
        end_of_line = body.find(b"\n", rest)
        tail = body[rest:] if end_of_line < 0 else body[rest:end_of_line]
        if tail.rstrip(b"\r \t"):
            continue  # "--boundaryX": a longer string that merely starts like ours
        if start is not None:
            parts.append(body[start:cut])
        if closing:
            return parts
        if end_of_line < 0:
            raise _Unusual
        start = end_of_line + 1
