"""Files an agent sends with a reply: read from disk, named and typed, within one size.

The GUI's Attach button and ``inbox-app reply --attach`` both read files here, so a
file that cannot be read, or files too large for any mail or chat server to take,
are refused in the same words before anything is queued.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from connectors.base import AttachmentData, size_words
from inbox_app.core.outbox.rules import MAX_REPLY_FILES, files_too_large

__all__ = ["MAX_REPLY_FILES", "ReplyFileError", "content_type_of", "read_files", "size_words"]


class ReplyFileError(Exception):
    """A file cannot go with the reply; the message says which and why."""


def content_type_of(path: str | Path) -> str:
    """The MIME type a file is sent as, from its name (as mail programs do)."""
    import mimetypes

    return mimetypes.guess_type(Path(path).name)[0] or "application/octet-stream"


def read_files(paths: Iterable[str | Path]) -> tuple[AttachmentData, ...]:
    """The files at ``paths`` as attachments, in order; ReplyFileError says what is wrong."""
    out = []
    total = 0
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.is_file():
            raise ReplyFileError(f"no file at {path}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ReplyFileError(f"cannot read {path}: {exc.strerror or exc}")
        total += len(data)
        refusal = files_too_large(total)
        if refusal is not None:
            raise ReplyFileError(refusal.words())
        out.append(AttachmentData(filename=path.name, content_type=content_type_of(path), data=data))
    return tuple(out)
