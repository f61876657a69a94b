"""The tone of a customer's message, in [-1, 1], computed on this machine when it is stored.

English is read by VADER (``vaderSentiment``, whose lexicon ships inside the package:
nothing is downloaded) plus a few complaint phrases of ours it does not know
(resources/voice/tone_en.tsv); Italian by our own lexicon (tone_it.py). The language is
decided per message (tone_lang.py). Quoted text of earlier messages, signatures after
"-- ", a review's stars and courtesy formulas are left out: the tone is of what the
customer wrote now.
"""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from inbox_app.core.voice.tone_it import Lexicon, normalize, phrases_in, score_tokens, tokens_of
from inbox_app.core.voice.tone_lang import IT, counts_in

# Longer than this, a message is read from its start: what a customer feels is said
# early, and the time per message stays well under a millisecond.
MAX_CHARS = 1000
# Below these a message reads as neutral (VADER's own cut-offs).
POSITIVE_FROM = 0.05
NEGATIVE_FROM = -0.05

# What quoted text and signatures start with; looked for as plain substrings first (fast).
_QUOTE_HINTS = (">", "--", "wrote:", "scritto:", "riginal", "From:", "from:", "Da:", "da:")
_QUOTE_HEADER = re.compile(
    r"^(on .{0,200}wrote:|il .{0,200}ha scritto:|-----\s*original message|-----\s*messaggio originale"
    r"|from: .*|da: .*)\s*$",
    re.IGNORECASE,
)
_STARS = re.compile(r"[★☆]+")
# Courtesy formulas that carry no feeling ("Please find attached", "I would like to",
# a bare "Thanks." closing a request): VADER would count them as praise.
_FORMULAS = re.compile(
    r"\b(please find attached|please find|i would like to|i'd like to|kind regards|best regards|regards"
    r"|could you please|can you please)\b",
    re.IGNORECASE,
)
_FORMULA_HINTS = ("lease", "like", "egards")
_CLOSING_THANKS = re.compile(r"(?<=[.?!])\s*(grazie|thanks|thank you)\s*\.?\s*$", re.IGNORECASE)


@lru_cache(maxsize=4096)  # "ok", "grazie", "thanks!": the same short messages come again and again
def tone_of(text: str | None) -> float | None:
    """The tone of ``text`` in [-1, 1], rounded to three places; None when it has no words."""
    body = own_words(text or "")
    tokens = tokens_of(body)
    if not tokens:
        return None
    it, en = counts_in(tokens)
    if it == en:
        # No common word tells ("Vergognoso.", "Great!"): the language whose lexicon
        # knows the words decides.
        english, italian = _english(body, tokens), _italian_tone(body, tokens)
        return round(italian if abs(italian) > abs(english) else english, 3)
    if it > en:
        return round(_italian_tone(body, tokens), 3)
    return round(_english(body, tokens), 3)


def tone_in(text: str, lang: str) -> float:
    """The tone of ``text`` read as ``lang`` ("it" or "en"), whatever it looks like."""
    tokens = tokens_of(text)
    return _italian_tone(text, tokens) if lang == IT else _english(text, tokens)


def label(tone: float | None) -> str:
    """ "positive", "neutral" or "negative", as the labelled set names them."""
    if tone is None or NEGATIVE_FROM < tone < POSITIVE_FROM:
        return "neutral"
    return "positive" if tone >= POSITIVE_FROM else "negative"


def own_words(text: str) -> str:
    """What the customer wrote in this message: no quoted reply, no signature, no stars."""
    text = text[: MAX_CHARS * 2]
    if any(hint in text for hint in _QUOTE_HINTS):
        lines = []
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(">"):
                continue
            if stripped == "--" or _QUOTE_HEADER.match(stripped):
                break
            lines.append(line)
        text = "\n".join(lines)
    if "★" in text or "☆" in text:
        text = _STARS.sub(" ", text)
    text = text[:MAX_CHARS]
    if any(hint in text for hint in _FORMULA_HINTS):
        text = _FORMULAS.sub(" ", text)
    tail = text[-24:]
    if "razie" in tail or "hank" in tail:
        text = _CLOSING_THANKS.sub(" ", text)
    return text


def _italian_tone(text: str, tokens: list[str]) -> float:
    return normalize(score_tokens(tokens, text, _italian()))


def _english(text: str, tokens: list[str]) -> float:
    compound = _vader_compound(text)
    extra = phrases_in(tokens, _english_phrases())[1]
    if not extra:
        return compound
    # Back to VADER's sum of valences, add the phrases, squash again.
    compound = max(-0.9999, min(0.9999, compound))
    total = compound * math.sqrt(15.0 / (1.0 - compound * compound))
    return normalize(total + extra)


def _vader_compound(text: str) -> float:
    """VADER's compound score of ``text``: its ``polarity_scores``, less two costs that
    change nothing for most messages (tests/unit/voice/test_tone.py compares the two):
    the scan for emoji, character by character, when the text has none, and the scoring
    when no word of the text is in VADER's lexicon (the score is then 0)."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentiText

    vader = _vader()
    if not text.isascii() and not vader.emojis.keys().isdisjoint(set(text)):
        return float(vader.polarity_scores(text)["compound"])
    sentitext = SentiText(text.strip())
    words = sentitext.words_and_emoticons
    lexicon = vader.lexicon
    lowered = [w.lower() for w in words]
    if lexicon.keys().isdisjoint(lowered):
        return 0.0
    sentiments: list[float] = []
    for i, item in enumerate(words):
        # As polarity_scores: modifiers and "kind of" carry no valence of their own.
        if lowered[i] in BOOSTER_DICT or (
            lowered[i] == "kind" and i < len(words) - 1 and lowered[i + 1] == "of"
        ):
            sentiments.append(0)
            continue
        sentiments = vader.sentiment_valence(0, sentitext, item, i, sentiments)
    sentiments = vader._but_check(words, sentiments)
    return float(vader.score_valence(sentiments, text)["compound"])


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@cache
def _italian() -> Lexicon:
    return Lexicon.read(_resource("tone_it.tsv"))


@cache
def _english_phrases() -> Lexicon:
    return Lexicon.read(_resource("tone_en.tsv"))


def _resource(name: str) -> Path:
    from inbox_app.paths import resources_dir

    return resources_dir() / "voice" / name
