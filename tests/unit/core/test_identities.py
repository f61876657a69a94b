"""Exact, normalized identifiers: the same person is one customer, strangers stay apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inbox_app.core.customers.identities import InvalidIdentity, normalize, normalize_subject


@pytest.mark.parametrize(
    "kind, given_value, expected",
    [
        ("email", "  Anna.Rossi@Example.IT ", "anna.rossi@example.it"),
        ("email", "Anna Rossi <anna.rossi@example.it>", "anna.rossi@example.it"),
        ("phone", "+39 333 123 4567", "+393331234567"),
        ("phone", "+39 (333) 123-4567", "+393331234567"),
        ("mastodon", "Anna@Mastodon.Social", "@anna@mastodon.social"),
        ("mastodon", "@anna@mastodon.social", "@anna@mastodon.social"),
        ("matrix", " @anna:example.org ", "@anna:example.org"),
        ("telegram", " 4242 ", "4242"),
    ],
)
def test_normalized_forms(kind: str, given_value: str, expected: str) -> None:
    assert normalize(kind, given_value) == expected


@pytest.mark.parametrize(
    "kind, value",
    [
        ("email", "not an address"),
        ("email", "@example.com"),
        ("phone", "333 123 4567"),
        ("phone", "+39 1"),
        ("matrix", "anna"),
        ("mastodon", "anna"),
        ("fax", "123"),
        ("email", ""),
    ],
)
def test_invalid_identifiers_are_refused_in_words(kind: str, value: str) -> None:
    with pytest.raises(InvalidIdentity) as info:
        normalize(kind, value)
    assert str(info.value)


def test_a_local_number_needs_the_configured_region() -> None:
    assert normalize("phone", "333 123 4567", default_region="IT") == "+393331234567"


@given(
    local=st.from_regex(r"[a-z][a-z0-9.]{0,15}", fullmatch=True),
    domain=st.from_regex(r"[a-z]{2,10}\.(it|com|org)", fullmatch=True),
    noise=st.sampled_from(["", " ", "  "]),
    upper=st.booleans(),
)
@pytest.mark.slow
def test_email_normalization_is_stable_under_case_and_spacing(
    local: str, domain: str, noise: str, upper: bool
) -> None:
    address = f"{local}@{domain}"
    variant = f"{noise}{address.upper() if upper else address}{noise}"
    assert normalize("email", variant) == normalize("email", address) == address
    assert normalize("email", normalize("email", variant)) == address


@pytest.mark.parametrize(
    "subject, expected",
    [
        ("Re: Fattura", "fattura"),
        ("R: RE: Fwd: Fattura", "fattura"),
        ("I: Ordine 42", "ordine 42"),
        ("AW: Rechnung", "rechnung"),
        ("Re[2]: Ticket", "ticket"),
        ("", None),
        ("Re:", None),
    ],
)
def test_subjects_lose_reply_prefixes(subject: str, expected: str | None) -> None:
    assert normalize_subject(subject) == expected
