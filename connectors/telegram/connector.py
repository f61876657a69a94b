"""Telegram bot accounts: customers write to the business's bot.

The cursor is ``{"offset": n}``: the next getUpdates offset. Telegram forgets
an update once getUpdates is called with a higher offset, and this connector
only ever passes the offset of the stored cursor, so nothing is confirmed to
Telegram before the store has committed it; a crash in between just brings
the same updates again.

The bot token is part of every request URL, so it is scrubbed from every
error message and from httpx's own request log lines.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx

from connectors.base import (
    AttachmentData,
    AuthError,
    Batch,
    Capabilities,
    Channel,
    ConnectorError,
    ExplainsSecret,
    FindsSent,
    Identifies,
    InboundItem,
    NamesItself,
    NotesSentParts,
    OutboundReply,
    PermanentError,
    SendResult,
    SettingsError,
    SettingSpec,
    TransientError,
    is_loopback_host,
    validate_settings,
)

from .split import LIMIT, split_text
from .updates import FileRef, external_id, file_of, message_id_of, to_item

logger = logging.getLogger(__name__)

# callback_query: a customer pressed one of the buttons a reply offered (its choices).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
PAGE = 100  # getUpdates' own maximum
_TOKEN_IN_URL = re.compile(r"/bot[^/\s]+/")


class _RedactTokens(logging.Filter):
    """httpx logs every request URL at INFO; ours carry the bot token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_URL.sub("/bot<token>/", str(a)) if "/bot" in str(a) else a for a in record.args
            )
        if "/bot" in str(record.msg):
            record.msg = _TOKEN_IN_URL.sub("/bot<token>/", str(record.msg))
        return True


_httpx_logger = logging.getLogger("httpx")
if not any(isinstance(f, _RedactTokens) for f in _httpx_logger.filters):
    _httpx_logger.addFilter(_RedactTokens())


class PartlySentError(TransientError):
    """Some parts of a split reply went out before the failure.

    ``sent_parts`` holds their external IDs in order. The same connector skips
    them when the reply is retried; after a restart the dispatcher hands them
    back through :meth:`TelegramConnector.note_sent_parts` first.
    """

    def __init__(
        self, message: str, *, sent_parts: tuple[str, ...], retry_after: float | None = None
    ) -> None:
        super().__init__(message, retry_after=retry_after, sent_parts=sent_parts)


