"""Relevance among a window of matches (SQLite's index keeps no word counts to rank by)."""

from __future__ import annotations

import unicodedata

from inbox_app.core.read.ranking import Candidate, Ranker


def ranked(
    words: list[str],
    *texts: str | tuple[str, str],
    prefix: bool = True,
    counts: list[int] | None = None,
    limit: int = 10,
) -> list[int]:
    """Ids (1, 2, ... in the order given) best first."""
    candidates = []
    for i, t in enumerate(texts, start=1):
        subject, body = t if isinstance(t, tuple) else ("", t)
        candidates.append(Candidate(i, subject, body))
    ranker = Ranker(words, prefix=prefix, doc_counts=counts or [10] * len(words), total=1000)
    return [mid for mid, _ in ranker.rank(candidates, limit)]


def test_a_message_saying_the_word_more_often_comes_first() -> None:
    assert ranked(["rimborso"], "rimborso chiesto ieri sera", "rimborso, rimborso, rimborso!") == [2, 1]


def test_a_shorter_message_with_the_word_beats_a_long_one() -> None:
    long = "rimborso " + "e poi tante altre parole sul tempo e sul traffico " * 10
    assert ranked(["rimborso"], long, "rimborso chiesto") == [2, 1]


def test_the_subject_counts_double() -> None:
    assert ranked(["fattura"], ("", "la fattura manca"), ("fattura", "manca ancora")) == [2, 1]


def test_a_whole_word_beats_a_longer_word_it_begins() -> None:
    assert ranked(["ordine"], "ordinerei volentieri", "ordine spedito") == [2, 1]
    # Whole words only: a longer word counts for nothing.
    ranker = Ranker(["ordine"], prefix=False, doc_counts=[5], total=100)
    assert ranker.rank([Candidate(1, "", "ordinerei"), Candidate(2, "", "ordine")], 5)[1] == (1, 0.0)


def test_the_words_side_by_side_in_order_lift_a_message() -> None:
    assert ranked(["numero", "ordine"], "ordine senza il numero", "il numero ordine giusto") == [2, 1]


def test_a_rarer_word_weighs_more_than_a_common_one() -> None:
    texts = ("grazie grazie spedizione", "grazie spedizione spedizione")
    assert ranked(["grazie", "spedizione"], *texts, counts=[900, 20]) == [2, 1]
    assert ranked(["grazie", "spedizione"], *texts, counts=[20, 900]) == [1, 2]


def test_equal_scores_keep_the_newest_first_and_the_limit_holds() -> None:
    assert ranked(["ciao"], "ciao", "ciao", "ciao", limit=2) == [3, 2]


def test_accents_and_case_are_folded_as_the_index_folds_them() -> None:
    assert ranked(["perche"], "nessun motivo perche", "PERCHÉ? Perché sì") == [2, 1]
    # The same accents written as marks after their letters (as some mail programs send them).
    decomposed = unicodedata.normalize("NFD", "PERCHÉ? Perché sì")
    assert len(decomposed) > len("PERCHÉ? Perché sì")
    assert ranked(["perche"], "nessun motivo perche", decomposed) == [2, 1]
    assert ranked(["citta"], "la citta", "Città, città, CITTÀ") == [2, 1]
    # A mark is part of its word: "é" + "tude" does not start a word at "tude".
    assert ranked(["tude"], unicodedata.normalize("NFD", "étude étude"), "tude") == [2, 1]


def test_nothing_to_rank_is_an_empty_list() -> None:
    assert Ranker(["x"], prefix=True, doc_counts=[0], total=0).rank([], 5) == []


def test_a_hit_is_shown_where_its_words_are() -> None:
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from inbox_app.cli.output import message_line
    from inbox_app.core.read.search import snippet

    long = "Buongiorno, " + "vi scrivo per una questione del mio ordine. " * 4 + "Il rimborso manca."
    assert snippet(long, "rimborso", width=60).endswith("Il rimborso manca.")
    assert snippet(long, "rimborso", width=60).startswith("…")
    assert snippet("Grazie\n\n  mille", "zzz") == "Grazie mille"  # nothing found: the start, on one line
    row = SimpleNamespace(
        direction="in",
        delivery=None,
        error=None,
        sent_at=datetime(2026, 12, 1, tzinfo=UTC),
        channel="email",
        sender="anna@example.it",
        subject="Pratica 42",
        text=long,
    )
    assert "Il rimborso manca." in message_line(row, "rimborso")
    assert "Pratica 42 — Buongiorno" in message_line(row, "pratica")  # found in the subject only
    assert "rimborso" not in message_line(row)  # without words: the first line, as cases show prints
