"""Italian tone from Unisono's own lexicon (resources/voice/tone_it.tsv), scored the way
VADER scores English so that both languages mean the same on the [-1, 1] scale.

Each word's valence is turned around by a negation among the three words before it in
its clause ("non sono soddisfatto"), strengthened by a booster ("molto", "troppo") or
weakened by a dampener ("un po'"; "poco chiaro" is unclear, so "poco" turns it around); a
word in capitals in a message that is not all capitals counts more, and so do
exclamation marks. Complaint phrases ("ancora niente", "è la terza volta") are matched
before single words. Words are compared without accents: customers on a phone keyboard
write "e la terza volta", "mai piu".

It runs for every customer message at ingest, so it works on one list of tokens with
dictionary lookups only (about 10 µs for a 300-character message).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

# VADER's constants (vaderSentiment.py): the same strength for the same kind of word.
CAPS_BOOST = 0.733
EXCLAIM_BOOST = 0.292
NORMALIZE_ALPHA = 15.0
# After "ma" / "però" the customer says what they mean: VADER weighs "but" the same way.
BUT_BEFORE, BUT_AFTER = 0.5, 1.5
_BUT = frozenset({"ma", "pero", "tuttavia"})
# A greeting, not a judgement: "Caro Marco", "Gentili signori".
_GREETING_WORDS = frozenset({"caro", "cara", "cari", "care", "gentile", "gentili", "egregio", "spettabile"})
# A negation or a booster reaches no further than its clause.
_BREAKS = frozenset(",.;:?!")
# No stem of the lexicon is longer: a 40-letter "word" (a code, a URL) is not looked up 40 times.
_LONGEST_STEM = 16

TOKEN = re.compile(r"[a-z0-9à-ÿ]+|[!?,.;:]")
_CAPS = re.compile(r"[A-ZÀ-Ý]{2}")
_ACCENTS = tuple(zip("àáèéìíòóùú", "aaeeiioouu", strict=True))


def tokens_of(text: str) -> list[str]:
    """The words and the punctuation that matters of ``text``: lower case, accents off."""
    lowered = text.lower()
    if not lowered.isascii():
        # Ten C-level replaces cost less than one str.translate with a table (a dict
        # lookup per character) on a message with accents in it.
        for accented, plain in _ACCENTS:
            if accented in lowered:
                lowered = lowered.replace(accented, plain)
    return TOKEN.findall(lowered)


@dataclass
class Lexicon:
    words: dict[str, float]
    stems: dict[str, float]
    # Phrases by their first word, longest first: (the words after it, value).
    phrases: dict[str, list[tuple[tuple[str, ...], float]]]
    negations: dict[str, float]
    boosters: dict[str, float]
    dampeners: dict[str, float]
    # Every word met so far and its valence (0.0 for the many that have none).
    seen: dict[str, float] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Lexicon:
        words: dict[str, float] = {}
        stems: dict[str, float] = {}
        phrases: dict[str, list[tuple[tuple[str, ...], float]]] = {}
        tables: dict[str, dict[str, float]] = {"negation": {}, "booster": {}, "dampener": {}}
        for line in path.read_text("utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            kind, term, value = line.split("\t")
            number = float(value)
            parts = tokens_of(term.rstrip("*"))
            if kind == "phrase" or (kind == "dampener" and len(parts) > 1):
                phrases.setdefault(parts[0], []).append((tuple(parts[1:]), number))
                if kind == "dampener":
                    tables["dampener"][" ".join(parts)] = number
            elif kind == "word" and term.endswith("*"):
                stems[parts[0]] = number
            elif kind == "word":
                words[parts[0]] = number
            else:
                tables[kind][parts[0]] = number
        for options in phrases.values():
            options.sort(key=lambda p: -len(p[0]))
        return cls(words, stems, phrases, tables["negation"], tables["booster"], tables["dampener"])

    def valence(self, word: str) -> float:
        found = self.seen.get(word)
        if found is None:
            found = self.words.get(word)
            if found is None:
                # The longest stem the word starts with: "vergognosa" -> "vergogn".
                found = next(
                    (
                        self.stems[word[:end]]
                        for end in range(min(len(word), _LONGEST_STEM), 3, -1)
                        if word[:end] in self.stems
                    ),
                    0.0,
                )
            if len(self.seen) < 200_000:
                self.seen[word] = found
        return found


def normalize(total: float) -> float:
    """VADER's squashing of a sum of valences into (-1, 1)."""
    return total / math.sqrt(total * total + NORMALIZE_ALPHA)


