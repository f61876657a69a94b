"""Telling a lost database (a stopped server, a cut network) from every other failure.

A lost database is waited out and the work resumed; any other error is the work's own.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, DisconnectionError

# SQLSTATE: class 08 is "connection exception"; 57P01-57P03 are an administrator's or a
# crash's shutdown and "the database system is starting up" (a server coming back).
_GONE_STATES = ("57P01", "57P02", "57P03")


def unreachable(exc: BaseException) -> bool:
    """True when ``exc`` means the database server could not be reached or went away."""
    if isinstance(exc, DisconnectionError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    module = type(orig).__module__
    if not module.startswith("psycopg"):
        return False  # SQLite has no server to lose: a locked file is not an outage
    state = getattr(orig, "sqlstate", None)
    if state:
        return str(state).startswith("08") or state in _GONE_STATES
    # No SQLSTATE: the client library itself failed to connect or lost the socket.
    from psycopg import InterfaceError, OperationalError

    return isinstance(orig, (OperationalError, InterfaceError))


def reason(exc: BaseException) -> str:
    """Why, in one short line, without the connection string's details."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    # "connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused"
    return text.rsplit(": ", 1)[-1][:160] if "failed:" in text else text[:160]
