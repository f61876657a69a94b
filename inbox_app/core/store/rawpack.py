"""The raw copy of a message (``message_raw.data``): packed with zstd, read either way.

The raw copy is there to parse a message again or export it, rarely read. zlib at
level 1 packed it before; on an email import that was half of the store's time (the
bytes are mostly base64 photos and HTML). zstd at level 1 packs the same mail about ten
times faster and a tenth smaller. Copies stored earlier stay zlib: a zstd frame begins
with its magic number, which no zlib stream begins with (their first byte is 0x78 for
every window size zlib writes), so the reader tells them apart by the first four bytes.
"""

from __future__ import annotations

import threading
import zlib

import zstandard

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_local = threading.local()  # zstd (de)compressors are not to be shared between threads


def pack(raw: bytes) -> bytes:
    coder = getattr(_local, "packer", None)
    if coder is None:
        coder = _local.packer = zstandard.ZstdCompressor(level=1)
    return coder.compress(raw)


def unpack(data: bytes) -> bytes:
    data = bytes(data)
    if data[:4] == ZSTD_MAGIC:
        return zstandard.ZstdDecompressor().decompress(data)
    return zlib.decompress(data)
