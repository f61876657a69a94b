"""The connector protocol: what every channel implements, and the optional features a
channel may add (see "optional features" below).

Connectors speak only in the frozen data classes below; they never see the
store, the ORM or Qt. The ingest service turns a :class:`Batch` into customers,
threads, cases and messages, and stores the batch together with its cursor in
one transaction, so a crash between two batches loses nothing and duplicates
nothing.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

Channel = Literal["email", "chat", "social", "review"]
Direction = Literal["in", "out"]

ENTRY_POINT_GROUP = "inbox_app.connectors"


# --------------------------------------------------------------------------- errors


#: The steps of reaching a channel, in order. An error raised while checking or syncing
#: may name the one that failed (``step``), so "Test connection" says where it stopped
#: and what to try: the name lookup, the connection, the TLS certificate, the sign-in, a
#: capability the server lacks, or the folder (room, location) the account reads.
Step = Literal["lookup", "connect", "tls", "signin", "capability", "folder"]
STEPS: tuple[Step, ...] = ("lookup", "connect", "tls", "signin", "capability", "folder")


class ConnectorError(Exception):
    """Base of every error a connector raises on purpose.

    Messages are written for an admin to read and never contain a secret. ``step``, when
    known, is the step of :data:`STEPS` that failed.
    """

    def __init__(self, message: str = "", *, step: Step | None = None) -> None:
        super().__init__(message)
        self.step: Step | None = step


class TransientError(ConnectorError):
    """Try again later: network down, server busy, rate limited.

    ``retry_after``: the seconds the server asked for, if it said. ``sent_parts``: for a
    reply the channel carries as several messages, the external IDs of the parts that went
    out before the failure; they are kept with the reply and handed back through
    :class:`NotesSentParts` before the next attempt, so no part is sent twice.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        sent_parts: tuple[str, ...] = (),
        step: Step | None = None,
    ) -> None:
        super().__init__(message, step=step)
        self.retry_after = retry_after
        self.sent_parts = sent_parts


class AuthError(ConnectorError):
    """Credentials refused or expired: the account stops syncing (status ``auth_error``)
    until an admin sets them again. Its step is the sign-in unless said otherwise."""

    def __init__(self, message: str = "", *, step: Step | None = "signin") -> None:
        super().__init__(message, step=step)


def network_step(exc: BaseException) -> Step:
    """Which step of reaching a server ``exc`` (or what it wraps: an HTTP library's error
    around the socket's) stopped at: the name lookup, the TLS certificate, or the connection."""
    import socket
    import ssl

    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return "lookup"
        if isinstance(seen, ssl.SSLError):
            return "tls"
        text = str(seen)
        if "CERTIFICATE_VERIFY_FAILED" in text:
            return "tls"
        if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
            return "lookup"
        seen = seen.__cause__ or seen.__context__
    return "connect"


class PermanentError(ConnectorError):
    """This one item can never succeed (a rejected recipient, a malformed reply): that
    reply fails, the account goes on."""


