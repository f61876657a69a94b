"""The tone of a customer's message, in [-1, 1], computed on this machine when it is stored.

English is read by VADER (``vaderSentiment``, whose lexicon ships inside the package:
nothing is downloaded) plus a few complaint phrases of ours it does not know
(resources/voice/tone_en.tsv); Italian by our own lexicon (tone_it.py). The language is
decided per message (tone_lang.py). Quoted text of earlier messages, signatures after
"-- " and a review's stars are left out: the tone is of what the customer wrote now.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from inbox_app.core.voice.tone_it import Lexicon, normalize, phrases_in, raw_score
from inbox_app.core.voice.tone_lang import EN, IT, language_counts

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Longer than this, a message is read from its start: what a customer feels is said
# early, and the time per message stays well under a millisecond.
MAX_CHARS = 1000
# Below these a message reads as neutral (VADER's own cut-offs).
POSITIVE_FROM = 0.05
NEGATIVE_FROM = -0.05

_QUOTE_HEADER = re.compile(
    r"^(on .{0,200}wrote:|il .{0,200}ha scritto:|-----\s*original message|-----\s*messaggio originale"
    r"|from: .*|da: .*)\s*$",
    re.IGNORECASE,
)
_STARS = re.compile(r"[★☆]+")
# Courtesy formulas that carry no feeling ("Please find attached", "I would like to",
# a bare "Thanks." closing a request, "Cordiali saluti"): VADER would count them as praise.
_COURTESY = re.compile(
    r"\b(please find attached|please find|i would like to|i'd like to|kind regards|best regards|regards"
    r"|could you please|can you please)\b|(?<=[.?!])\s*(grazie|thanks|thank you)\s*\.?\s*$",
    re.IGNORECASE,
)


def tone_of(text: str | None) -> float | None:
    """The tone of ``text`` in [-1, 1], rounded to three places; None when it has no words."""
    body = own_words(text or "")
    if not body.strip():
        return None
    it, en = language_counts(body)
    if it == en:
        # No common word tells ("Vergognoso.", "Great!"): the language whose lexicon
        # knows the words decides.
        english, italian = tone_in(body, EN), tone_in(body, IT)
        return round(italian if abs(italian) > abs(english) else english, 3)
    return round(tone_in(body, IT if it > en else EN), 3)


def tone_in(text: str, lang: str) -> float:
    if lang == IT:
        return normalize(raw_score(text, _italian()))
    return _english(text)


def label(tone: float | None) -> str:
    """ "positive", "neutral" or "negative", as the labelled set names them."""
    if tone is None or NEGATIVE_FROM < tone < POSITIVE_FROM:
        return "neutral"
    return "positive" if tone >= POSITIVE_FROM else "negative"


def own_words(text: str) -> str:
    """What the customer wrote in this message: no quoted reply, no signature, no stars."""
    lines = []
    for line in text[: MAX_CHARS * 2].splitlines():
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        if stripped == "--" or _QUOTE_HEADER.match(stripped):
            break
        lines.append(line)
    body = _STARS.sub(" ", "\n".join(lines))[:MAX_CHARS]
    return _COURTESY.sub(" ", body)


def _english(text: str) -> float:
    compound = float(_vader().polarity_scores(text)["compound"])
    extra = phrases_in(text.lower(), _english_phrases())[1]
    if not extra:
        return compound
    # Back to VADER's sum of valences, add the phrases, squash again.
    compound = max(-0.9999, min(0.9999, compound))
    total = compound * math.sqrt(15.0 / (1.0 - compound * compound))
    return normalize(total + extra)


@cache
def _vader() -> SentimentIntensityAnalyzer:
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
