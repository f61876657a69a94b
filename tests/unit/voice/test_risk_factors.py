"""Each at-risk factor on plain values, and how factors combine into a score and shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inbox_app.core.voice import risk_factors as rf
from inbox_app.core.voice.risk import combine

T = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_sla_breaches_count_each_missed_target() -> None:
    assert rf.sla_factor([]) is None
    assert rf.sla_factor([None, "", " "]) is None
    one = rf.sla_factor(["first_response", None])
    assert one is not None and one.name == "sla" and one.points == 10.0
    assert one.detail == "1 service-level target missed on 1 case (first response)"
    two = rf.sla_factor(["first_response,resolution", None, "first_response"])
    assert two is not None and two.points == 20.0  # capped at the weight
    assert two.detail == "3 service-level targets missed on 2 cases (first response, resolution)"


def test_low_csat_counts_the_worst_recent_answer() -> None:
    assert rf.csat_factor([]) is None
    assert rf.csat_factor([5, 4, 4]) is None
    one = rf.csat_factor([1])
    assert one is not None and one.points == 20.0 and one.detail == "satisfaction answer of 1 out of 5"
    two = rf.csat_factor([2, 5])
    assert two is not None and two.points == 15.0
    three = rf.csat_factor([3])
    assert three is not None and three.points == 5.0
    # A good answer since then halves what the bad one weighs.
    mended = rf.csat_factor([5, 1])
    assert mended is not None and mended.points == 10.0
    both = rf.csat_factor([2, 1])
    assert both is not None and both.detail == "satisfaction answers of 2 and 1 out of 5"


def test_tone_factor_reads_the_last_five_messages() -> None:
    assert rf.tone_factor([]) is None
    assert rf.tone_factor([0.5, 0.2, 0.0]) is None
    full = rf.tone_factor([-0.8, -0.7, -0.9])
    assert full is not None and full.points == 30.0
    half = rf.tone_factor([-0.6, 0.0])
    assert half is not None and half.points == 15.0
    assert half.detail == "1 of the last 2 messages in a negative tone (average -0.60)"
    # Older than the last five: not read.
    assert rf.tone_factor([0.1] * 5 + [-1.0]) is None


def test_waiting_grows_to_its_weight_in_a_day() -> None:
    assert rf.waiting_factor(None, business=False) is None
    assert rf.waiting_factor(timedelta(minutes=59), business=False) is None
    six = rf.waiting_factor(6 * H, business=True, case_id=12)
    assert six is not None and six.points == 5.0
    assert six.detail == "waiting for an answer for 6 h in business hours on case 12"
    long = rf.waiting_factor(72 * H, business=False)
    assert long is not None and long.points == 20.0 and long.detail == "waiting for an answer for 3 days"


def test_reviews_reopenings_hopping_and_repeats() -> None:
    assert rf.reviews_factor([5, 4, 3]) is None
    one_star = rf.reviews_factor([1, 5])
    assert one_star is not None and one_star.points == 25.0 and one_star.detail == "1 review of 1 star"
    two_stars = rf.reviews_factor([2])
    assert two_stars is not None and two_stars.points == 18.0
    assert rf.reopened_factor(0) is None
    reopened = rf.reopened_factor(1)
    assert reopened is not None and reopened.points == 7.5
    assert rf.reopened_factor(5).points == 15.0  # type: ignore[union-attr]
    assert rf.hopping_factor([(T, "email"), (T + 49 * H, "chat")]) is None
    assert rf.hopping_factor([(T, "email"), (T + 5 * H, "email")]) is None
    hop = rf.hopping_factor([(T, "email"), (T + 5 * H, "chat")])
    assert (
        hop is not None and hop.points == 15.0 and hop.detail == "wrote on email and then on chat within 5 h"
    )
    assert rf.repeat_factor([(T, T + H), (T + 9 * 24 * H, None)]) is None
    repeat = rf.repeat_factor([(T, T + H), (T + 3 * 24 * H, None)])
    assert repeat is not None and repeat.points == 10.0


def test_shares_add_up_to_100_and_follow_the_points() -> None:
    risk = combine(
        [
            rf.Factor("tone", 20.0, "a"),
            rf.Factor("waiting", 10.0, "b"),
            rf.Factor("reviews", 10.0, "c"),
            None,
        ]
    )
    assert risk.score == 40
    assert [(f["name"], f["share"]) for f in risk.factors] == [("tone", 50), ("reviews", 25), ("waiting", 25)]
    thirds = combine([rf.Factor("a", 10.0, ""), rf.Factor("b", 10.0, ""), rf.Factor("c", 10.0, "")])
    assert sum(f["share"] for f in thirds.factors) == 100 and {f["share"] for f in thirds.factors} == {33, 34}
    capped = combine(
        [
            rf.Factor("tone", 30.0, ""),
            rf.Factor("reviews", 25.0, ""),
            rf.Factor("sla", 20.0, ""),
            rf.Factor("csat", 20.0, ""),
            rf.Factor("waiting", 20.0, ""),
        ]
    )
    assert capped.score == 100 and sum(f["share"] for f in capped.factors) == 100
    assert combine([None, None]).score == 0 and combine([]).factors == ()


def test_sla_and_csat_inputs_count_in_the_score() -> None:
    from inbox_app.core.voice.risk_inputs import Inputs
    from inbox_app.core.voice.risk_store import score_of

    plain = score_of(Inputs(), T, None)
    assert plain.score == 0 and plain.factors == ()
    risk = score_of(Inputs(sla_breached=["first_response"], csat_scores=[1]), T, None)
    assert risk.score == 30
    assert [(f["name"], f["share"]) for f in risk.factors] == [("csat", 67), ("sla", 33)]
