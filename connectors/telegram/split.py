"""Cutting a long reply into messages Telegram accepts.

Telegram refuses texts over 4,096 characters, counted in UTF-16 code units
(an emoji counts twice). A reply is cut where a reader would pause: between
paragraphs, else between lines, else between words, and only as a last resort
inside a word (never inside a surrogate pair).
"""

from __future__ import annotations

from collections.abc import Callable

LIMIT = 4096
_SEPARATORS = ("\n\n", "\n", " ")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Parts of at most ``limit`` UTF-16 units; whitespace at the cuts is dropped."""
    if utf16_len(text) <= limit:
        return [text]
    return [part for part in _split(text, limit, 0) if part.strip()]


def _split(text: str, limit: int, level: int) -> list[str]:
    if level == len(_SEPARATORS):
        return _hard_cut(text, limit)
    finer: Callable[[str], list[str]] = lambda piece: _split(piece, limit, level + 1)  # noqa: E731
    return _pack(text.split(_SEPARATORS[level]), _SEPARATORS[level], limit, finer)


def _pack(pieces: list[str], sep: str, limit: int, finer: Callable[[str], list[str]]) -> list[str]:
    """Greedily join ``pieces`` with ``sep`` into chunks that fit."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    sep_size = utf16_len(sep)
    for piece in pieces:
        piece_size = utf16_len(piece)
        if piece_size > limit:
            if current:
                chunks.append(sep.join(current))
                current, size = [], 0
            chunks.extend(finer(piece))
            continue
        grown = piece_size if not current else size + sep_size + piece_size
        if grown <= limit:
            current.append(piece)
            size = grown
        else:
            chunks.append(sep.join(current))
            current, size = [piece], piece_size
    if current:
        chunks.append(sep.join(current))
    return chunks


def _hard_cut(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if size + width > limit:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        chunks.append("".join(current))
    return chunks
