"""Full-text search over messages: FTS5 on SQLite, tsvector on PostgreSQL.

Ranking every match of a very common word costs seconds at a million messages,
so ranking is done among the newest matches (a window of a few thousand): rare
words get true relevance order, common words stay fast and show recent hits.
PostgreSQL ranks with ts_rank_cd (cover density: the words said often and close
together, divided by the log of the message's length; 9 % slower than plain ts_rank
over a 2,000-match window, where weighting the subject cost 35 %). SQLite's index
records which messages hold a word
and nothing more (see migration 0005: its relevance score was 0 for every match),
so the window's messages are read and ranked by their own words
(:mod:`inbox_app.core.read.ranking`).
"""

from __future__ import annotations

import re

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core.customers.identities import fold
from inbox_app.core.read.queries import Queries
from inbox_app.core.read.ranking import Candidate, Ranker
from inbox_app.core.read.rows import MessageRow
from inbox_app.core.store import textpack
from inbox_app.core.store.database import SEARCH_WORDS
from inbox_app.core.store.models import Message

RANK_WINDOW = 2000
#: SQLite ranks in Python, ~10 us a message (benchmarks/bench_search.py: p50 12 ms at
#: 1,000 on the 1M store, 21 ms at 2,000): half PostgreSQL's window keeps search quick.
SQLITE_RANK_WINDOW = 1000
_WORD = re.compile(r"\w+", re.UNICODE)
#: A prefix standing for more words than this is left to FTS5's own prefix query.
_MAX_EXPANSION = 64
#: Words in more messages than this weigh the same in the ranking (see _how_common).
COUNT_CAP = 20_000


class SearchError(Exception):
    pass


def terms(query: str) -> list[str]:
    return _WORD.findall(fold(query))


class SearchService:
    def __init__(self, factory: sessionmaker[Session], queries: Queries) -> None:
        self._factory = factory
        self._queries = queries

    def search(
        self,
        query: str,
        *,
        limit: int = 50,
        customer_id: int | None = None,
        window: int | None = None,
        prefix: bool = True,
    ) -> list[MessageRow]:
        """The best ``limit`` matches among the newest ``window`` (by default ``RANK_WINDOW``,
        ``SQLITE_RANK_WINDOW`` on SQLite).

        Words of three letters or more match as prefixes ("ordin" finds "ordine"); with
        ``prefix=False`` only whole words match, which on SQLite is far cheaper for a
        common word (its prefix query reads every longer word's list of messages too).
        Results as you type ask for whole words and a small window first: the first
        screenful comes quickly, and the full ranking follows when the agent scrolls.
        """
        words = terms(query)
        if not words:
            raise SearchError("type at least one word to search for")
        with self._factory() as s:
            sqlite = s.get_bind().dialect.name == "sqlite"
            window = max(limit, window or (SQLITE_RANK_WINDOW if sqlite else RANK_WINDOW))
            if sqlite:
                ranked = self._sqlite(s, words, limit, customer_id, window, prefix)
            else:
                ranked = self._postgres(s, words, limit, customer_id, window, prefix)
            if not ranked:
                return []
            ids = [mid for mid, _ in ranked]
            ranks = dict(ranked)
            rows = self._queries._messages(s, self._queries._msg_select().where(Message.id.in_(ids)), ranks)
        order = {mid: i for i, mid in enumerate(ids)}
        return sorted(rows, key=lambda r: order[r.id])

    def _sqlite(
        self, s: Session, words: list[str], limit: int, customer_id: int | None, window: int, prefix: bool
    ) -> list[tuple[int, float]]:
        parts = [_vocabulary(s, w, prefix and len(w) >= 3) for w in words]
        match = " AND ".join(parts)
        # The newest matches stream out of the index in rowid order; only the window's
        # texts are read, straight from the driver (the rows are ranked, not shown).
        where = "message_fts MATCH :q"
        params: dict[str, object] = {"q": match, "w": window}
        if customer_id is not None:
            where += " AND m.customer_id = :c"
            params["c"] = customer_id
        result = s.connection().execute(
            text(
                "SELECT m.id, m.subject, m.text FROM message_fts f JOIN messages m ON m.id = f.rowid "
                f"WHERE {where} ORDER BY f.rowid DESC LIMIT :w"
            ),
            params,
        )
        rows = result.cursor.fetchall() if result.cursor is not None else []
        result.close()
        if len(rows) <= 1:
            return [(int(r[0]), 0.0) for r in rows]
        # How rare each word is weighs words against each other: one word needs no count.
        counts = [_how_common(s, part) for part in parts] if len(parts) > 1 else [1]
        total = s.scalar(text("SELECT max(id) FROM messages")) or 0
        ranker = Ranker(words, prefix=prefix, doc_counts=counts, total=total)
        return ranker.rank(
            (Candidate(int(r[0]), r[1] or "", textpack.unpack(r[2]) or "") for r in rows), limit
        )

    def _postgres(
        self, s: Session, words: list[str], limit: int, customer_id: int | None, window: int, prefix: bool
    ) -> list[tuple[int, float]]:
        tsquery = " & ".join(f"{w}:*" if prefix else w for w in words)
        where = "search_vector @@ to_tsquery('simple', :q)"
        if customer_id is not None:
            where += " AND customer_id = :c"
        sql = text(
            f"SELECT id, ts_rank_cd(search_vector, to_tsquery('simple', :q), 1) AS r FROM "
            f"(SELECT id, search_vector FROM messages WHERE {where} "
            f"ORDER BY id DESC LIMIT :w) recent ORDER BY r DESC, id DESC LIMIT :n"
        ).bindparams(bindparam("q"), bindparam("w"), bindparam("n"))
        params: dict[str, object] = {"q": tsquery, "w": window, "n": limit}
        if customer_id is not None:
            params["c"] = customer_id
        return [(int(r[0]), float(r[1])) for r in s.execute(sql, params)]


