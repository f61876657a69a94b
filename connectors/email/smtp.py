"""Building a reply as MIME and handing it to the SMTP submission server.

The Message-ID is the reply's idempotency key, chosen when the agent clicked
Send, so the copy in the Sent folder, the customer's answer (In-Reply-To) and a
bounce all point back to the same outbox entry. The phases of the SMTP dialogue
are run one by one so an error says whether the server could have accepted the
message (only a connection lost after the data was transmitted is ambiguous).
"""

from __future__ import annotations

import base64
import contextlib
import smtplib
import ssl
from datetime import UTC, datetime
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from connectors.base import (
    AuthError,
    OutboundReply,
    PermanentError,
    SettingsError,
    TransientError,
    size_words,
)

from .credentials import smtp_login
from .mimetext import safe_filename
from .settings import EmailSettings, network_step, tls_context
from .threads import normalize_message_id, references_for_reply, reply_subject

TIMEOUT = 60.0


def build_message(settings: EmailSettings, reply: OutboundReply, now: datetime | None = None) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    local, _, domain = settings.address.partition("@")
    msg["From"] = HeaderAddress(
        display_name=reply.sender_name or settings.display_name or "", username=local, domain=domain
    )
    recipients = [a for a in reply.to if a.value.strip()]
    if not recipients:
        raise PermanentError("the reply has no recipient address")
    msg["To"] = [_header_address(a.value.strip(), a.display_name) for a in recipients]
    msg["Subject"] = reply_subject(reply.subject)
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    message_id = normalize_message_id(reply.idempotency_key)
    if message_id is None:
        raise PermanentError("the reply's key is not a Message-ID like <id@domain>")
    msg["Message-ID"] = message_id
    parent = normalize_message_id(reply.in_reply_to)
    if parent:
        msg["In-Reply-To"] = parent
    references = references_for_reply(reply.references, parent)
    if references:
        msg["References"] = " ".join(references)
    msg.set_content(reply.text or "", cte="quoted-printable")
    if reply.html:
        msg.add_alternative(reply.html, subtype="html", cte="quoted-printable")
    for att in reply.attachments:
        maintype, _, subtype = (att.content_type or "application/octet-stream").partition("/")
        msg.add_attachment(
            att.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=safe_filename(att.filename, att.content_type),
            disposition="inline" if att.inline else "attachment",
            cid=f"<{att.content_id.strip('<>')}>" if att.content_id else None,
        )
    return msg


def _header_address(value: str, display_name: str | None) -> HeaderAddress:
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        raise PermanentError(f"{value!r} is not an email address")
    return HeaderAddress(display_name=display_name or "", username=local, domain=domain)


def _connect(settings: EmailSettings) -> smtplib.SMTP:
    host, port = settings.smtp_host, settings.smtp_port
    context = tls_context(settings)
    if settings.smtp_security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=context)
    else:
        server = smtplib.SMTP(host, port, timeout=TIMEOUT)
    try:
        server.ehlo()
        if settings.smtp_security == "starttls":
            if not server.has_extn("starttls"):
                raise SettingsError(
                    f"smtp_security is starttls but {host} does not offer "
                    "STARTTLS; use ssl or ask the provider",
                    step="capability",
                )
            server.starttls(context=context)
            server.ehlo()
    except BaseException:
        with contextlib.suppress(Exception):
            server.close()
        raise
    return server


def _login(server: smtplib.SMTP, settings: EmailSettings, secret: str | None) -> None:
    if not server.has_extn("auth"):
        return  # a relay that trusts this computer; nothing to prove
    if secret is None:
        raise AuthError("no password is stored for this email account", step="signin")
    if settings.oauth is not None:
        smtp_login(server, settings, secret)
        return
    if (settings.username + secret).isascii():
        server.login(settings.username, secret)
        return
    # smtplib encodes credentials as ASCII; RFC 4616 PLAIN carries UTF-8, so send it ourselves.
    if "plain" not in server.esmtp_features.get("auth", "").lower().split():
        raise AuthError(
            "the password or user name has non-ASCII characters and the SMTP "
            "server offers no way to send them (AUTH PLAIN)"
        )
    token = base64.b64encode(f"\0{settings.username}\0{secret}".encode()).decode("ascii")
    code, resp = server.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, resp)


def _size_limit(server: smtplib.SMTP) -> int:
    """The SIZE the server advertised (0: none said, or no limit)."""
    try:
        return int((server.esmtp_features.get("size") or "0").split()[0])
    except (ValueError, IndexError):
        return 0


