"""What a reply must be to go: decided here, once, and said as a code with its figures.

The outbox refuses a reply by these checks when it is queued; the composer runs the same
checks as the agent types, to say what is wrong before Send. Each side words a
:class:`Refusal` its own way: :meth:`Refusal.words` is the English of the command line and
the log, the window translates the code and the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from connectors.base import Capabilities, size_words

#: The files of one reply together: mail servers commonly refuse messages over 25 MB
#: (and base64 makes a file a third larger on the wire), chat servers allow 50-100 MB.
MAX_REPLY_FILES = 18 * 1024 * 1024


class Refused(StrEnum):
    EMPTY = "empty"  # no words and no files
    FILES_TOO_LARGE = "files_too_large"  # length: the files' bytes, limit: MAX_REPLY_FILES
    NO_FILES = "no_files"  # the channel carries no files at all
    TOO_MANY_FILES = "too_many_files"  # length: how many, limit: the channel's most
    FILE_KINDS = "file_kinds"  # names: the files of other kinds, kinds: what the channel takes
    TOO_LONG = "too_long"  # length and limit in ``unit`` (characters or bytes)
    UNREACHABLE = "unreachable"  # kinds: the identity the account needs and the customer lacks


@dataclass(frozen=True)
class Refusal:
    code: Refused
    account: str = ""
    limit: int = 0
    length: int = 0
    unit: str = ""
    names: tuple[str, ...] = ()
    kinds: str = ""

    def words(self) -> str:
        """The refusal in English, as the command line prints it."""
        account = self.account
        match self.code:
            case Refused.EMPTY:
                return "the reply is empty"
            case Refused.FILES_TOO_LARGE:
                return (
                    f"the files come to {size_words(self.length)}; a reply carries at most "
                    f"{size_words(self.limit)} (send a link to larger files instead)"
                )
            case Refused.NO_FILES:
                return (
                    f"{account} cannot carry files; send them through another of the customer's "
                    "channels, or add them to an internal note"
                )
            case Refused.TOO_MANY_FILES:
                return f"{account} takes at most {self.limit} files in one reply"
            case Refused.FILE_KINDS:
                return f"{account} takes only these kinds of file: {self.kinds} (not {', '.join(self.names)})"
            case Refused.TOO_LONG:
                return f"the reply has {self.length} {self.unit}; {account} allows {self.limit}"
            case Refused.UNREACHABLE:
                return f"the customer has no {self.kinds} identity, so {account} cannot reach them"


class NamedFile(Protocol):
    """A file chosen for a reply, as far as the rules look at it."""

    @property
    def filename(self) -> str: ...

    @property
    def content_type(self) -> str: ...


def files_too_large(total: int) -> Refusal | None:
    """Refused when files of ``total`` bytes together are more than one reply carries."""
    if total <= MAX_REPLY_FILES:
        return None
    return Refusal(Refused.FILES_TOO_LARGE, limit=MAX_REPLY_FILES, length=total)


def check_reply(text: str, files: int, total_size: int) -> Refusal | None:
    """What any reply or note needs, whatever carries it: words or files, within one size."""
    if not text.strip() and not files:
        return Refusal(Refused.EMPTY)
    return files_too_large(total_size) if files else None


def check_for_channel(
    text: str, files: Sequence[NamedFile], caps: Capabilities, account: str
) -> Refusal | None:
    """What the channel of ``account`` refuses of this reply: its files, then its length."""
    if files and not caps.attachments:
        return Refusal(Refused.NO_FILES, account)
    if files and caps.max_attachments is not None and len(files) > caps.max_attachments:
        return Refusal(Refused.TOO_MANY_FILES, account, limit=caps.max_attachments, length=len(files))
    unfit = tuple(f.filename for f in files if not caps.takes_file(f.content_type))
    if unfit:
        return Refusal(Refused.FILE_KINDS, account, names=unfit, kinds=caps.attachment_kinds())
    return too_long(text, caps, account)


def too_long(text: str, caps: Capabilities, account: str) -> Refusal | None:
    """Refused when the channel takes no text this long (and does not split it)."""
    length = caps.length_of(text)
    if not caps.max_length or length <= caps.max_length or caps.split_long:
        return None
    return Refusal(Refused.TOO_LONG, account, limit=caps.max_length, length=length, unit=caps.length_unit)