def highlight_spans(text_value: str, query: str) -> list[tuple[int, int]]:
    """Where the query's words (accent-insensitive prefixes) occur in ``text_value``.

    Search results find these for every hit's text as the agent types, so plain ASCII
    takes the quick way: a text without any of the words is answered by one substring
    test, and an ASCII word is folded by ``lower()`` (the same as ``fold`` for it).
    """
    words = tuple(terms(query))
    if not words:
        return []
    if text_value.isascii():
        lowered = text_value.lower()
        if not any(w in lowered for w in words):
            return []
    spans = []
    for match in _WORD.finditer(text_value):
        word = match.group()
        folded = word.lower() if word.isascii() else fold(word)
        if folded.startswith(words):
            spans.append(match.span())
    return spans


def snippet(text_value: str, query: str, width: int = 140) -> str:
    """The part of ``text_value`` around the query's first word found, on one line."""
    flat = " ".join(text_value.split())
    spans = highlight_spans(flat, query)
    start = max(0, spans[0][0] - width // 3) if spans else 0
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


def _quoted(word: str) -> str:
    """A word as an FTS5 string: what the user typed never becomes query syntax."""
    return '"' + word.replace('"', '""') + '"'


def _vocabulary(s: Session, word: str, prefix: bool) -> str:
    """``word`` as an FTS5 query.

    As a prefix, ``word`` becomes the indexed words it begins, joined by OR: FTS5
    answers a prefix query by merging the complete list of every matching word
    before it can return the newest match (28-72 ms for a common word at a million
    messages); the same words as an OR of whole words stream newest first (~1 ms).
    The words come from the index's own vocabulary.
    """
    if not prefix:
        return _quoted(word)
    found = (
        s.execute(
            text(f"SELECT term FROM {SEARCH_WORDS} WHERE term >= :lo AND term < :hi LIMIT :m"),
            {"lo": word, "hi": word + "\U0010ffff", "m": _MAX_EXPANSION + 1},
        )
        .scalars()
        .all()
    )
    if not found:
        return _quoted(word)  # no indexed word begins so: nothing matches
    if len(found) > _MAX_EXPANSION:
        return _quoted(word) + "*"
    return "(" + " OR ".join(_quoted(t) for t in found) + ")"


def _how_common(s: Session, match: str) -> int:
    """In how many messages ``match`` is, counted up to ``COUNT_CAP``.

    Only how rare one word is against another matters to the ranking; the index's
    own counts (fts5vocab) read a common word's whole list (5 ms at a million).
    """
    return int(
        s.scalar(
            text("SELECT count(*) FROM (SELECT 1 FROM message_fts WHERE message_fts MATCH :q LIMIT :cap)"),
            {"q": match, "cap": COUNT_CAP},
        )
        or 0
    )