class SettingsError(ConnectorError):
    """An account setting is missing or wrong; the message names the key. Raised while
    syncing, the account shows it as an error and tries again later."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Address:
    """Who wrote a message, as the channel identifies them.

    ``kind`` is one of the identity kinds: email, phone, matrix, telegram,
    mastodon, review. ``value`` is as the channel gave it; the store normalizes.
    """

    kind: str
    value: str
    display_name: str | None = None


@dataclass(frozen=True)
class AttachmentData:
    filename: str
    content_type: str
    data: bytes
    content_id: str | None = None
    inline: bool = False


@dataclass(frozen=True)
class InboundItem:
    """One message seen on the channel.

    ``direction`` is ``out`` for our own messages seen again (a Sent folder, a
    chat echo); the store matches them to the outbox by ``external_id`` or
    ``idempotency_key`` instead of storing them twice.
    """

    external_id: str
    thread_key: str
    sender: Address
    sent_at: datetime
    text: str
    html: str | None = None
    subject: str | None = None
    direction: Direction = "in"
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    extra_identities: tuple[Address, ...] = ()
    is_auto: bool = False
    bounce_of: str | None = None
    bounce_reason: str | None = None
    idempotency_key: str | None = None
    attachments: tuple[AttachmentData, ...] = ()
    raw: bytes | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemUpdate:
    """A change to a message already delivered: an edit, a redaction, or its flags
    as the channel now shows them (email: read, answered, flagged, deleted)."""

    target_external_id: str
    kind: Literal["edit", "redaction", "flags"]
    external_id: str | None = None
    text: str | None = None
    html: str | None = None
    at: datetime | None = None
    reason: str | None = None
    flags: tuple[str, ...] | None = None
    # For an edit: what the channel says about the message now (a review's new stars),
    # merged into what the store keeps. For flags: where the message lives (email:
    # ``folder`` and ``uid``), which tells apart two messages that share one ID.
    meta: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class BrokenItem:
    """An item the connector could not understand; it goes to quarantine."""

    external_id: str
    reason: str
    raw: bytes = b""


BatchItem = InboundItem | ItemUpdate | BrokenItem


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None = None


@dataclass(frozen=True)
class Batch:
    """Items plus the cursor that points just after them.

    The cursor is an opaque string only its connector understands (JSON is
    customary). Storing the items and the cursor together is the whole
    crash-safety argument.
    """

    items: tuple[BatchItem, ...]
    cursor: str | None
    progress: Progress | None = None


@dataclass(frozen=True)
class Capabilities:
    max_length: int | None = None
    html: bool = False
    attachments: bool = False
    public: bool = False
    private: bool = True
    subject: bool = False
    split_long: bool = False
    # What max_length counts: characters, or the UTF-8 bytes of the text (Google's
    # review answers: 4096 bytes, so 1,400 characters of Italian with emoji may be over).
    length_unit: Literal["characters", "bytes"] = "characters"
    # Which files a reply may carry: MIME type prefixes ("image/"), none meaning any type;
    # and how many at most (Mastodon: images, video and audio, four to a post).
    attachment_types: tuple[str, ...] = ()
    max_attachments: int | None = None

    def length_of(self, text: str) -> int:
        """The length of ``text`` as this channel counts it against ``max_length``."""
        return len(text.encode("utf-8")) if self.length_unit == "bytes" else len(text)

    def takes_file(self, content_type: str) -> bool:
        """Whether a file of ``content_type`` can go with a reply on this channel."""
        if not self.attachments:
            return False
        return not self.attachment_types or content_type.lower().startswith(self.attachment_types)

    def attachment_kinds(self) -> str:
        """The kinds of file this channel takes, in words ("image, video, audio")."""
        return ", ".join(t.rstrip("/") for t in self.attachment_types)


def size_words(n: int) -> str:
    """A file's size as people read it: 18.0 MB, 175 KB, 48 bytes."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} bytes"


@dataclass(frozen=True)
class OutboundReply:
    """A reply exactly as it is handed to the channel (and audited)."""

    idempotency_key: str
    thread_key: str
    text: str
    to: tuple[Address, ...] = ()
    html: str | None = None
    subject: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    attachments: tuple[AttachmentData, ...] = ()
    sender_name: str | None = None
    # Answers offered as buttons where the channel has them (a Telegram inline keyboard);
    # a channel without buttons sends the text alone, which already says how to answer.
    # Pressing one comes back as an ordinary inbound message whose text is the choice.
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SendResult:
    external_id: str
    sent_at: datetime | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SettingSpec:
    """One setting of a channel account, described for the admin who fills it in.

    ``key`` is the name the store, the command line (``--set key=value``) and errors use;
    the window never shows it. ``label`` is the few words beside the field and ``help``
    the one line under it, both in English: the window translates them (context
    ``ConnectorSettings`` of its translation file), the command line prints them as they
    are. ``choice_labels`` words each of ``choices`` the same way.

    A default may follow another setting: ``follows`` names a setting with choices and
    ``by_choice`` gives the default for each of its values (the IMAP port is 993 with
    implicit TLS, 143 with STARTTLS) unless the admin typed one. ``advanced`` settings are
    the ones most admins never touch; the window keeps them folded away. ``placeholder``
    is an example shown in an empty field.
    """

    key: str
    help: str
    required: bool = False
    default: Any = None
    type: Literal["str", "int", "bool", "list", "url", "path"] = "str"
    choices: tuple[str, ...] = ()
    label: str = ""
    choice_labels: tuple[str, ...] = ()
    follows: str = ""
    by_choice: tuple[tuple[str, Any], ...] = ()
    advanced: bool = False
    placeholder: str = ""
    # Found by the kind itself (:class:`Discovers`): a new account's form asks for it only
    # after looking, to be confirmed or corrected.
    discovered: bool = False

    def default_for(self, values: Mapping[str, Any]) -> Any:
        """The default given the other settings in ``values`` (a following default)."""
        if self.follows:
            chosen = dict(self.by_choice)
            if values.get(self.follows) in chosen:
                return chosen[values[self.follows]]
        return self.default

    def choice_label(self, choice: str) -> str:
        """The words for one of ``choices`` (the choice itself when none are declared)."""
        if choice in self.choices and len(self.choice_labels) == len(self.choices):
            return self.choice_labels[self.choices.index(choice)]
        return choice


