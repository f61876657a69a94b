"""A local Telegram Bot API over real HTTP on loopback, for tests and demos.

Implements what the Unisono connector relies on, as https://core.telegram.org/bots/api
specifies it: ``getMe``, ``getUpdates`` (offset confirmation, long-poll ``timeout``,
``limit``, 409 when another poller takes over or a webhook is set), ``sendMessage``
(``reply_parameters``, 4,096-character limit), ``sendDocument`` (a file uploaded as
multipart/form-data, 50 MB at most, answered with a Message carrying a Document),
inline keyboards (``reply_markup`` of ``sendMessage``: a press arrives as a ``callback_query``
update carrying the button's ``callback_data``, acknowledged with ``answerCallbackQuery``), and
answers shaped exactly like
``{"ok": true, "result": ...}`` / ``{"ok": false, "error_code": ..., "description": ...,
"parameters": {...}}``. Tests play the customer through :meth:`customer_says` and
break the server through :meth:`fail` and :meth:`set_webhook`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.emulators.http import Handler, LoopbackEmulator, Upload, form_fields, next_fault

DEFAULT_TOKEN = "7000000001:AAE-unisono_emulator_token-0123456789"
MAX_TEXT = 4096
MAX_UPLOAD = 50 * 1024 * 1024  # "Bots can currently send files of any type of up to 50 MB"


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Fault:
    error_code: int
    description: str
    retry_after: int | None = None
    times: int = 1
    skip: int = 0  # let this many calls succeed first


@dataclass
class _State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: int = 815_000_001
    next_message_id: dict[int, int] = field(default_factory=dict)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    webhook: str | None = None
    queries: dict[str, bool] = field(default_factory=dict)  # callback_query id -> answered
    poll_generation: int = 0
    closing: bool = False


class TelegramEmulator(LoopbackEmulator):
    thread_name = "telegram-emulator"

    def __init__(self, token: str = DEFAULT_TOKEN) -> None:
        self.token = token
        self.bot = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Unisono Support",
            "username": "unisono_support_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.state = _State()
        self.cond = threading.Condition()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> str:
        return self.serve(_Handler)

    def stop(self) -> None:
        with self.cond:  # long polls waiting for updates end first
            self.state.closing = True
            self.cond.notify_all()
        super().stop()

    # ------------------------------------------------------------------ customer side
    def customer_says(
        self,
        user: dict[str, Any],
        text: str | None = None,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """The customer (``{"id", "first_name", ...}``) writes to the bot; returns the Message."""
        chat = chat or {
            "id": user["id"],
            "type": "private",
            **{k: user[k] for k in ("first_name", "last_name", "username") if k in user},
        }
        with self.cond:
            message = self._new_message(chat, {"is_bot": False, **user}, text, reply_to, extra)
            self._push({"message": message})
            return message

    def customer_presses(self, user: dict[str, Any], chat_id: int, message_id: int, data: str) -> str:
        """The customer presses the inline button carrying ``data`` under one of the bot's
        messages; returns the callback_query's id. A client can only press a button that
        is there, so pressing anything else fails the test."""
        with self.cond:
            message = self.state.messages[(chat_id, message_id)]
            rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            offered = [b.get("callback_data") for row in rows for b in row]
            if data not in offered:
                raise AssertionError(f"no button with callback_data {data!r} under message {message_id}")
            query_id = str(4_300_000_000_000_000_000 + len(self.state.queries) + 1)
            self.state.queries[query_id] = False
            self._push(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": {"is_bot": False, **user},
                        "message": message,
                        "chat_instance": f"-{chat_id}0",
                        "data": data,
                    }
                }
            )
            return query_id

    def query_answered(self, query_id: str) -> bool:
        with self.cond:
            return self.state.queries.get(query_id, False)

    def customer_edits(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        with self.cond:
            original = self.state.messages[(chat_id, message_id)]
            edited = dict(original, text=text, edit_date=int(time.time()))
            self.state.messages[(chat_id, message_id)] = edited
            self._push({"edited_message": edited})
            return edited

    def add_file(self, data: bytes, name: str = "file.bin") -> dict[str, Any]:
        """A file on Telegram's side; returns the File-like fields a message carries."""
        with self.cond:
            number = len(self.state.files) + 1
            file_id = f"BQACAgQAAxk-{number:06d}"
            self.state.files[file_id] = (f"documents/file_{number}_{name}", data)
            return {
                "file_id": file_id,
                "file_unique_id": f"AgAD{number:04d}",
                "file_size": len(data),
            }

    def set_webhook(self, url: str | None) -> None:
        with self.cond:
            self.state.webhook = url
            self.cond.notify_all()

    def fail(
        self,
        method: str,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
        skip: int = 0,
    ) -> None:
        with self.cond:
            self.state.faults.setdefault(method, []).append(
                Fault(error_code, description, retry_after, times, skip)
            )

    def pending_update_ids(self) -> list[int]:
        with self.cond:
            return [u["update_id"] for u in self.state.updates]

    def sent_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        with self.cond:
            return [m for m in self.state.sent if chat_id is None or m["chat"]["id"] == chat_id]

    def calls(self, method: str) -> list[dict[str, Any]]:
        with self.cond:
            return [params for name, params in self.state.calls if name == method]

    # ------------------------------------------------------------------ internals (lock held)
    def _new_message(
        self,
        chat: dict[str, Any],
        sender: dict[str, Any],
        text: str | None,
        reply_to: int | None,
        extra: dict[str, Any],
    ) -> dict[str, Any]:
        state = self.state
        chat_id = int(chat["id"])
        state.chats[chat_id] = chat
        message_id = state.next_message_id.get(chat_id, 1)
        state.next_message_id[chat_id] = message_id + 1
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": sender,
            "chat": chat,
            "date": int(time.time()),
        }
        if text is not None:
            message["text"] = text
        if reply_to is not None:
            message["reply_to_message"] = state.messages[(chat_id, reply_to)]
        message.update(extra)
        state.messages[(chat_id, message_id)] = message
        return message

    def _push(self, update: dict[str, Any]) -> None:
        update["update_id"] = self.state.next_update_id
        self.state.next_update_id += 1
        self.state.updates.append(update)
        self.cond.notify_all()

    def _fault(self, method: str) -> Fault | None:
        return next_fault(self.state.faults.get(method) or [])

    # ------------------------------------------------------------------ methods
    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.cond:
            self.state.calls.append((method, params))
            fault = self._fault(method)
        if fault is not None:
            return _error(fault.error_code, fault.description, fault.retry_after)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        try:
            return handler(params)
        except (KeyError, TypeError, ValueError) as exc:
            return _error(400, f"Bad Request: {exc}")

    def _m_getMe(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, {"ok": True, "result": self.bot}

    def _m_getUpdates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        limit = max(1, min(100, int(params.get("limit", 100) or 100)))
        timeout = max(0.0, float(params.get("timeout", 0) or 0))
        deadline = time.monotonic() + timeout
        with self.cond:
            if self.state.webhook:
                return _error(
                    409,
                    "Conflict: can't use getUpdates method while webhook is "
                    "active; use deleteWebhook to delete the webhook first",
                )
            self.state.poll_generation += 1
            generation = self.state.poll_generation
            self.cond.notify_all()  # an older long poll is answered with 409, as Telegram does
            # "An update is considered confirmed as soon as getUpdates is called with an
            # offset higher than its update_id"; a negative offset keeps only the last ones.
            if offset > 0:
                self.state.updates = [u for u in self.state.updates if u["update_id"] >= offset]
            elif offset < 0:
                self.state.updates = self.state.updates[offset:]
            while not self.state.updates and not self.state.closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.cond.wait(remaining)
                if self.state.poll_generation != generation:
                    return _error(
                        409,
                        "Conflict: terminated by other getUpdates request; make "
                        "sure that only one bot instance is running",
                    )
                if self.state.webhook:
                    return _error(
                        409,
                        "Conflict: can't use getUpdates method while webhook is "
                        "active; use deleteWebhook to delete the webhook first",
                    )
            return 200, {"ok": True, "result": [dict(u) for u in self.state.updates[:limit]]}

    def _m_sendMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        text = str(params.get("text", ""))
        chat_id = int(params["chat_id"])
        with self.cond:
            if chat_id not in self.state.chats:
                return _error(400, "Bad Request: chat not found")
            if not text.strip():
                return _error(400, "Bad Request: message text is empty")
            if utf16_len(text) > MAX_TEXT:
                return _error(400, "Bad Request: message is too long")
            reply_to = self._replied_to(chat_id, params)
            if reply_to == -1:
                return _error(400, "Bad Request: message to be replied not found")
            markup = _json_param(params.get("reply_markup"))
            extra: dict[str, Any] = {}
            if markup:
                problem = _keyboard_problem(markup)
                if problem:
                    return _error(400, f"Bad Request: {problem}")
                extra["reply_markup"] = markup
            bot = {k: self.bot[k] for k in ("id", "is_bot", "first_name", "username")}
            message = self._new_message(self.state.chats[chat_id], bot, text, reply_to, extra)
            self.state.sent.append(message)
            return 200, {"ok": True, "result": message}

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        query_id = str(params["callback_query_id"])
        with self.cond:
            if query_id not in self.state.queries:
                return _error(
                    400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
                )
            self.state.queries[query_id] = True
        return 200, {"ok": True, "result": True}

    def _replied_to(self, chat_id: int, params: dict[str, Any]) -> int | None:
        """The message a send answers (``reply_parameters``): None for none or one gone
        that may be left out, -1 for one gone that may not (lock held)."""
        reply = _json_param(params.get("reply_parameters"))
        if not reply:
            return None
        reply_to = int(reply["message_id"])
        if (chat_id, reply_to) in self.state.messages:
            return reply_to
        return None if reply.get("allow_sending_without_reply") else -1

    def _m_sendDocument(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        upload = params.get("document")
        if not isinstance(upload, Upload):
            # A file_id or URL of a file already on Telegram: not what the inbox sends.
            return _error(400, "Bad Request: there is no document in the request")
        if len(upload.data) > MAX_UPLOAD:
            return _error(413, "Request Entity Too Large")
        with self.cond:
            if chat_id not in self.state.chats:
                return _error(400, "Bad Request: chat not found")
            reply_to = self._replied_to(chat_id, params)
            if reply_to == -1:
                return _error(400, "Bad Request: message to be replied not found")
            number = len(self.state.files) + 1
            file_id = f"BQACAgQAAxk-{number:06d}"
            self.state.files[file_id] = (f"documents/file_{number}_{upload.filename}", upload.data)
            document = {
                "file_id": file_id,
                "file_unique_id": f"AgAD{number:04d}",
                "file_name": upload.filename,
                "mime_type": upload.content_type,
                "file_size": len(upload.data),
            }
            bot = {k: self.bot[k] for k in ("id", "is_bot", "first_name", "username")}
            message = self._new_message(
                self.state.chats[chat_id], bot, None, reply_to, {"document": document}
            )
            self.state.sent.append(message)
            return 200, {"ok": True, "result": message}

    def _m_getFile(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.cond:
            found = self.state.files.get(str(params.get("file_id")))
        if found is None:
            return _error(400, "Bad Request: invalid file_id")
        file_id = str(params["file_id"])
        return 200, {
            "ok": True,
            "result": {
                "file_id": file_id,
                "file_unique_id": file_id[-8:],
                "file_size": len(found[1]),
                "file_path": found[0],
            },
        }

    def file_bytes(self, path: str) -> bytes | None:
        with self.cond:
            for stored_path, data in self.state.files.values():
                if stored_path == path:
                    return data
        return None

    def _m_getWebhookInfo(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.cond:
            info = {
                "url": self.state.webhook or "",
                "has_custom_certificate": False,
                "pending_update_count": len(self.state.updates),
            }
        return 200, {"ok": True, "result": info}

    def _m_deleteWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.set_webhook(None)
        return 200, {"ok": True, "result": True}


def _keyboard_problem(markup: Any) -> str | None:
    """What the Bot API would refuse in an InlineKeyboardMarkup (None: nothing)."""
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        return 'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                return "text buttons are unallowed in the inline keyboard"
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                return "BUTTON_DATA_INVALID"
    return None


def _json_param(value: Any) -> Any:
    # Form-encoded and query-string calls pass objects as JSON-serialized strings.
    if isinstance(value, str):
        return json.loads(value) if value else None
    return value


def _error(code: int, description: str, retry_after: int | None = None) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return code, body


class _Handler(Handler):
    emulator: TelegramEmulator

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        params: dict[str, Any] = dict(parse_qsl(url.query))
        body, kind = self.read_body()
        if body and kind == "application/json":
            params.update(json.loads(body))
        elif body and kind == "application/x-www-form-urlencoded":
            params.update(parse_qsl(body.decode()))
        elif body and kind == "multipart/form-data":
            params.update(form_fields(self.headers.get("Content-Type") or "", body))
        prefix, _, method = url.path.lstrip("/").partition("/")
        if prefix == "file":  # /file/bot<token>/<file_path>: the file itself
            bot, _, path = method.partition("/")
            data = self.emulator.file_bytes(path) if bot[3:] == self.emulator.token else None
            if data is not None:
                self.answer(200, data, {"Content-Type": "application/octet-stream"})
                return
            status, answer = _error(404, "Not Found")
        elif not prefix.startswith("bot") or not method:
            status, answer = _error(404, "Not Found")
        elif prefix[3:] != self.emulator.token:
            status, answer = _error(401, "Unauthorized")
        else:
            status, answer = self.emulator.call(method, params)
        self.answer_json(status, answer, {"Content-Type": "application/json"})


@contextmanager
def running(token: str = DEFAULT_TOKEN) -> Iterator[TelegramEmulator]:
    emulator = TelegramEmulator(token)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()
