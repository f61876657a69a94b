"""Message text packed small: zstd with a dictionary trained on the store's own mail.

A service desk's messages are short and alike: greetings, signatures, quoted
headers, the same questions. A general compressor barely shrinks a 300-byte
message (it has nothing to refer back to); with a dictionary trained on the
store's own earlier messages it does, to a fraction of the text. The text is the
largest part of a store, so this is where its size is won (SQLite only:
PostgreSQL compresses large values itself and keeps text as text). zstd is used
because it was built for exactly this case (small records, trained dictionaries)
and packs a message in ~3 us and unpacks it in ~1 us.

A packed value is bytes, and says how it was packed in its first byte:

- ``0``: UTF-8 as it is (short texts, or when packing would not save anything);
- ``1``: zstd without a dictionary;
- ``2``: the dictionary's 4-byte id, then zstd with that dictionary.

Dictionaries are never changed once written, so any message stays readable for as
long as the store exists. They live in the ``text_dictionaries`` table and, once
read, in a registry shared by the whole process, keyed by their id.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
from collections.abc import Callable, Iterable

import zstandard

logger = logging.getLogger(__name__)

PLAIN, ZSTD, WITH_DICT = 0, 1, 2
#: Texts shorter than this are kept as they are: packing cannot win on them.
MIN_PACK = 48
DICT_SIZE = 64 * 1024
#: A store trains its dictionary once it holds this many messages, from a sample this large.
TRAIN_AFTER = 2000
_FORMAT = zstandard.FORMAT_ZSTD1_MAGICLESS
_PARAMS = zstandard.ZstdCompressionParameters.from_level(
    3, format=_FORMAT, write_checksum=False, write_dict_id=False
)

_dicts: dict[int, zstandard.ZstdCompressionDict] = {}
_loaders: dict[str, Callable[[], Iterable[bytes]]] = {}
_lock = threading.Lock()
# zstd (de)compressor objects must not be shared between threads: one set per thread.
_local = threading.local()


class UnknownDictionary(Exception):
    """A packed text names a dictionary that no store opened in this process holds."""


def register(data: bytes) -> int:
    """Make a dictionary known to this process; returns its id."""
    d = zstandard.ZstdCompressionDict(data)
    key = int(d.dict_id())
    with _lock:
        _dicts.setdefault(key, d)
    return key


def is_registered(key: int) -> bool:
    return key in _dicts


def add_sqlite_source(path: str) -> None:
    """Where to look for a dictionary this process has not seen yet: another process
    (the sync worker) may have trained one after this process opened the store."""

    def load() -> list[bytes]:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as conn:
            try:
                return [bytes(r[0]) for r in conn.execute("SELECT data FROM text_dictionaries")]
            except sqlite3.OperationalError:
                return []

    with _lock:
        _loaders[path] = load


#: Texts packed last in this thread, by their packed bytes (see ``pack``).
_RECENT_MAX = 2048


def _recent() -> dict[bytes, str]:
    cache: dict[bytes, str] | None = getattr(_local, "recent", None)
    if cache is None:
        cache = _local.recent = {}
    return cache


def _coders() -> dict[int | None, tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]]:
    cache = getattr(_local, "coders", None)
    if cache is None:
        cache = _local.coders = {}
    return cache


def _coder(key: int | None) -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    cache = _coders()
    pair = cache.get(key)
    if pair is None:
        d = None
        if key is not None:
            d = _dicts.get(key)
            if d is None:
                d = _load_missing(key)
        pair = (
            zstandard.ZstdCompressor(dict_data=d, compression_params=_PARAMS),
            zstandard.ZstdDecompressor(dict_data=d, format=_FORMAT),
        )
        cache[key] = pair
    return pair


def pack(text: str, dictionary: int | None = None) -> bytes:
    """``text`` packed, with the registered dictionary ``dictionary`` if given."""
    raw = text.encode("utf-8")
    if len(raw) < MIN_PACK:
        return b"\x00" + raw
    body = _coder(dictionary)[0].compress(raw)
    packed = b"\x01" + body if dictionary is None else b"\x02" + dictionary.to_bytes(4, "big") + body
    if len(packed) > len(raw):
        return b"\x00" + raw
    # The search index's insert trigger asks for this text back at once (inbox_unpack):
    # answer from here instead of unpacking what was just packed.
    recent = _recent()
    if len(recent) >= _RECENT_MAX:
        recent.clear()
    recent[packed] = text
    return packed


def unpack(value: bytes | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value  # written before packing, or by a tool that bypassed it
    if not value:
        return ""
    kind = value[0]
    if kind != PLAIN:
        text = _recent().pop(bytes(value), None)
        if text is not None:
            return text
    if kind == PLAIN:
        return bytes(value[1:]).decode("utf-8")
    if kind == ZSTD:
        return _coder(None)[1].decompress(value[1:]).decode("utf-8")
    if kind == WITH_DICT:
        key = int.from_bytes(value[1:5], "big")
        return _coder(key)[1].decompress(value[5:]).decode("utf-8")
    raise ValueError(f"packed text of unknown kind {kind}")


def _load_missing(key: int) -> zstandard.ZstdCompressionDict:
    with _lock:
        loaders = list(_loaders.values())
    for load in loaders:
        try:
            for data in load():
                register(data)
        except sqlite3.Error as exc:  # a store that went away: try the others
            logger.debug("could not read text dictionaries: %s", exc)
    d = _dicts.get(key)
    if d is None:
        raise UnknownDictionary(f"text dictionary {key:#010x} is not in any open store")
    return d


def train(samples: list[str], seed: int = 0) -> bytes | None:
    """A dictionary from sample messages (zstd's own trainer), or None if too few."""
    data: list[bytes | bytearray | memoryview] = [s.encode("utf-8") for s in samples if len(s) >= MIN_PACK]
    if len(data) < 100:
        return None
    random.Random(seed).shuffle(data)
    try:
        return bytes(zstandard.train_dictionary(DICT_SIZE, data).as_bytes())
    except zstandard.ZstdError as exc:  # samples too alike or too small to learn from
        logger.info("no text dictionary trained: %s", exc)
        return None