# --------------------------------------------------------------------------- protocol


@runtime_checkable
class Connector(Protocol):
    kind: ClassVar[str]
    channel: ClassVar[Channel]
    capabilities: ClassVar[Capabilities]
    settings_schema: ClassVar[tuple[SettingSpec, ...]]
    needs_secret: ClassVar[bool]

    async def check(self) -> None:
        """Verify settings and credentials; raise a typed error if they fail."""

    def fetch(self, cursor: str | None) -> AsyncIterator[Batch]:
        """Yield batches from ``cursor`` on until nothing more is available."""

    async def wait_for_changes(self, cursor: str | None, timeout: float) -> bool:
        """Block until the channel has something new (True) or ``timeout`` passes."""

    async def send(self, reply: OutboundReply) -> SendResult:
        """Deliver ``reply``; sending the same idempotency key twice delivers once."""

    async def close(self) -> None: ...


# --------------------------------------------------------------------------- optional features
#
# What a channel may have beyond :class:`Connector`. A connector names each feature it has
# among its bases (``class MyConnector(Polling, FindsSent): ...``), so mypy checks the
# signatures and a reader sees the list in one line. The application asks
# ``isinstance(connector, Feature)``, or asks the class for what is known before an account
# exists (ExplainsSecret, CapabilitiesPerAccount, MakesIdempotencyKeys); a feature it does
# not find is simply not used, so a connector needs none of them.


@runtime_checkable
class ExplainsSecret(Protocol):
    """Says what the account's secret is, in the admin's words ("the bot token that
    @BotFather gave"): the settings dialog shows it beside the secret's field and
    ``inbox-app accounts kinds`` prints it. Without it they speak of "the password or
    token"."""

    secret_help: ClassVar[str]


@runtime_checkable
class NamesItself(Protocol):
    """Says what the kind is in a few words ("Email (IMAP and SMTP)") and what its secret
    is called ("Password", "Bot token"), in English; the window translates both. Without
    it the window shows the kind's name and "Password or token"."""

    title: ClassVar[str]
    secret_label: ClassVar[str]


def kind_title(cls: Any) -> str:
    """What the kind of connector class ``cls`` is called in words."""
    # A class with the attributes passes isinstance (protocols with data members refuse issubclass).
    return str(cls.title) if isinstance(cls, NamesItself) else str(cls.kind)


def secret_label(cls: Any) -> str:
    """What the secret of connector class ``cls`` is called, "" when it names none."""
    return str(cls.secret_label) if isinstance(cls, NamesItself) else ""


@runtime_checkable
class Testing(Protocol):
    """A channel for demonstrations and tests, not for customers: the window and
    ``accounts kinds`` offer it only in stores marked for testing (store setting
    ``testing_channels``, set by the demo)."""

    for_testing: ClassVar[bool]


def is_for_testing(cls: Any) -> bool:
    return isinstance(cls, Testing) and bool(cls.for_testing)