def phrases_in(tokens: list[str], lexicon: Lexicon) -> tuple[list[str], float]:
    """``tokens`` with the lexicon's phrases taken out (a dampener phrase stays as one
    token, "un po"), and the sum of the values of those taken out."""
    phrases = lexicon.phrases
    if phrases.keys().isdisjoint(tokens):  # most messages: one C-level pass, no Python loop
        return tokens, 0.0
    starts = [i for i, t in enumerate(tokens) if t in phrases]
    out: list[str] = []
    total = 0.0
    done = 0  # tokens before this index are in ``out`` or taken
    for i in starts:
        if i < done:
            continue  # inside a phrase already taken
        token = tokens[i]
        for rest, value in phrases[token]:
            end = i + 1 + len(rest)
            if tuple(tokens[i + 1 : end]) == rest:
                out += tokens[done:i]
                joined = " ".join((token, *rest))
                if joined in lexicon.dampeners:
                    out.append(joined)
                else:
                    total += value
                done = end
                break
    out += tokens[done:]
    return out, total


def raw_score(text: str, lexicon: Lexicon) -> float:
    """The sum of valences of ``text`` before squashing (phrases, words, modifiers, '!')."""
    return score_tokens(tokens_of(text), text, lexicon)


def score_tokens(tokens: list[str], text: str, lexicon: Lexicon) -> float:
    words, total = phrases_in(tokens, lexicon)
    bangs = min(words.count("!"), 4)
    if words and words[0] in _GREETING_WORDS:
        words = words[1:]
    caps = _capitals(text)
    but_at = None if _BUT.isdisjoint(words) else next(i for i, w in enumerate(words) if w in _BUT)
    seen = lexicon.seen
    # Most words carry no valence: look them all up at C level, visit only the others
    # (and the words not met before, None here, which valence() looks up and remembers).
    values = list(map(seen.get, words))
    for i, value in enumerate(values):
        if value == 0.0:
            continue
        word = words[i]
        if value is None:
            value = lexicon.valence(word)
            if value == 0.0:
                continue
        if caps and word in caps:
            value += CAPS_BOOST if value > 0 else -CAPS_BOOST
        if i:
            value = _modified(words, i, value, lexicon)
        if but_at is not None:
            value *= BUT_BEFORE if i < but_at else BUT_AFTER
        total += value
    if total and bangs:
        total += EXCLAIM_BOOST * bangs if total > 0 else -EXCLAIM_BOOST * bangs
    return total


def _capitals(text: str) -> frozenset[str]:
    """The words written in capitals, unless the whole message is (then none stands out)."""
    if not _CAPS.search(text) or text.isupper():
        return frozenset()
    return frozenset(tokens_of(" ".join(w for w in re.findall(r"\w+", text) if len(w) > 1 and w.isupper())))


def _modified(words: list[str], i: int, value: float, lexicon: Lexicon) -> float:
    """``value`` as the words before word ``i`` in its clause change it."""
    before = words[max(0, i - 3) : i]
    for k in range(len(before) - 1, -1, -1):
        if before[k] in _BREAKS:
            before = before[k + 1 :]
            break
    negation = None
    for j, word in enumerate(reversed(before)):
        scale = 1.0 if j == 0 else 0.95 if j == 1 else 0.9
        if word in lexicon.boosters:
            value += math.copysign(lexicon.boosters[word] * scale, value)
        elif word in lexicon.dampeners:
            amount = lexicon.dampeners[word]
            if amount < 0:
                # "poco": "poco chiaro" means unclear, "poco male" means not bad.
                return value * amount
            value -= math.copysign(min(abs(value), amount * scale), value)
        elif negation is None and word in lexicon.negations:
            negation = lexicon.negations[word]
    return value * negation if negation is not None else value
