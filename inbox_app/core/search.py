"""Full-text search over messages: FTS5 on SQLite, tsvector on PostgreSQL.

Ranking every match of a very common word costs seconds at a million messages,
so on PostgreSQL ranking is done among the newest matches (a window of a few
thousand): rare words get true relevance order, common words stay fast and show
recent hits. SQLite's index records which messages hold a word and nothing more
(see migration 0005: its relevance score was 0 for every match), so matches come
newest first, and only as many as are asked for are read.
"""

from __future__ import annotations

import re

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core.db import SEARCH_WORDS
from inbox_app.core.identities import fold
from inbox_app.core.models import Message
from inbox_app.core.queries import Queries
from inbox_app.core.rows import MessageRow

RANK_WINDOW = 2000
_WORD = re.compile(r"\w+", re.UNICODE)
#: A prefix standing for more words than this is left to FTS5's own prefix query.
_MAX_EXPANSION = 64


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
        """The best ``limit`` matches among the newest ``window`` (default ``RANK_WINDOW``).

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
            window = max(limit, window or RANK_WINDOW)
            if s.get_bind().dialect.name == "sqlite":
                ranked = self._sqlite(s, words, limit, customer_id, prefix)
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
        self, s: Session, words: list[str], limit: int, customer_id: int | None, prefix: bool
    ) -> list[tuple[int, float]]:
        # Matches come newest first: the index holds no word counts to rank by.
        match = " AND ".join(_expand(s, w) if prefix and len(w) >= 3 else _quoted(w) for w in words)
        if customer_id is None:
            sql = text(
                "SELECT rowid FROM message_fts WHERE message_fts MATCH :q ORDER BY rowid DESC LIMIT :n"
            )
            params: dict[str, object] = {"q": match, "n": limit}
        else:
            sql = text(
                "SELECT f.rowid FROM message_fts f JOIN messages m ON m.id = f.rowid "
                "WHERE message_fts MATCH :q AND m.customer_id = :c ORDER BY f.rowid DESC LIMIT :n"
            )
            params = {"q": match, "n": limit, "c": customer_id}
        return [(int(r[0]), 0.0) for r in s.execute(sql, params)]

    def _postgres(
        self, s: Session, words: list[str], limit: int, customer_id: int | None, window: int, prefix: bool
    ) -> list[tuple[int, float]]:
        tsquery = " & ".join(f"{w}:*" if prefix else w for w in words)
        where = "search_vector @@ to_tsquery('simple', :q)"
        if customer_id is not None:
            where += " AND customer_id = :c"
        sql = text(
            f"SELECT id, ts_rank(search_vector, to_tsquery('simple', :q)) AS r FROM "
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


def _quoted(word: str) -> str:
    """A word as an FTS5 string: what the user typed never becomes query syntax."""
    return '"' + word.replace('"', '""') + '"'


def _expand(s: Session, word: str) -> str:
    """``word`` as a prefix: the indexed words it begins, joined by OR.

    FTS5 answers a prefix query by merging the complete list of every matching word
    before it can return the newest match (28-72 ms for a common word at a million
    messages); the same words as an OR of whole words stream newest first (~1 ms).
    The words come from the index's own vocabulary.
    """
    found = s.execute(
        text(f"SELECT term FROM {SEARCH_WORDS} WHERE term >= :lo AND term < :hi LIMIT :m"),
        {"lo": word, "hi": word + "\U0010ffff", "m": _MAX_EXPANSION + 1},
    ).scalars().all()
    if not found:
        return _quoted(word)  # no indexed word begins so: nothing matches
    if len(found) > _MAX_EXPANSION:
        return _quoted(word) + "*"
    return "(" + " OR ".join(_quoted(t) for t in found) + ")"