@dataclass(frozen=True)
class DiscoveryOptions:
    """Where :class:`Discovers` may look. ``ispdb_url``: Thunderbird's database of mail
    providers (store setting of the same name). ``dns_server`` ("HOST[:PORT]", None for
    the system's) answers every name and SRV lookup; ``ports`` moves standard ports
    ("https", "imaps", ...) and ``tls`` (an ssl.SSLContext) replaces the system's trusted
    certificates, both for tests."""

    ispdb_url: str = "https://autoconfig.thunderbird.net/v1.1/"
    dns_server: str | None = None
    ports: Mapping[str, int] = field(default_factory=dict)
    tls: Any = None
    timeout: float = 8.0


@dataclass(frozen=True)
class Discovery:
    """What :class:`Discovers` found: ``settings`` to fill in the account's form, ``found``
    the same by name for the command line, ``source`` where it came from; empty when
    nothing was found. ``tried`` says in words what was asked, for the admin."""

    source: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    found: Mapping[str, Any] = field(default_factory=dict)
    tried: tuple[str, ...] = ()


@runtime_checkable
class Discovers(Protocol):
    """Finds most of an account's settings from the one an admin knows (email: the servers
    from the address; Matrix: the homeserver from the Matrix ID). ``discovers_from`` names
    that setting; the window asks it first and fills in the rest for the admin to confirm."""

    discovers_from: ClassVar[str]

    @classmethod
    async def discover(cls, settings: Mapping[str, Any], options: DiscoveryOptions) -> Discovery: ...


@runtime_checkable
class Identifies(Protocol):
    """Can say at once, from its settings and secret, which account they reach (Telegram:
    the bot's name), so the admin sees a pasted token is the right one before saving."""

    async def identify(self) -> str: ...


@runtime_checkable
class SignsIn(Protocol):
    """Signs in through the provider's own page in the system browser (OAuth 2 with PKCE on
    a loopback redirect, see connectors/oauth.py) instead of a secret pasted by hand; the
    account's secret is then the grant the sign-in obtained.

    ``sign_in_title`` says with whom for the given settings ("Google", "Microsoft", "" for
    a provider without a name we know), or None when these settings use a password or token
    instead. ``prepare_sign_in`` returns a ``connectors.oauth.SignInPlan`` for the
    loopback ``redirect_uri`` (registering a client first where the provider wants one);
    ``signed_in`` may say more about who signed in (a Google manager's locations) once the
    grant is there, returning settings to suggest."""

    @classmethod
    def sign_in_title(cls, settings: Mapping[str, Any]) -> str | None: ...

    @classmethod
    async def prepare_sign_in(cls, settings: Mapping[str, Any], redirect_uri: str) -> Any: ...


@runtime_checkable
class Polling(Protocol):
    """Has no push: ``wait_for_changes`` asks the server every ``poll_interval`` seconds
    (usually an account setting). The runner then leaves that long between two rounds, or
    its own default where that is longer, but never waits past the next reply due."""

    poll_interval: float


@runtime_checkable
class FindsSent(Protocol):
    """Can look up whether a reply already left, after a crash while sending it (email:
    the Sent folder). A reply whose attempt was cut short is looked up before it is sent
    again; without this feature it is sent again and ``send``'s idempotency key must keep
    it from arriving twice."""

    async def find_sent(self, reply: OutboundReply) -> SendResult | None: ...


@runtime_checkable
class NotesSentParts(Protocol):
    """Sends a long reply as several messages and resumes after the parts that went out.

    A failure part-way raises :class:`TransientError` with ``sent_parts``; the outbox
    keeps them, and before the next attempt (perhaps in another process, with a new
    connector) hands them back here, so ``send`` carries on with the next part.
    """

    def note_sent_parts(self, idempotency_key: str, external_ids: tuple[str, ...]) -> None: ...


@runtime_checkable
class ParsesRaw(Protocol):
    """Can read an item again from the raw bytes it gave in ``InboundItem.raw`` or
    ``BrokenItem.raw`` (email: the message's RFC 822 source), so a quarantined item is
    parsed anew by ``inbox-app quarantine retry`` once the parser is fixed."""

    def parse_raw(self, raw: bytes) -> InboundItem | BrokenItem: ...


@runtime_checkable
class CapabilitiesPerAccount(Protocol):
    """An account's settings change what its replies are (Mastodon: private answers, or
    unlisted ones to public questions when the admin allows it)."""

    @classmethod
    def capabilities_for(cls, settings: Mapping[str, Any]) -> Capabilities: ...


