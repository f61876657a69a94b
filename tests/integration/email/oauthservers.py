"""Mail servers that sign in with OAuth 2 for the tests: Dovecot with an oauth2 password
database asking our authorization server (tests/emulators/oauth.py) about every token
(RFC 7662 introspection), and an aiosmtpd server taking XOAUTH2 and OAUTHBEARER after
asking the same server."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.emulators.oauth import OAuthEmulator
from tests.integration.email import servers


def oauth_dovecot(folder: Path, cert: Path, key: Path, emulator: OAuthEmulator) -> servers.Dovecot:
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "dovecot-oauth2.conf.ext"
    conf.write_text(
        f"introspection_url = {emulator.base_url}/introspect\n"
        "introspection_mode = post\n"
        "username_attribute = username\n"
        "active_attribute = active\n"
        "active_value = true\n"
    )
    conf.chmod(0o644)
    extra = f"passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {conf}\n}}\n"
    return servers.Dovecot(folder, cert, key, extra=extra, mechanisms="plain login xoauth2 oauthbearer")


def _bearer(text: str) -> tuple[str, str]:
    """The user and the token of an XOAUTH2 or OAUTHBEARER initial response."""
    user = token = ""
    for field in text.split("\x01"):
        if field.startswith("user="):
            user = field[5:]
        elif field.startswith("n,a="):
            user = field[4:].split(",")[0].replace("=2C", ",").replace("=3D", "=")
        elif field.startswith("auth=Bearer "):
            token = field[12:]
    return user, token


class OAuthSmtpHandler(servers.RecordingHandler):
    """Records messages; signs in with a bearer token the authorization server vouches for."""

    def __init__(self, introspect_url: str) -> None:
        super().__init__()
        self.introspect_url = introspect_url
        self.logins: list[tuple[str, str]] = []  # (mechanism, user)

    async def _check(self, server: Any, mechanism: str, args: list[str]) -> AuthResult:
        text = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
        user, token = _bearer(text)
        async with httpx.AsyncClient() as http:
            answer = (await http.post(self.introspect_url, data={"token": token})).json()
        if answer.get("active") and answer.get("username") == user:
            self.logins.append((mechanism, user))
            return AuthResult(success=True, handled=False)
        # RFC 7628 3.2.2: the reasons as a challenge, then the client's empty answer.
        await server.challenge_auth(json.dumps({"status": "invalid_token"}))
        return AuthResult(success=False, handled=False)

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        return await self._check(server, "XOAUTH2", args)

    async def auth_OAUTHBEARER(self, server: Any, args: list[str]) -> AuthResult:
        return await self._check(server, "OAUTHBEARER", args)


class OAuthSmtpServer:
    def __init__(self, emulator: OAuthEmulator) -> None:
        self.handler = OAuthSmtpHandler(emulator.base_url + "/introspect")
        self.port = servers.free_port()
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            auth_require_tls=False,
            auth_exclude_mechanism=["LOGIN", "PLAIN"],
        )

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