def _refusal(
    code: int, message: bytes | str, what: str, host: str, secret: str | None
) -> TransientError | PermanentError:
    words = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    words = " ".join(words.split())
    if secret and secret in words:
        words = words.replace(secret, "***")
    text = f"the SMTP server {host} refused {what}: {code} {words}"
    if 400 <= code < 500:
        return TransientError(text)
    return PermanentError(text)


def submit(
    settings: EmailSettings, secret: str | None, envelope_to: list[str], data: bytes
) -> dict[str, str]:
    """Hand ``data`` over; return refused recipients (when others were accepted)."""
    host = settings.smtp_host
    handed_over = False
    try:
        server = _connect(settings)
        try:
            _login(server, settings, secret)
            # RFC 1870: a server that says how large a message it takes is told this one's
            # size, and a reply over it fails at once, in words, instead of after the upload.
            limit = _size_limit(server)
            if limit and len(data) > limit:
                raise PermanentError(
                    f"the reply is {size_words(len(data))} as sent; the SMTP server {host} takes "
                    f"messages up to {size_words(limit)} (send a link to large files instead)"
                )
            options = [f"SIZE={len(data)}"] if server.has_extn("size") else []
            code, resp = server.mail(settings.address, options)
            if code != 250:
                raise _refusal(code, resp, "the sender address", host, secret)
            refused: dict[str, str] = {}
            last_refusal: TransientError | PermanentError | None = None
            for rcpt in envelope_to:
                code, resp = server.rcpt(rcpt)
                if code not in (250, 251):
                    last_refusal = _refusal(code, resp, f"the recipient {rcpt}", host, secret)
                    refused[rcpt] = str(last_refusal)
            if len(refused) == len(envelope_to):
                with contextlib.suppress(Exception):
                    server.rset()
                assert last_refusal is not None
                raise last_refusal
            code, resp = server.docmd("DATA")
            if code != 354:
                raise _refusal(code, resp, "the message", host, secret)
            # From here on the server may accept the message before we hear back.
            handed_over = True
            server.send(_dot_stuffed(data))
            code, resp = server.getreply()
            if code != 250:
                handed_over = False
                raise _refusal(code, resp, "the message", host, secret)
            with contextlib.suppress(Exception):
                server.quit()
            return refused
        finally:
            server.close()
    except (TransientError, PermanentError, AuthError, SettingsError):
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise _auth_error(exc, host, secret)
    except smtplib.SMTPResponseException as exc:
        raise _refusal(exc.smtp_code, exc.smtp_error, "the message", host, secret)
    except ssl.SSLCertVerificationError as exc:
        raise _certificate_error(exc, host)
    except (TimeoutError, smtplib.SMTPException, OSError, EOFError) as exc:
        if handed_over:
            raise TransientError(
                f"the connection to {host} was lost after the message was handed over; "
                "the server may or may not have accepted it"
            )
        raise TransientError(f"cannot reach the SMTP server {host}: {_words(exc, secret)}")


def _dot_stuffed(data: bytes) -> bytes:
    quoted = smtplib.quotedata(data.decode("ascii", "surrogateescape")).encode("ascii", "surrogateescape")
    if not quoted.endswith(b"\r\n"):
        quoted += b"\r\n"
    return quoted + b".\r\n"


def check(settings: EmailSettings, secret: str | None) -> None:
    host = settings.smtp_host
    try:
        server = _connect(settings)
        try:
            _login(server, settings, secret)
            with contextlib.suppress(Exception):
                server.quit()
        finally:
            server.close()
    except (TransientError, PermanentError, AuthError, SettingsError):
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise _auth_error(exc, host, secret)
    except smtplib.SMTPResponseException as exc:
        raise _refusal(exc.smtp_code, exc.smtp_error, "the connection", host, secret)
    except ssl.SSLCertVerificationError as exc:
        raise _certificate_error(exc, host)
    except (smtplib.SMTPException, OSError, EOFError) as exc:
        raise TransientError(
            f"cannot reach the SMTP server {host}: {_words(exc, secret)}", step=network_step(exc)
        )


def _auth_error(exc: smtplib.SMTPAuthenticationError, host: str, secret: str | None) -> AuthError:
    words = _refusal(exc.smtp_code, exc.smtp_error, "the login", host, secret)
    return AuthError(str(words), step="signin")


def _certificate_error(exc: ssl.SSLCertVerificationError, host: str) -> SettingsError:
    return SettingsError(
        f"the certificate of {host} is not trusted ({exc.verify_message}); if this server "
        "uses its own certificate, point setting 'ca_file' to it",
        step="tls",
    )


def _words(exc: BaseException, secret: str | None) -> str:
    text = str(exc) or type(exc).__name__
    if secret and secret in text:
        text = text.replace(secret, "***")
    return text[:300]