def capabilities_of_account(cls: Any, settings: Mapping[str, Any]) -> Capabilities:
    """What a reply through an account of connector class ``cls`` is, given its settings."""
    if isinstance(cls, type) and issubclass(cls, CapabilitiesPerAccount):
        return cls.capabilities_for(settings)
    return cls.capabilities  # type: ignore[no-any-return]


@runtime_checkable
class MakesIdempotencyKeys(Protocol):
    """The channel chooses the idempotency key's shape (email: a Message-ID, which
    is the key the Sent folder is searched by)."""

    @classmethod
    def make_idempotency_key(cls, settings: Mapping[str, Any]) -> str: ...


@runtime_checkable
class KeepsTokens(Protocol):
    """Logs in with the secret and obtains a token worth keeping (Matrix).

    The application hands a kept token back with ``adopt_token`` before the first call,
    and is told of a new one through ``on_credentials`` (called on the event loop; the
    application keeps the token in the keyring without blocking it).
    """

    on_credentials: Callable[[str], None] | None

    def adopt_token(self, token: str) -> None: ...


class ConnectorClass(Protocol):
    kind: ClassVar[str]
    channel: ClassVar[Channel]
    capabilities: ClassVar[Capabilities]
    settings_schema: ClassVar[tuple[SettingSpec, ...]]
    needs_secret: ClassVar[bool]

    def __call__(self, settings: Mapping[str, Any], secret: str | None) -> Connector: ...


# --------------------------------------------------------------------------- settings


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def validate_settings(schema: tuple[SettingSpec, ...], given: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``given`` against ``schema``; return typed values with defaults.

    Raises :class:`SettingsError` naming the offending key in words.
    """
    known = {spec.key: spec for spec in schema}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0]!r}; known settings: {', '.join(sorted(known))}")
    out: dict[str, Any] = {}
    following: list[SettingSpec] = []
    for spec in schema:
        if spec.key not in given or given[spec.key] in (None, ""):
            if spec.required:
                raise SettingsError(f"setting {spec.key!r} is required ({spec.help})")
            out[spec.key] = spec.default
            if spec.follows:
                following.append(spec)
            continue
        out[spec.key] = _coerce(spec, given[spec.key])
    # A default that follows another setting is known once that one is.
    for spec in following:
        out[spec.key] = spec.default_for(out)
    return out


def _coerce(spec: SettingSpec, value: Any) -> Any:
    if spec.type == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise SettingsError(f"setting {spec.key!r} must be a whole number, not {value!r}")
        if number < 0:
            raise SettingsError(f"setting {spec.key!r} must not be negative")
        return number
    if spec.type == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise SettingsError(f"setting {spec.key!r} must be true or false, not {value!r}")
    if spec.type == "list":
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        return [part.strip() for part in str(value).split(",") if part.strip()]
    text = str(value).strip()
    if spec.choices and text not in spec.choices:
        raise SettingsError(f"setting {spec.key!r} must be one of {', '.join(spec.choices)}, not {text!r}")
    if spec.type == "url" and not (text.startswith("http://") or text.startswith("https://")):
        raise SettingsError(f"setting {spec.key!r} must be an http:// or https:// URL")
    return text


def is_loopback_host(host: str) -> bool:
    """True for hosts that never leave this machine (plain text is allowed there)."""
    import ipaddress

    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --------------------------------------------------------------------------- registry


class ConnectorRegistry(Mapping[str, "ConnectorClass"]):
    """Connector classes by kind, each imported on first use.

    Listing the kinds reads only the entry points, so starting the app does not
    import channels (and their HTTP or IMAP libraries) that no account uses.
    """

    def __init__(self) -> None:
        self._entries = {e.name: e for e in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
        self._loaded: dict[str, ConnectorClass] = {}

    def __getitem__(self, kind: str) -> ConnectorClass:
        if kind not in self._loaded:
            if kind not in self._entries:
                raise KeyError(kind)
            self._loaded[kind] = self._entries[kind].load()
        return self._loaded[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def available_connectors() -> ConnectorRegistry:
    """Every connector class registered under the ``inbox_app.connectors`` group."""
    return ConnectorRegistry()
