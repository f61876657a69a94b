"""Which replies wait for a lead before they go: the rules, decided here, once.

A channel account may hold replies to reviews of ``approve_stars_max`` stars or fewer, and
every public reply (``approve_public=true``); an agent marked trainee has every reply held,
on every account. The admin sets the account's rules with its other settings
(``inbox-app accounts set NAME --set approve_stars_max=2``); they are kept beside the
connector's own settings, which connectors never see (like the routing team, see
:mod:`inbox_app.core.routing`). The outbox asks :func:`rule_for` when it queues a reply
(:mod:`inbox_app.core.approvals` holds it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from inbox_app.core.vocab import ApprovalRule

#: The account settings an admin gives, as they are stored.
STARS_MAX = "approve_stars_max"
PUBLIC = "approve_public"
ACCOUNT_KEYS = (STARS_MAX, PUBLIC)

_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")
_OFF = ("", "none", "off", "-")


class RuleSettingError(ValueError):
    """An approval setting with a value that means nothing; the message says why."""


@dataclass(frozen=True)
class AccountRules:
    stars_max: int | None = None  # replies to reviews of this many stars or fewer wait
    public: bool = False  # every public reply waits

    @property
    def any(self) -> bool:
        return self.stars_max is not None or self.public


def split(settings: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The connector's settings and the approval settings named among ``settings`` (checked;
    None for a rule turned off)."""
    rest = dict(settings)
    named = {key: _value(key, rest.pop(key)) for key in ACCOUNT_KEYS if key in rest}
    return rest, named


def stored(stored_settings: Mapping[str, Any], named: Mapping[str, Any]) -> dict[str, Any]:
    """The approval settings an account keeps after ``named`` changed some of them."""
    kept = {key: stored_settings[key] for key in ACCOUNT_KEYS if stored_settings.get(key) is not None}
    for key, value in named.items():
        if value is None or value is False:
            kept.pop(key, None)
        else:
            kept[key] = value
    return kept


def of_account(stored_settings: Mapping[str, Any]) -> AccountRules:
    stars = stored_settings.get(STARS_MAX)
    return AccountRules(int(stars) if stars is not None else None, bool(stored_settings.get(PUBLIC)))


def rule_for(*, trainee: bool, rules: AccountRules, public: bool, stars: int | None) -> ApprovalRule | None:
    """The rule that holds a reply, the first that applies; None when it may go at once.

    ``public``: the reply is seen by anyone (a review's answer, a public social post);
    ``stars``: the rating of the review it answers, None when it answers no rated review.
    """
    if trainee:
        return ApprovalRule.TRAINEE
    if rules.stars_max is not None and stars is not None and stars <= rules.stars_max:
        return ApprovalRule.LOW_RATING
    if rules.public and public:
        return ApprovalRule.PUBLIC
    return None


def rule_words(rule: str) -> str:
    """Why a reply waits, in English (the command line's words; the window has its own)."""
    words: dict[str, str] = {
        ApprovalRule.TRAINEE: "its author is a trainee",
        ApprovalRule.LOW_RATING: "it answers a low-rated review",
        ApprovalRule.PUBLIC: "it is public",
    }
    return words.get(rule, rule)


def _value(key: str, value: Any) -> Any:
    text = str(value).strip().lower() if not isinstance(value, bool) else ""
    if key == STARS_MAX:
        if value is None or text in _OFF:
            return None
        try:
            stars = int(text)
        except ValueError:
            raise RuleSettingError(
                f"setting {key!r} must be a number of stars from 1 to 5, or none, not {value!r}"
            )
        if not 1 <= stars <= 5:
            raise RuleSettingError(
                f"setting {key!r} must be a number of stars from 1 to 5, or none, not {value!r}"
            )
        return stars
    if isinstance(value, bool):
        return value
    if value is None or text in _FALSE or text in _OFF:
        return False
    if text in _TRUE:
        return True
    raise RuleSettingError(f"setting {key!r} must be true or false, not {value!r}")
