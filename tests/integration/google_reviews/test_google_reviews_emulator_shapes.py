"""The emulator answers in the shapes Google publishes, so the connector is tested against
Google's API and not against our idea of it.

Transcribed from the reference (developers.google.com/my-business/reference/rest/v4,
accounts.locations.reviews: Review, Reviewer, StarRating, ReviewReply; reviews.list:
ListReviewsResponse; the same shapes as the mybusiness v4 Discovery document) and from
Google's OAuth 2.0 token response and JSON error format. Fields Google added later
(reviewMediaItems, the answer's moderation state) are optional here and not emulated.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.emulators.google_reviews import REFRESH_TOKEN, GoogleReviewsEmulator

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$")
STAR_RATING = {"STAR_RATING_UNSPECIFIED", "ONE", "TWO", "THREE", "FOUR", "FIVE"}

# field -> type, or the name of another shape; "timestamp" and "StarRating" are strings
SHAPES: dict[str, dict[str, Any]] = {
    "Review": {
        "name": str,
        "reviewId": str,
        "reviewer": "Reviewer",
        "starRating": "StarRating",
        "comment": str,
        "createTime": "timestamp",
        "updateTime": "timestamp",
        "reviewReply": "ReviewReply",
        "reviewMediaItems": list,
    },
    "Reviewer": {"profilePhotoUrl": str, "displayName": str, "isAnonymous": bool},
    "ReviewReply": {"comment": str, "updateTime": "timestamp"},
    "ListReviewsResponse": {
        "reviews": ["Review"],
        "averageRating": (int, float),
        "totalReviewCount": int,
        "nextPageToken": str,
    },
    "TokenResponse": {
        "access_token": str,
        "expires_in": int,
        "scope": str,
        "token_type": str,
        "id_token": str,
    },
    "Status": {"code": int, "message": str, "status": str, "details": list},
}


def conforms(value: Any, shape: Any, where: str = "") -> list[str]:
    """What in ``value`` is not as ``shape`` says (empty: it conforms)."""
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [p for n, v in enumerate(value) for p in conforms(v, shape[0], f"{where}[{n}]")]
    if shape == "timestamp":
        return (
            [] if isinstance(value, str) and TIMESTAMP.match(value) else [f"{where}: not a Google timestamp"]
        )
    if shape == "StarRating":
        return [] if value in STAR_RATING else [f"{where}: not a StarRating"]
    if isinstance(shape, str):
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        fields = SHAPES[shape]
        problems = [f"{where}.{k}: not in {shape}" for k in value if k not in fields]
        problems += [f"{where}.{k}: null (proto3 leaves defaults out)" for k, v in value.items() if v is None]
        return problems + [
            p for k, v in value.items() if k in fields for p in conforms(v, fields[k], f"{where}.{k}")
        ]
    if shape is int and isinstance(value, bool):
        return [f"{where}: a boolean, not a number"]
    return [] if isinstance(value, shape) else [f"{where}: not {shape}"]


def test_every_answer_has_the_published_shape(emulator: GoogleReviewsEmulator) -> None:
    for n in range(55):
        emulator.customer_reviews(f"R{n}", n % 6, f"review {n}" if n % 3 else None, anonymous=n % 7 == 0)
    answered = emulator.customer_reviews("Ada", 5, "Great")
    emulator.owner_replies(answered, "Thanks")
    with httpx.Client(base_url=emulator.base_url) as http:
        token = http.post(
            "/token",
            data={
                "grant_type": "refresh_token",
                "client_id": emulator.client_id,
                "client_secret": emulator.client_secret,
                "refresh_token": REFRESH_TOKEN,
            },
        ).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        reviews = f"/v4/{emulator.location}/reviews"
        first = http.get(reviews, params={"pageSize": 50}, headers=auth).json()
        second = http.get(reviews, params={"pageToken": first["nextPageToken"]}, headers=auth).json()
        one = http.get(f"/v4/{answered['name']}", headers=auth).json()
        reply = http.put(f"/v4/{answered['name']}/reply", json={"comment": "Thanks!"}, headers=auth).json()
        gone = http.delete(f"/v4/{answered['name']}/reply", headers=auth)
        refused = http.get(reviews, headers={"Authorization": "Bearer ya29.expired"})
        missing = http.get(f"/v4/{emulator.location}/reviews/nope", headers=auth)
        ascending = http.get(reviews, params={"orderBy": "updateTime"}, headers=auth)
        empty_place = emulator.add_location("1", "2").name
        empty = http.get(f"/v4/{empty_place}/reviews", headers=auth).json()
        revoked = http.post(
            "/token",
            data={
                "grant_type": "refresh_token",
                "client_id": emulator.client_id,
                "client_secret": emulator.client_secret,
                "refresh_token": "1//x",
            },
        )

    assert conforms(token, "TokenResponse") == [] and token["token_type"] == "Bearer"
    assert conforms(first, "ListReviewsResponse") == [] and len(first["reviews"]) == 50
    assert conforms(second, "ListReviewsResponse") == [] and "nextPageToken" not in second
    assert first["totalReviewCount"] == second["totalReviewCount"] == 56 and len(second["reviews"]) == 6
    assert conforms(one, "Review") == [] and one["reviewReply"]["comment"] == "Thanks"
    assert conforms(reply, "ReviewReply") == [] and (gone.status_code, gone.json()) == (200, {})
    assert empty == {}  # no reviews, no count: proto3 leaves them out
    for answer, code, status in (
        (refused, 401, "UNAUTHENTICATED"),
        (missing, 404, "NOT_FOUND"),
        (ascending, 400, "INVALID_ARGUMENT"),
    ):
        assert answer.status_code == code and conforms(answer.json()["error"], "Status") == []
        assert answer.json()["error"]["status"] == status
    assert revoked.status_code == 400 and revoked.json()["error"] == "invalid_grant"
    anonymous = [r for r in first["reviews"] + second["reviews"] if r["reviewer"].get("isAnonymous")]
    assert anonymous and all("profilePhotoUrl" not in r["reviewer"] for r in anonymous)
    assert any("comment" not in r for r in first["reviews"])  # a rating without words has no comment
    times = [r["updateTime"] for r in first["reviews"]]
    assert times == sorted(times, reverse=True)  # updateTime desc, the default order


def test_the_shape_check_can_fail() -> None:
    assert conforms({"name": "x", "rating": 5}, "Review") == [".rating: not in Review"]
    assert conforms({"updateTime": "2024-01-02T03:04:05.12Z"}, "ReviewReply") == [
        ".updateTime: not a Google timestamp"
    ]
    assert conforms({"starRating": "SIX", "comment": None}, "Review") == [
        ".comment: null (proto3 leaves defaults out)",
        ".starRating: not a StarRating",
        ".comment: not <class 'str'>",
    ]
