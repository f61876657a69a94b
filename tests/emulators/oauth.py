"""An OAuth 2 authorization server of our own, over real HTTP on loopback.

What a provider (Google, Microsoft, a company's own) does for the sign-in flows we use:
- ``GET /authorize`` (RFC 6749 4.1.1 with PKCE, RFC 7636): checks the client, the loopback
  redirect and the S256 challenge, "signs in" as :attr:`user` (the test's stand-in for the
  person at the browser) and redirects back with the code and the state, or with
  ``error=access_denied`` when :attr:`deny` is set;
- ``POST /token``: ``authorization_code`` (the verifier must hash to the challenge, the
  redirect must match, a code works once) and ``refresh_token``; ``invalid_grant`` for a
  revoked or unknown grant; an OpenID ``id_token`` naming who signed in;
- ``POST /revoke`` (RFC 7009) and ``POST /introspect`` (RFC 7662), the latter the one
  Dovecot's oauth2 passdb and the test SMTP server ask about every token.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from tests.emulators.http import Handler, LoopbackEmulator


@dataclass
class Issued:
    """One grant: its refresh token and every access token issued under it."""

    user: str
    client_id: str
    scope: str
    refresh_token: str
    revoked: bool = False
    access: dict[str, float] = field(default_factory=dict)  # token -> expires at


def _jwt(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.sig"


class OAuthEmulator(LoopbackEmulator):
    thread_name = "oauth-emulator"

    def __init__(self, *, client_id: str = "unisono-test", client_secret: str | None = None) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.user = "user1"  # who signs in at the authorize page
        self.email = "support@example.com"
        self.deny = False
        self.lifetime = 3600  # seconds an access token lives
        self.grants: list[Issued] = []
        self.codes: dict[str, dict[str, str]] = {}
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()

    def start(self) -> str:
        return self.serve(_OAuthHandler)

    @property
    def authorize_url(self) -> str:
        return self.base_url + "/authorize"

    @property
    def token_url(self) -> str:
        return self.base_url + "/token"

    # -- what a test does to the grants
    def expire_all(self) -> None:
        """Every access token issued so far stops working, as an hour later."""
        with self.lock:
            for grant in self.grants:
                grant.access = dict.fromkeys(grant.access, 0.0)

    def revoke_all(self) -> None:
        """The person (or their admin) withdrew every sign-in."""
        with self.lock:
            for grant in self.grants:
                grant.revoked = True

    def count(self, path: str, grant_type: str | None = None) -> int:
        return sum(
            1
            for p, form in self.calls
            if p == path and (grant_type is None or form.get("grant_type") == grant_type)
        )

    def whose(self, token: str) -> str | None:
        """The user an access token is valid for right now, None when it is not."""
        with self.lock:
            for grant in self.grants:
                expires = grant.access.get(token)
                if expires is not None and not grant.revoked and expires > time.time():
                    return grant.user
        return None

    # -- endpoints
    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id:
            return 400, {}, {"error": "invalid_client"}
        host = urllib.parse.urlsplit(redirect).hostname
        if host not in ("127.0.0.1", "::1") or not redirect.startswith("http://"):
            return 400, {}, {"error": "invalid_request", "error_description": "loopback redirects only"}
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {}, {"error": "invalid_request", "error_description": "PKCE S256 required"}
        if query.get("response_type") != "code":
            return 400, {}, {"error": "unsupported_response_type"}
        state = query.get("state", "")
        if self.deny:
            target = {"error": "access_denied", "state": state}
        else:
            code = secrets.token_urlsafe(16)
            with self.lock:
                self.codes[code] = {
                    "challenge": query["code_challenge"],
                    "redirect_uri": redirect,
                    "scope": query.get("scope", ""),
                    "user": self.user,
                }
            target = {"code": code, "state": state}
        return 302, {"Location": redirect + "?" + urllib.parse.urlencode(target)}, None

    def token(self, form: dict[str, str]) -> tuple[int, Any]:
        if form.get("client_id") != self.client_id:
            return 401, {"error": "invalid_client"}
        if self.client_secret is not None and form.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client"}
        kind = form.get("grant_type")
        with self.lock:
            if kind == "authorization_code":
                asked = self.codes.pop(form.get("code", ""), None)
                if asked is None or asked["redirect_uri"] != form.get("redirect_uri"):
                    return 400, {"error": "invalid_grant"}
                verifier = form.get("code_verifier", "")
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
                if digest.decode() != asked["challenge"]:
                    return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
                grant = Issued(asked["user"], self.client_id, asked["scope"], secrets.token_urlsafe(24))
                self.grants.append(grant)
                return 200, self._access(grant, first=True)
            if kind == "refresh_token":
                for grant in self.grants:
                    if grant.refresh_token == form.get("refresh_token") and not grant.revoked:
                        return 200, self._access(grant, first=False)
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                }
        return 400, {"error": "unsupported_grant_type"}

    def _access(self, grant: Issued, *, first: bool) -> dict[str, Any]:
        token = "at-" + secrets.token_urlsafe(24)
        grant.access[token] = time.time() + self.lifetime
        answer: dict[str, Any] = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.lifetime,
            "scope": grant.scope,
            "id_token": _jwt({"sub": grant.user, "email": self.email}),
        }
        if first:
            answer["refresh_token"] = grant.refresh_token
        return answer

    def revoke(self, form: dict[str, str]) -> int:
        token = form.get("token", "")
        with self.lock:
            for grant in self.grants:
                if token == grant.refresh_token or token in grant.access:
                    grant.revoked = True
        return 200

    def introspect(self, form: dict[str, str]) -> dict[str, Any]:
        user = self.whose(form.get("token", ""))
        if user is None:
            return {"active": False}
        return {"active": True, "username": user, "client_id": self.client_id, "token_type": "Bearer"}


class _OAuthHandler(Handler):
    emulator: OAuthEmulator

    def do_GET(self) -> None:
        split = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(split.query).items()}
        self.emulator.calls.append((split.path, query))
        if split.path != "/authorize":
            self.answer_json(404, {"error": "not_found"}, {"Content-Type": "application/json"})
            return
        status, headers, body = self.emulator.authorize(query)
        if body is None:
            self.answer(status, b"", headers)
        else:
            self.answer_json(status, body, {"Content-Type": "application/json"})

    def do_POST(self) -> None:
        body, _type = self.read_body()
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        path = urllib.parse.urlsplit(self.path).path
        self.emulator.calls.append((path, form))
        json_type = {"Content-Type": "application/json", "Cache-Control": "no-store"}
        if path == "/token":
            status, answer = self.emulator.token(form)
            self.answer_json(status, answer, json_type)
        elif path == "/revoke":
            self.answer(self.emulator.revoke(form), b"", {})
        elif path == "/introspect":
            self.answer_json(200, self.emulator.introspect(form), json_type)
        else:
            self.answer_json(404, {"error": "not_found"}, json_type)
