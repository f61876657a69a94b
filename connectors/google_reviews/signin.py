"""Signing a Google Business Profile location in with Google (OAuth 2, connectors/oauth.py)
instead of pasting a refresh token, and listing the manager's locations to pick from.

The locations come from Google's v1 APIs: ``accounts.list`` (Account Management API) and
``accounts.locations.list`` (Business Information API, ``readMask`` required); their
``locations/L`` names become the reviews API's ``accounts/A/locations/L``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from connectors.base import AuthError, TransientError
from connectors.oauth import PROVIDERS, Grant, OAuthConfig

ACCOUNTS_API = "https://mybusinessaccountmanagement.googleapis.com"
LOCATIONS_API = "https://mybusinessbusinessinformation.googleapis.com"
MAX_PAGES = 20  # 2,000 locations per account is more than any manager picks from a list


def config_of(settings: Mapping[str, Any]) -> OAuthConfig:
    """The sign-in's endpoints: this kind names its client ``client_id`` and its token
    address ``token_url`` (older settings); ``oauth_authorize_url`` and ``oauth_scope``
    as every kind does."""
    return OAuthConfig.from_settings(
        {
            "oauth_client_id": settings.get("client_id"),
            "oauth_token_url": settings.get("token_url"),
            "oauth_authorize_url": settings.get("oauth_authorize_url"),
            "oauth_scope": settings.get("oauth_scope"),
        },
        PROVIDERS["google"],
        "business",
    )


async def _pages(http: httpx.AsyncClient, url: str, params: dict[str, str], key: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    token = ""
    for _ in range(MAX_PAGES):
        reply = await http.get(url, params={**params, **({"pageToken": token} if token else {})})
        if reply.status_code in (401, 403):
            raise AuthError(
                "Google did not let this sign-in list the Business Profile locations; sign in with a "
                "manager of the location",
                step="signin",
            )
        if reply.status_code >= 400:
            raise TransientError(
                f"Google refused the list of locations (HTTP {reply.status_code})", step="folder"
            )
        page = reply.json()
        found += [item for item in page.get(key) or () if isinstance(item, dict)]
        token = str(page.get("nextPageToken") or "")
        if not token:
            break
    return found


async def manager_locations(settings: Mapping[str, Any], secret: str) -> list[tuple[str, str]]:
    """Every location the signed-in manager may answer for: (``accounts/A/locations/L``,
    its name and address in words), in the order Google gives them."""
    grant = Grant.from_secret(secret)
    if grant is None:
        return []
    accounts_api = str(settings.get("accounts_api") or ACCOUNTS_API).rstrip("/")
    locations_api = str(settings.get("locations_api") or LOCATIONS_API).rstrip("/")
    headers = {"Authorization": f"Bearer {grant.access_token}", "User-Agent": "Unisono"}
    places: list[tuple[str, str]] = []
    try:
        async with httpx.AsyncClient(timeout=30.0, headers=headers) as http:
            for account in await _pages(http, f"{accounts_api}/v1/accounts", {"pageSize": "20"}, "accounts"):
                name = str(account.get("name") or "")
                if not name.startswith("accounts/"):
                    continue
                mask = {"readMask": "name,title,storefrontAddress", "pageSize": "100"}
                for place in await _pages(http, f"{locations_api}/v1/{name}/locations", mask, "locations"):
                    place_id = str(place.get("name") or "").removeprefix("locations/")
                    if place_id:
                        places.append((f"{name}/locations/{place_id}", _words(place)))
    except httpx.HTTPError as exc:
        raise TransientError(
            f"cannot reach Google to list the locations ({type(exc).__name__})", step="connect"
        )
    return places


def _words(place: Mapping[str, Any]) -> str:
    address = place.get("storefrontAddress") or {}
    lines = [*(address.get("addressLines") or ()), address.get("locality") or ""]
    where = ", ".join(str(line) for line in lines if line)
    title = str(place.get("title") or place.get("name") or "")
    return f"{title} — {where}" if where else title
