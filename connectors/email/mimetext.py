"""Turning the bytes of real-world mail into text.

Mail in the wild lies about its charset: Italian text labelled ISO-8859-1 holds
Windows-1252 quotes and euro signs, UTF-8 arrives with no label at all, and some
labels are names no codec knows. We decode strictly with the most likely codec
first and fall back in a fixed order, so an agent never sees mojibake where a
better reading existed, and a message is never refused for its charset.
"""

from __future__ import annotations

import codecs
import mimetypes
import re
import unicodedata
from email.header import Header, decode_header
from html.parser import HTMLParser
from typing import Any

# Labels that in practice mean "Windows-1252 or UTF-8, whatever the sender had":
# WHATWG treats latin-1 as cp1252 for the same reason.
_WESTERN = {
    "iso-8859-1",
    "iso8859-1",
    "latin-1",
    "latin1",
    "l1",
    "cp819",
    "windows-1252",
    "cp1252",
    "x-cp1252",
}
_UNLABELLED = {
    "",
    "us-ascii",
    "ascii",
    "unknown-8bit",
    "x-unknown",
    "unknown",
    "default",
    "x-user-defined",
    "8bit",
}


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode text whose declared ``charset`` may be missing, wrong or unknown."""
    label = (charset or "").strip().strip('"').lower()
    if label in _WESTERN:
        # UTF-8 first: senders label UTF-8 as latin-1 more often than the reverse,
        # and UTF-8 practically never decodes by accident.
        attempts = ["utf-8", "cp1252"]
    elif label in _UNLABELLED:
        attempts = ["utf-8", "cp1252"]
    else:
        attempts = [label, "utf-8", "cp1252"]
    for name in attempts:
        try:
            codecs.lookup(name)
            return data.decode(name)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    # Latin-1 maps every byte: the last resort loses nothing.
    return data.decode("latin-1")


def header_text(value: Any) -> str:
    """A header's text with RFC 2047 words decoded and raw 8-bit bytes read as UTF-8."""
    if value is None:
        return ""
    try:
        chunks = decode_header(value if isinstance(value, Header) else str(value))
    except (ValueError, LookupError, AssertionError):
        chunks = [(str(value), None)]
    parts: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            parts.append(decode_bytes(chunk, charset))
        else:
            parts.append(_unsmuggle(chunk))
    return " ".join("".join(parts).split())


def _unsmuggle(text: str) -> str:
    """Recover raw 8-bit header bytes the parser kept as surrogate escapes."""
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        return decode_bytes(text.encode("ascii", "surrogateescape"))
    return text


_UNSAFE = re.compile(r'[\\/:*?"<>|]')
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}
MAX_FILENAME = 180


def safe_filename(name: str | None, content_type: str = "application/octet-stream") -> str:
    """A file name safe to save on any desktop: no folders, no traversal, no controls."""
    text = unicodedata.normalize("NFC", name or "")
    # Keep only the last path component, whichever separator the sender's system used.
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    text = _UNSAFE.sub("_", text)
    text = " ".join(text.split()).strip(" .")
    if not text or set(text) <= {"."}:
        ext = mimetypes.guess_extension(content_type.split(";")[0].strip().lower()) or ".bin"
        text = "attachment" + ext
    stem, dot, ext = text.rpartition(".")
    if dot and stem.lower() in _RESERVED or not dot and text.lower() in _RESERVED:
        text = "_" + text
    if len(text) > MAX_FILENAME:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            text = stem[: MAX_FILENAME - len(ext) - 1] + "." + ext
        else:
            text = text[:MAX_FILENAME]
    return text


class _TextFromHtml(HTMLParser):
    _BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "table",
        "pre",
        "hr",
    }
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML-only message, so search and previews have words."""
    parser = _TextFromHtml()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        return re.sub(r"<[^>]*>", " ", html)
    lines = (" ".join(line.split()) for line in "".join(parser.out).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
