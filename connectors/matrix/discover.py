"""Finding a Matrix account's homeserver from its Matrix ID alone (the client-server API's
server discovery: ``https://SERVER/.well-known/matrix/client``)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import httpx

from connectors.base import SettingsError

from .session import check_homeserver


@dataclass(frozen=True)
class Homeserver:
    base_url: str
    source: str  # "well-known", or "server name" when the server publishes no file


def server_name(user_id: str) -> str:
    """The server part of ``@name:server`` (a port may follow the host)."""
    local, sep, server = user_id.strip().partition(":")
    if not local.startswith("@") or len(local) < 2 or not sep or not server:
        raise SettingsError(f"a Matrix ID looks like @name:example.org, not {user_id!r}", step="lookup")
    return server


async def find_homeserver(
    user_id: str, *, tls: ssl.SSLContext | None = None, timeout: float = 10.0
) -> Homeserver:
    """The homeserver of ``user_id``: the well-known file's ``m.homeserver.base_url``, checked
    by asking it for its versions; without a file, the server name itself if it answers.

    Raises :class:`SettingsError` (step ``lookup``) saying what was tried.
    """
    server = server_name(user_id)
    verify: ssl.SSLContext | bool = tls or ssl.create_default_context()
    async with httpx.AsyncClient(verify=verify, timeout=timeout, follow_redirects=True) as client:
        candidate, source = f"https://{server}", "server name"
        reply: httpx.Response | None = None
        try:
            reply = await client.get(f"https://{server}/.well-known/matrix/client")
            reached = f"https://{server}/.well-known/matrix/client answered {reply.status_code}"
        except httpx.HTTPError as exc:
            reached = f"could not reach https://{server} ({type(exc).__name__})"
        if reply is not None and reply.status_code == 200:
            try:
                data = reply.json()
                base = str(data["m.homeserver"]["base_url"])
            except (ValueError, KeyError, TypeError):
                raise SettingsError(
                    f"https://{server}/.well-known/matrix/client does not name a homeserver; "
                    "type the homeserver's address by hand",
                    step="lookup",
                )
            candidate, source = check_homeserver(base), "well-known"
        try:
            versions = await client.get(f"{candidate.rstrip('/')}/_matrix/client/versions")
            ok = versions.status_code == 200 and "versions" in versions.json()
        except (httpx.HTTPError, ValueError):
            ok = False
        if not ok:
            raise SettingsError(
                f"no Matrix homeserver found for {server}: {reached}, and {candidate} is not a "
                "homeserver; type the homeserver's address by hand (your Matrix provider gives it)",
                step="lookup",
            )
        return Homeserver(candidate.rstrip("/"), source)
