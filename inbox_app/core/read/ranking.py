"""Relevance among the newest matches of a search, for SQLite's lean index.

SQLite's search index records which messages hold a word and nothing more (see
migration 0005), so it cannot rank. The newest matches (a window of at most a few
thousand, as on PostgreSQL) are ranked here instead, from their own words, with
BM25, the measure full-text engines use: a word counts for more the more often a
message says it, the rarer it is in the store and the shorter the message.
On top of that, as an agent expects: a word in the subject counts double, a
whole word counts for more than a longer word it begins ("ordine" for "ord"
counts half), and the query's words side by side in its order (a phrase) lift a
message by half. Equal scores keep the newest first.

Each message is folded (lower-case, accents dropped, as the index folds) and scanned
by one compiled pattern per search: the scan runs in the regex engine. Folding is
most of the cost (Unicode decomposition of every text), which is why SQLite ranks
a smaller window than PostgreSQL (see ``inbox_app.core.read.search``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

K1 = 1.2
B = 0.75
SUBJECT_WEIGHT = 2.0
PREFIX_WEIGHT = 0.5
PHRASE_BOOST = 1.5

# Latin, Greek and Cyrillic accents are these combining marks; a rarer mark left in
# place only makes a word count a little less here, never a match missed.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


@dataclass(frozen=True)
class Candidate:
    id: int
    subject: str
    text: str


def folded(value: str) -> str:
    """``value`` lower-cased without accents, quickly: this runs for every message ranked.

    ASCII is only lower-cased. A text whose every other letter decomposes into an
    ASCII letter and accents ("perché", "città") keeps one ASCII letter per letter
    once the accents are dropped, which ``encode`` does in one call; anything else
    (a "€", a "ß", Greek) takes the general way.
    """
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = decomposed.encode("ascii", "ignore")
    if len(ascii_only) == len(value):
        return ascii_only.decode("ascii").lower()
    return _MARKS.sub("", decomposed).casefold()


class Ranker:
    """Scores messages for one query's (already folded) words."""

    def __init__(self, words: Sequence[str], *, prefix: bool, doc_counts: Sequence[int], total: int) -> None:
        self._words = list(dict.fromkeys(words))
        self._prefix = prefix
        total = max(total, 1)
        counts = dict(zip(words, doc_counts, strict=True))
        # BM25's idf, kept positive for words in nearly every message.
        self._idf = [math.log(1 + (total - n + 0.5) / (n + 0.5)) for n in (counts[w] for w in self._words)]
        # The patterns begin with the words themselves, not with a look-behind for the
        # start of a word: then the regex engine skips ahead to the words' first letters
        # (3x faster), and where a word starts is checked on each hit instead.
        alternatives = "|".join(re.escape(w) for w in sorted(self._words, key=len, reverse=True))
        self._pattern = re.compile(rf"(?:{alternatives})\w*")
        self._phrase = None
        if len(words) > 1:
            tail = r"\w*" if prefix else r"(?!\w)"
            self._phrase = re.compile(r"\W+".join(re.escape(w) + tail for w in words))

    def rank(self, candidates: Iterable[Candidate], limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` of ``candidates`` as (id, score), best first, newest first on ties."""
        # Subject and text are folded and scanned as one string (one call each instead
        # of two); a hit before the subject's end counts as a hit in the subject.
        docs = []
        for c in candidates:
            subject = c.subject.replace("\n", " ")
            if subject:
                value = folded(subject + "\n" + c.text)
                docs.append((c.id, value, value.index("\n")))
            else:
                docs.append((c.id, folded(c.text), -1))
        if not docs:
            return []
        average = max(sum(len(value) for _, value, _ in docs) / len(docs), 1.0)
        scored = []
        for mid, value, cut in docs:
            norm = K1 * (1 - B + B * len(value) / average)
            score = 0.0
            for idf, f in zip(self._idf, self._counts(value, cut), strict=True):
                if f:
                    score += idf * f * (K1 + 1) / (f + norm)
            if self._phrase is not None and self._has_phrase(value):
                score *= PHRASE_BOOST
            scored.append((score, mid))
        scored.sort(reverse=True)
        return [(mid, round(score, 4)) for score, mid in scored[:limit]]

    def _counts(self, value: str, cut: int) -> list[float]:
        """How often each word occurs in ``value``, a hit before ``cut`` (the subject) doubled."""
        counts = [0.0] * len(self._words)
        words = self._words
        for hit in self._pattern.finditer(value):
            at = hit.start()
            if not _starts_word(value, at):
                continue  # inside a longer word: "disordine" says nothing of "ordine"
            token = hit.group()
            weight = SUBJECT_WEIGHT if at < cut else 1.0
            for i, w in enumerate(words):
                if token == w:
                    counts[i] += weight
                elif self._prefix and token.startswith(w):
                    counts[i] += weight * PREFIX_WEIGHT
        return counts

    def _has_phrase(self, value: str) -> bool:
        assert self._phrase is not None
        return any(_starts_word(value, hit.start()) for hit in self._phrase.finditer(value))


def _starts_word(value: str, at: int) -> bool:
    if not at:
        return True
    before = value[at - 1]
    if unicodedata.combining(before):
        return False  # a mark belongs to the letter before it
    return not (before.isalnum() or before == "_")