class TelegramConnector(ExplainsSecret, NamesItself, Identifies, FindsSent, NotesSentParts):
    kind: ClassVar[str] = "telegram"
    channel: ClassVar[Channel] = "chat"
    capabilities: ClassVar[Capabilities] = Capabilities(
        max_length=LIMIT, html=False, attachments=True, private=True, split_long=True
    )
    needs_secret: ClassVar[bool] = True
    secret_help: ClassVar[str] = "the bot token that @BotFather gave"
    title: ClassVar[str] = "Telegram bot"
    secret_label: ClassVar[str] = "Bot token"
    settings_schema: ClassVar[tuple[SettingSpec, ...]] = (
        SettingSpec(
            "allowed_chats",
            "Only these chat IDs reach the inbox, separated by commas; empty: every chat.",
            type="list",
            label="Only these chats",
        ),
        SettingSpec(
            "api_base",
            "The Bot API server; change it only for a Bot API server of your own.",
            default="https://api.telegram.org",
            type="url",
            label="Bot API server",
            advanced=True,
        ),
        SettingSpec(
            "poll_timeout",
            "Seconds one request waits for new messages.",
            default=25,
            type="int",
            label="Wait for messages (seconds)",
            advanced=True,
        ),
        SettingSpec(
            "batch_size",
            "Updates stored together in one step.",
            default=PAGE,
            type="int",
            label="Updates per batch",
            advanced=True,
        ),
        # The public Bot API hands out files up to 20 MB.
        SettingSpec(
            "max_attachment_mb",
            "Larger files are noted in the conversation but not downloaded.",
            default=20,
            type="int",
            label="Largest file to download (MB)",
            advanced=True,
        ),
    )

    def __init__(self, settings: Mapping[str, Any], secret: str | None = None) -> None:
        self.settings = validate_settings(self.settings_schema, settings)
        self.api_base = str(self.settings["api_base"]).rstrip("/")
        host = urlsplit(self.api_base).hostname or ""
        if self.api_base.startswith("http://") and not is_loopback_host(host):
            raise SettingsError(
                "setting 'api_base' must use https:// — plain http:// would expose the bot "
                "token; it is only allowed for a Bot API server on this computer"
            )
        self.poll_timeout = max(0, min(50, int(self.settings["poll_timeout"])))
        self.allowed_chats = frozenset(self.settings["allowed_chats"] or ())
        self.batch_size = max(1, min(PAGE, int(self.settings["batch_size"])))
        self.max_attachment = int(self.settings["max_attachment_mb"]) * 1024 * 1024
        self._token = secret or ""
        self._client: httpx.AsyncClient | None = None
        # idempotency key -> external IDs of the parts already delivered
        self._progress: OrderedDict[str, list[str]] = OrderedDict()

    # ------------------------------------------------------------------ HTTP
    def _redact(self, text: str) -> str:
        text = _TOKEN_IN_URL.sub("/bot<token>/", text)
        return text.replace(self._token, "<token>") if self._token else text

    async def _call(
        self,
        method: str,
        params: Mapping[str, Any],
        *,
        wait: float = 0,
        upload: tuple[str, AttachmentData] | None = None,
    ) -> Any:
        """One Bot API method; ``upload`` (field, file) sends it as multipart/form-data,
        the only way the Bot API takes a file from the computer."""
        if not self._token:
            raise AuthError("no bot token is stored for this Telegram account")
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(30.0), headers={"User-Agent": "Unisono"})
        url = f"{self.api_base}/bot{self._token}/{method}"
        if upload is None:
            body: dict[str, Any] = {"json": dict(params)}
        else:
            field, attachment = upload
            body = {
                "data": {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()},
                "files": {field: (attachment.filename, attachment.data, attachment.content_type)},
            }
        try:
            reply = await self._client.post(url, timeout=httpx.Timeout(wait + 30.0), **body)
        except httpx.TimeoutException:
            raise TransientError(f"the Telegram Bot API at {self.api_base} did not answer in time") from None
        except httpx.TransportError as exc:
            # "from None": the original exception carries the URL, and with it the token.
            raise TransientError(
                f"cannot reach the Telegram Bot API at {self.api_base} "
                f"({type(exc).__name__}: {self._redact(str(exc))})"
            ) from None
        try:
            data = reply.json()
        except ValueError:
            data = {}
        if isinstance(data, dict) and data.get("ok") is True:
            return data.get("result")
        raise self._error(method, reply.status_code, data if isinstance(data, dict) else {})

    def _error(self, method: str, status: int, data: Mapping[str, Any]) -> ConnectorError:
        code = int(data.get("error_code") or status)
        said = self._redact(str(data.get("description") or f"HTTP {status}"))
        parameters = data.get("parameters") or {}
        if code == 429:
            wait = parameters.get("retry_after")
            return TransientError(
                f"Telegram is rate limiting the bot ({said})",
                retry_after=float(wait) if wait is not None else None,
            )
        if code in (401, 404):
            return AuthError(
                f"Telegram refused the bot token ({said}); check the token from @BotFather"
                + (" and the api_base setting" if code == 404 else ""),
                step="signin",
            )
        if code == 409:
            if "webhook" in said.lower():
                # Stays broken until someone removes the webhook: tell the admin, don't retry.
                return AuthError(
                    "a webhook is set for this bot, so Telegram does not hand out its messages "
                    "by polling; remove the webhook (deleteWebhook) or use another bot for the "
                    f"inbox ({said})"
                )
            # Usually our own earlier poll from before a restart, which ends by itself;
            # if it keeps happening another program is polling the same bot.
            return TransientError(
                "another program is reading this bot's messages at the same time; only one may "
                f"poll a bot, stop the other one ({said})",
                retry_after=float(max(5, self.poll_timeout)),
            )
        if code == 400 and parameters.get("migrate_to_chat_id"):
            return PermanentError(
                f"the group became a supergroup with chat ID {parameters['migrate_to_chat_id']}; "
                f"answer in the new chat ({said})"
            )
        if code >= 500:
            return TransientError(f"the Telegram Bot API failed on {method} ({said})")
        return PermanentError(f"Telegram refused {method} ({said})")

    # ------------------------------------------------------------------ receive
    async def identify(self) -> str:
        """The bot this token belongs to, as people know it: "@name (First name)"."""
        me = await self._call("getMe", {})
        if not isinstance(me, dict) or not me.get("is_bot"):
            raise AuthError("the token does not belong to a Telegram bot", step="signin")
        username, first = me.get("username") or "", me.get("first_name") or ""
        return f"@{username} ({first})" if first else f"@{username}"

    async def check(self) -> None:
        me = await self._call("getMe", {})
        if not isinstance(me, dict) or not me.get("is_bot"):
            raise AuthError("the token does not belong to a Telegram bot")
        # "Test connection" should already say what would stop polling later.
        hook = await self._call("getWebhookInfo", {})
        if isinstance(hook, dict) and hook.get("url"):
            raise AuthError(
                "a webhook is set for this bot, so Telegram does not hand out its messages by "
                "polling; remove the webhook (deleteWebhook) or use another bot for the inbox"
            )

    @staticmethod
    def _offset(cursor: str | None) -> int | None:
        if not cursor:
            return None
        try:
            return int(json.loads(cursor)["offset"])
        except (ValueError, KeyError, TypeError):
            raise SettingsError("the stored Telegram position is unreadable; reset the account's sync")

    def _poll_params(self, offset: int | None, timeout: int, limit: int) -> dict[str, Any]:
        params: dict[str, Any] = {
            "timeout": timeout,
            "limit": limit,
            "allowed_updates": ALLOWED_UPDATES,
        }
        if offset is not None:
            params["offset"] = offset
        return params

    async def fetch(self, cursor: str | None) -> AsyncIterator[Batch]:
        offset = self._offset(cursor)
        while True:
            updates = await self._call("getUpdates", self._poll_params(offset, 0, PAGE))
            if not updates:
                return
            # One request per page, cut into batches: asking for the next page
            # confirms this one to Telegram, and the consumer only asks for more
            # once it has stored every batch before.
            for start in range(0, len(updates), self.batch_size):
                chunk = updates[start : start + self.batch_size]
                items = []
                for update in chunk:
                    item = to_item(update, self.allowed_chats)
                    if isinstance(item, InboundItem) and "callback_query" in update:
                        await self._answer_press(update["callback_query"])
                    elif isinstance(item, InboundItem):
                        item = await self._with_file(item, update.get("message") or {})
                    if item is not None:
                        items.append(item)
                offset = int(chunk[-1]["update_id"]) + 1
                yield Batch(tuple(items), json.dumps({"offset": offset}))
            if len(updates) < PAGE:
                return

    async def _answer_press(self, query: Mapping[str, Any]) -> None:
        """Tell Telegram the press was received, so the customer's button stops spinning.
        Best effort: the press is stored whatever Telegram says (it forgets queries after
        a while, and a press fetched again after a restart is answered twice, harmlessly)."""
        try:
            await self._call("answerCallbackQuery", {"callback_query_id": str(query["id"])})
        except (ConnectorError, KeyError) as exc:
            logger.info("a button press was not acknowledged to Telegram (%s)", exc)

    async def _with_file(self, item: InboundItem, message: Mapping[str, Any]) -> InboundItem:
        ref = file_of(message)
        if ref is None:
            return item
        try:
            attachment = await self._download(ref)
        except PermanentError as exc:
            # Gone or refused for good: the message still goes in, saying what is missing.
            return replace(
                item,
                meta={
                    **item.meta,
                    "attachment_missing": ref.filename,
                    "attachment_error": str(exc),
                },
            )
        if attachment is None:
            return replace(
                item,
                meta={
                    **item.meta,
                    "attachment_missing": ref.filename,
                    "attachment_error": "larger than max_attachment_mb",
                },
            )
        return replace(item, attachments=(attachment,))

    async def _download(self, ref: FileRef) -> AttachmentData | None:
        if ref.size is not None and ref.size > self.max_attachment:
            return None
        found = await self._call("getFile", {"file_id": ref.file_id})
        path = found.get("file_path") if isinstance(found, dict) else None
        if not path:
            raise PermanentError("Telegram did not say where the file is")
        assert self._client is not None  # _call created it
        try:
            reply = await self._client.get(
                f"{self.api_base}/file/bot{self._token}/{path}", timeout=httpx.Timeout(120.0)
            )
        except httpx.TransportError as exc:
            raise TransientError(
                f"cannot download a file from the Telegram Bot API at {self.api_base} "
                f"({type(exc).__name__}: {self._redact(str(exc))})"
            ) from None
        if reply.status_code >= 500 or reply.status_code == 429:
            raise TransientError(f"Telegram failed to hand over a file (HTTP {reply.status_code})")
        if reply.status_code != 200:
            raise PermanentError(f"Telegram no longer has the file (HTTP {reply.status_code})")
        if len(reply.content) > self.max_attachment:
            return None
        return AttachmentData(ref.filename, ref.content_type, reply.content)

    async def wait_for_changes(self, cursor: str | None, timeout: float) -> bool:
        offset = self._offset(cursor)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            wait = round(max(0.0, min(remaining, self.poll_timeout)))  # Telegram takes whole seconds
            # The stored offset confirms only what is stored; limit=1 is enough to know.
            updates = await self._call("getUpdates", self._poll_params(offset, wait, 1), wait=wait)
            if updates:
                return True
            if deadline - time.monotonic() < 1:
                return False

    # ------------------------------------------------------------------ send
    def note_sent_parts(self, idempotency_key: str, external_ids: tuple[str, ...] | list[str]) -> None:
        """Hand back parts of a split reply that were delivered before a restart."""
        self._progress[idempotency_key] = list(external_ids)

    async def send(self, reply: OutboundReply) -> SendResult:
        """Deliver ``reply``, split at paragraph boundaries when longer than 4,096.

        Files follow the text, one message each (sendDocument: the file exactly as the
        agent chose it, not recompressed as a photo). Telegram has no idempotency key:
        a retry skips the parts this connector knows went out, text and files alike
        (see :class:`PartlySentError`). A request that reached Telegram but whose answer
        was lost cannot be told apart from one that did not; that part may arrive twice.
        """
        parts = _parts(reply)
        if not parts:
            raise PermanentError("the reply has neither text nor files")
        done = self._progress.setdefault(reply.idempotency_key, [])
        self._progress.move_to_end(reply.idempotency_key)
        while len(self._progress) > 1000:
            self._progress.popitem(last=False)
        target = message_id_of(reply.in_reply_to) if reply.in_reply_to else None
        for index in range(len(done), len(parts)):
            part = parts[index]
            params: dict[str, Any] = {"chat_id": reply.thread_key}
            if target is not None and index == 0:
                # Still deliver the answer if the customer deleted the message meanwhile.
                params["reply_parameters"] = {
                    "message_id": target,
                    "allow_sending_without_reply": True,
                }
            if reply.choices and index == len(parts) - 1 and isinstance(part, str):
                # The answers as buttons under the last part (an inline keyboard, one row);
                # each press comes back as a callback_query whose data is the choice.
                params["reply_markup"] = {
                    "inline_keyboard": [[{"text": c, "callback_data": c[:64]} for c in reply.choices]]
                }
            try:
                if isinstance(part, str):
                    message = await self._call("sendMessage", {**params, "text": part})
                else:
                    message = await self._call("sendDocument", params, upload=("document", part))
            except ConnectorError as exc:
                if not done:
                    raise
                note = f"{len(done)} of {len(parts)} parts of the reply were delivered; {exc}"
                if isinstance(exc, TransientError):
                    raise PartlySentError(note, sent_parts=tuple(done), retry_after=exc.retry_after) from None
                failure = type(exc)(note)
                failure.sent_parts = tuple(done)  # type: ignore[attr-defined]
                raise failure from None
            done.append(external_id(message["chat"]["id"], message["message_id"]))
        return SendResult(done[0], datetime.now(UTC), {"parts": list(done)})

    async def find_sent(self, reply: OutboundReply) -> SendResult | None:
        """Only what this connector delivered itself: the Bot API cannot list sent messages."""
        done = self._progress.get(reply.idempotency_key)
        if done and len(done) == len(_parts(reply)):
            return SendResult(done[0], None, {"parts": list(done)})
        return None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _parts(reply: OutboundReply) -> list[str | AttachmentData]:
    """What one reply is sent as, in order: its text in parts, then each file."""
    text: list[str | AttachmentData] = list(split_text(reply.text)) if reply.text.strip() else []
    return text + list(reply.attachments)
