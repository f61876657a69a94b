"""Message bodies made safe to show: sanitized HTML, remote images held back, quotes folded.

Qt-free on purpose: it is pure text work, tested without a window.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3

ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "font": {"color"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "table": {"border", "cellpadding", "cellspacing"},
}
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r'\ssrc="([^"]*)"', re.IGNORECASE)
_QUOTE_HEADER = re.compile(
    r"^(On .{3,200} wrote:|Il .{3,200} ha scritto:|-----\s*Original Message\s*-----|"
    r"-----\s*Messaggio originale\s*-----|From: .+|Da: .+)\s*$",
    re.IGNORECASE,
)


def sanitize(raw: str) -> str:
    """Only harmless markup survives: no scripts, styles, forms, frames or event handlers."""
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer",
    )


def remote_images(clean: str) -> list[str]:
    return [
        m.group(1)
        for tag in _IMG.findall(clean)
        for m in [_SRC.search(tag)]
        if m and m.group(1).lower().startswith(("http://", "https://"))
    ]


def block_remote_images(clean: str, placeholder: str) -> str:
    """Replace every remote image with a short note: no tracking pixel ever loads by itself."""

    def repl(match: re.Match[str]) -> str:
        src = _SRC.search(match.group(0))
        if src and src.group(1).lower().startswith(("http://", "https://")):
            return f"<span>[{html_lib.escape(placeholder)}]</span>"
        return match.group(0)

    return _IMG.sub(repl, clean)


def split_quoted_html(clean: str) -> tuple[str, str]:
    """The new part of an HTML message and its quoted history (from the first blockquote)."""
    at = clean.lower().find("<blockquote")
    if at <= 0:
        return clean, ""
    return clean[:at], clean[at:]


def split_quoted_text(text: str) -> tuple[str, str]:
    """The new part of a plain message and the quoted history below it."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if i > 0 and (stripped.startswith(">") or _QUOTE_HEADER.match(stripped)):
            return "\n".join(lines[:i]).rstrip(), "\n".join(lines[i:])
    return text, ""


def text_to_html(text: str) -> str:
    escaped = html_lib.escape(text)
    linked = re.sub(r"(https?://[^\s<>&]+)", r'<a href="\1">\1</a>', escaped)
    return linked.replace("\n", "<br>")


def safe_filename(name: str) -> str:
    """A file name that cannot climb out of the chosen folder or hide its type."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", base).strip(" .")
    return base[:200] or "attachment"
