"""Team mode: a database refusal, said to the user in one line of words.

When PostgreSQL refuses this login an action (SQLSTATE 42501), :func:`refusal` turns the
driver's error into a :class:`NotPermitted` whose message names the action and the table in
the user's words ("may not add templates"), never the statement or its parameters, which
may carry a customer's words or a password. The window, the command line and the roles
commands all say a refusal this way; it is not a crash.
"""

from __future__ import annotations

import re

INSUFFICIENT_PRIVILEGE = "42501"


class NotPermitted(Exception):
    """The database refused an action to this login; the message says what, in words."""


# How a refusal names a table to the user.
_TABLE_WORDS = {
    "channel_accounts": "channel accounts",
    "store_settings": "store settings",
    "audit_events": "audit events",
    "quarantine": "quarantined items",
    "customer_merges": "customer merges",
    "message_raw": "original messages",
    "attachment_blobs": "attachments",
    "text_dictionaries": "text dictionaries",
    "saved_searches": "saved searches",
    "alembic_version": "the schema version",
}
_VERBS = {"INSERT": "add", "UPDATE": "change", "DELETE": "delete", "SELECT": "read"}
_ROLE_STATEMENTS = ("CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "COMMENT")


def refusal(exc: BaseException) -> NotPermitted | None:
    """The database's refusal (SQLSTATE 42501) as one line in words; None for other errors."""
    if isinstance(exc, NotPermitted):
        return exc
    orig = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code != INSUFFICIENT_PRIVILEGE:
        return None
    return NotPermitted(refusal_words(getattr(exc, "statement", None), primary_message(orig)))


def primary_message(orig: BaseException) -> str:
    """The first line of the driver's own message (never the statement it ran)."""
    diag = getattr(orig, "diag", None)
    message = getattr(diag, "message_primary", None) or str(orig)
    lines = str(message).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


def refusal_words(statement: object, primary: str) -> str:
    """The refusal of ``statement`` in words, from its verb and the table in ``primary``."""
    verb = str(statement or "").lstrip().split(None, 1)[0].upper() if str(statement or "").strip() else ""
    found = re.search(r"permission denied for (?:table|relation|sequence|view) \"?([\w.]+)\"?", primary)
    if found and verb in _VERBS:
        name = found.group(1).rsplit(".", 1)[-1]
        if name.endswith("_seq"):
            name = re.sub(r"_[a-z0-9]+_seq$", "", name)
        words = _TABLE_WORDS.get(name, name.replace("_", " "))
        return f"not permitted: your database login may not {_VERBS[verb]} {words}"
    if verb in _ROLE_STATEMENTS:
        return (
            "not permitted: your database login may not manage database roles or rights "
            "(the store's owner does that)"
        )
    return f"not permitted by the database: {primary}"
