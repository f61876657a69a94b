"""Italian tone from Unisono's own lexicon (resources/voice/tone_it.tsv), scored the way
VADER scores English so that both languages mean the same on the [-1, 1] scale.

Each word's valence is turned around by a negation among the three words before it
("non sono soddisfatto"), strengthened by a booster ("molto", "troppo") or weakened by a
dampener ("un po'"; "poco chiaro" is unclear, so "poco" also turns it around); a word in
capitals in a message that is not all capitals counts more, and so do exclamation marks.
Complaint phrases ("ancora niente", "è la terza volta") are matched before single words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# VADER's constants (vaderSentiment.py): the same strength for the same kind of word.
CAPS_BOOST = 0.733
EXCLAIM_BOOST = 0.292
NORMALIZE_ALPHA = 15.0
# After "ma" / "però" the customer says what they mean: VADER weighs "but" the same way.
BUT_BEFORE, BUT_AFTER = 0.5, 1.5
_BUT = frozenset({"ma", "però", "pero", "tuttavia"})
# A greeting, not a complaint about prices: "Caro Marco, ..."
_GREETING_WORDS = frozenset({"caro", "cara", "cari", "care", "gentile", "gentili", "egregio", "spettabile"})

_TOKEN = re.compile(r"[A-Za-zÀ-ÿ]+'?|[!?,.;:]")
# A negation or a booster reaches no further than its clause.
_BREAKS = frozenset(",.;:?!")
_FOLD = str.maketrans("àáèéìíòóùú", "aaeeiioouu")


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, float]
    stems: dict[str, float]
    # Every phrase in one alternation (longest first), and each spelling's value.
    phrases: re.Pattern[str] | None
    phrase_values: dict[str, float]
    negations: dict[str, float]
    boosters: dict[str, float]
    dampeners: dict[str, float]

    @classmethod
    def read(cls, path: Path) -> Lexicon:
        words: dict[str, float] = {}
        stems: dict[str, float] = {}
        phrases: dict[str, float] = {}
        negations: dict[str, float] = {}
        boosters: dict[str, float] = {}
        dampeners: dict[str, float] = {}
        for line in path.read_text("utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            kind, term, value = line.split("\t")
            number = float(value)
            if kind == "phrase":
                phrases[term] = number
            elif kind == "word" and term.endswith("*"):
                stems[term[:-1]] = number
            else:
                table = {"word": words, "negation": negations, "booster": boosters, "dampener": dampeners}
                for form in {term, term.translate(_FOLD)}:
                    table[kind][form] = number
        # Longer phrases first: "ancora nessuna risposta" before "nessuna risposta".
        ordered = sorted(phrases, key=len, reverse=True)
        pattern = (
            re.compile(r"(?<![\w'])(?:" + "|".join(_phrase_pattern(t) for t in ordered) + r")(?!\w)")
            if ordered
            else None
        )
        values = {_spelling(t): v for t, v in phrases.items()}
        return cls(words, stems, pattern, values, negations, boosters, dampeners)

    def valence(self, word: str) -> float:
        return _valence(self, word)


def _phrase_pattern(term: str) -> str:
    # Accents are often left out on a phone keyboard: "e la terza volta", "mai piu".
    body = r"\s+".join(re.escape(w) for w in term.split())
    for accented, plain in (("è", "e"), ("à", "a"), ("ù", "u"), ("ò", "o"), ("ì", "i"), ("é", "e")):
        body = body.replace(accented, f"[{accented}{plain}]")
    return body


def _spelling(phrase: str) -> str:
    """One key for every way a phrase is typed: accents off, single spaces."""
    return " ".join(phrase.translate(_FOLD).split())


@lru_cache(maxsize=32768)
def _valence_cached(lexicon_id: int, word: str) -> float:
    lexicon = _LEXICONS[lexicon_id]
    found = lexicon.words.get(word)
    if found is not None:
        return found
    folded = word.translate(_FOLD)
    found = lexicon.words.get(folded)
    if found is not None:
        return found
    # The longest stem the word starts with: "vergognosa" -> "vergogn".
    for end in range(min(len(folded), _LONGEST_STEM), 3, -1):
        found = lexicon.stems.get(folded[:end])
        if found is not None:
            return found
    return 0.0


_LEXICONS: dict[int, Lexicon] = {}
# No stem of the lexicon is longer: a 40-letter "word" (a code, a URL) is not looked up 40 times.
_LONGEST_STEM = 16


def _valence(lexicon: Lexicon, word: str) -> float:
    _LEXICONS.setdefault(id(lexicon), lexicon)
    return _valence_cached(id(lexicon), word)


def normalize(total: float) -> float:
    """VADER's squashing of a sum of valences into (-1, 1)."""
    return total / math.sqrt(total * total + NORMALIZE_ALPHA)


