"""Reading a big import's messages in a second process.

Parsing mail is pure Python, and so is most of what the store does with it; in
one process they take turns on one core however many threads run them. For a
big import (a first sync, a back-fill) the messages are therefore parsed in one
helper process while this process downloads and stores, so a desktop's second
core does half the work. Small fetches (the new mail that push announces) are
parsed right here: starting a process would cost more than it saves.

The helper is a plain Python child (``serve`` below) talking
length-prefixed pickles over its stdin/stdout: unlike multiprocessing's spawn it
never runs the parent's main script again, and nothing of the parent (Qt,
threads, sockets) is forked. It ignores Ctrl+C (the app decides when to stop)
and ends with the import. If it dies (killed, out of memory), the rest is parsed
here: the helper can only make an import faster, never make it fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from connectors.base import BatchItem, BrokenItem, InboundItem

from .parse import parse_message

logger = logging.getLogger(__name__)

_LENGTH = struct.Struct("!Q")


@dataclass(frozen=True)
class RawMessage:
    """One downloaded message with what the server said about it."""

    raw: bytes
    uid: int
    internaldate: datetime | None
    flags: tuple[str, ...]


def parse_all(raws: list[RawMessage], own_address: str, folder: str) -> list[BatchItem]:
    return [
        parse_message(
            m.raw,
            own_address=own_address,
            folder=folder,
            uid=m.uid,
            internaldate=m.internaldate,
            flags=m.flags,
        )
        for m in raws
    ]


def _without_raw(item: BatchItem) -> BatchItem:
    if isinstance(item, InboundItem) and item.raw:
        return replace(item, raw=None)
    if isinstance(item, BrokenItem) and item.raw:
        return replace(item, raw=b"")
    return item


def _with_raw(item: BatchItem, raw: bytes) -> BatchItem:
    if isinstance(item, InboundItem) and item.raw is None:
        return replace(item, raw=raw)
    if isinstance(item, BrokenItem) and not item.raw:
        return replace(item, raw=raw)
    return item


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _send(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class HelperGone(Exception):
    pass


class _Helper:
    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from connectors.email.parsepool import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._lock = threading.Lock()

    def parse(self, raws: list[RawMessage], own_address: str, folder: str) -> list[BatchItem]:
        """Blocking: one batch through the helper, one at a time."""
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        with self._lock:
            try:
                _send(process.stdin, (raws, own_address, folder))
                items: list[BatchItem] = _receive(process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError) as exc:
                raise HelperGone(str(exc)) from exc
        if len(items) != len(raws):
            raise HelperGone(f"{len(items)} answers to {len(raws)} messages")
        # The helper does not send back the raw bytes we gave it: half the traffic.
        return [_with_raw(item, m.raw) for item, m in zip(items, raws, strict=True)]

    def close(self) -> None:
        process = self._process
        with contextlib.suppress(OSError):
            if process.stdin is not None:
                process.stdin.close()
        try:
            # Its input closed, the helper answers what it was given and leaves.
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with contextlib.suppress(OSError):
            if process.stdout is not None:
                process.stdout.close()


class Parser:
    """Parses batches here or, once :meth:`start` was called, in a helper process."""

    def __init__(self) -> None:
        self._helper: _Helper | None = None

    @staticmethod
    def helps() -> bool:
        # In a frozen build (PyInstaller) sys.executable is the app itself, not Python.
        return _usable_cpus() > 1 and not getattr(sys, "frozen", False)

    def start(self) -> None:
        if self._helper is None:
            try:
                self._helper = _Helper()
            except OSError as exc:
                logger.info("no helper process for reading mail (%s); reading here", exc)

    async def parse(self, raws: list[RawMessage], own_address: str, folder: str) -> list[BatchItem]:
        helper = self._helper
        if helper is not None:
            try:
                return await asyncio.to_thread(helper.parse, raws, own_address, folder)
            except HelperGone as exc:
                logger.warning("the helper process that reads mail stopped (%s); reading here", exc)
                await asyncio.to_thread(self.close)
        return await asyncio.to_thread(parse_all, raws, own_address, folder)

    def close(self) -> None:
        helper, self._helper = self._helper, None
        if helper is not None:
            helper.close()


def serve() -> None:
    """The helper's side: answer batches until the input ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Whatever the parser might print must not end up inside the answers.
    sys.stdout = sys.stderr
    while True:
        try:
            raws, own_address, folder = _receive(stdin)
        except EOFError:
            return
        try:
            _send(stdout, [_without_raw(item) for item in parse_all(raws, own_address, folder)])
        except BrokenPipeError:
            return  # the import was stopped; nobody waits for this answer
