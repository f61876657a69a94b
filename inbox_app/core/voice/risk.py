"""The at-risk score of a customer (0-100) from its factors, and each factor's share of it.

The score is the sum of the factors' points, capped at 100; each factor's share is its
part of that sum in whole percent, rounded so that the shares always add up to 100 (the
largest remainders get the spare points), which is what the chips in the window show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from inbox_app.core.voice.risk_factors import Factor

MAX_SCORE = 100


@dataclass(frozen=True)
class Risk:
    score: int
    factors: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "factors": [dict(f) for f in self.factors]}


def combine(factors: Iterable[Factor | None]) -> Risk:
    present = [f for f in factors if f is not None and f.points > 0]
    total = sum(f.points for f in present)
    if not present:
        return Risk(0)
    score = min(MAX_SCORE, round(total))
    shares = _shares([f.points for f in present])
    ranked = sorted(zip(present, shares, strict=True), key=lambda p: (-p[0].points, p[0].name))
    return Risk(
        score,
        tuple(
            {
                "name": f.name,
                "share": share,
                "points": round(f.points, 1),
                "detail": f.detail,
                "facts": f.facts,
            }
            for f, share in ranked
        ),
    )


def _shares(points: list[float]) -> list[int]:
    """Whole percentages of ``points`` adding up to exactly 100 (largest remainder)."""
    total = sum(points)
    exact = [p * 100 / total for p in points]
    shares = [int(e) for e in exact]
    spare = 100 - sum(shares)
    for i in sorted(range(len(points)), key=lambda i: -(exact[i] - shares[i]))[:spare]:
        shares[i] += 1
    return shares