def raw_score(text: str, lexicon: Lexicon) -> float:
    """The sum of valences of ``text`` before squashing (phrases, words, modifiers, '!')."""
    lowered, phrase_total = phrases_in(text.lower(), lexicon)
    total = 0.0
    tokens_orig = _TOKEN.findall(text)
    all_caps_text = text.isupper()
    caps = {t.lower() for t in tokens_orig if len(t) > 1 and t.isupper() and not all_caps_text}
    tokens = _TOKEN.findall(lowered)
    words = [t for t in tokens if t not in ("!", "?")]
    bangs = min(tokens.count("!"), 4)
    if words and words[0] in _GREETING_WORDS:
        words = words[1:]
    but_at = next((i for i, w in enumerate(words) if w in _BUT), None)
    for i, word in enumerate(words):
        if word in _BREAKS:
            continue
        value = lexicon.valence(word.rstrip("'"))
        if value == 0.0:
            continue
        if word in caps:
            value += CAPS_BOOST if value > 0 else -CAPS_BOOST
        value = _modified(words, i, value, lexicon)
        if but_at is not None:
            value *= BUT_BEFORE if i < but_at else BUT_AFTER
        total += value
    total += phrase_total
    if total and bangs:
        total += EXCLAIM_BOOST * bangs if total > 0 else -EXCLAIM_BOOST * bangs
    return total


def phrases_in(lowered: str, lexicon: Lexicon) -> tuple[str, float]:
    """``lowered`` without the lexicon's phrases, and the sum of their values."""
    if lexicon.phrases is None:
        return lowered, 0.0
    found: list[float] = []

    def take(match: re.Match[str]) -> str:
        found.append(lexicon.phrase_values.get(_spelling(match.group(0)), 0.0))
        return " "

    return lexicon.phrases.sub(take, lowered), sum(found)


def _modified(words: list[str], i: int, value: float, lexicon: Lexicon) -> float:
    """``value`` as the words before word ``i`` change it."""
    before = words[max(0, i - 3) : i]
    for k in range(len(before) - 1, -1, -1):
        if before[k] in _BREAKS:
            before = before[k + 1 :]
            break
    for j, word in enumerate(reversed(before)):
        scale = 1.0 if j == 0 else 0.95 if j == 1 else 0.9
        bare = word.rstrip("'")
        if bare in lexicon.boosters:
            value += math.copysign(lexicon.boosters[bare] * scale, value)
        elif bare in lexicon.dampeners and lexicon.dampeners[bare] >= 0:
            value -= math.copysign(min(abs(value), lexicon.dampeners[bare] * scale), value)
        elif bare in lexicon.dampeners:
            # "poco": "poco chiaro" means unclear, "poco male" means not bad.
            return value * lexicon.dampeners[bare]
    # Two-word dampeners: "un po'", "un pochino".
    if len(before) >= 2:
        pair = f"{before[-2]} {before[-1].rstrip(chr(39))}"
        amount = lexicon.dampeners.get(pair)
        if amount is not None:
            value -= math.copysign(min(abs(value), amount), value)
    negation = next((lexicon.negations[w] for w in before if w in lexicon.negations), None)
    if negation is not None:
        value *= negation
    return value
