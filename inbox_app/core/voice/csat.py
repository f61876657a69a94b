"""Satisfaction (CSAT): the question, the customer's language, and reading the answer.

Plain functions, no store: the asking pass (csat_ask.py) and ingest (csat_answers.py) use them.

The question carries no link at all: mail servers' link scanners open every URL of a message
by themselves, and a survey answered by a click would count their "answers". The customer
answers where they already are, with a number (or a Telegram button that sends one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ITALIAN, ENGLISH = "it", "en"
SCORES = (1, 2, 3, 4, 5)
LOW = 2  # an answer of this or less reopens the case
GOOD = 4  # an answer of this or more counts as satisfied


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that are common in one language and rare in the other: a small local detector that
# needs no model. Short customer messages ("grazie mille!", "thanks a lot") carry enough.
_IT = _words(
    """
    il lo la gli le un una uno di da del della dei delle che non per con sono sei è ho hai
    ha abbiamo avete hanno mi ti ci vi si ma anche ancora grazie buongiorno buonasera salve
    ciao vorrei posso potete perché perche quando dove come cosa questo questa quello quella
    mio mia ordine pacco consegna rimborso fattura niente nulla ancora molto troppo poco
    tutto bene male volta oggi ieri domani subito aiuto problema prego cordiali saluti
    gentile sig sig.ra nel nella sul sulla al alla allo agli alle
    """
)
_EN = _words(
    """
    the a an of to from and or but not is are was were be been have has had i you he she we
    they my your our their it this that these those what when where why how can could would
    should will please thanks thank hello hi dear order package delivery refund invoice
    nothing still very too all good bad time today yesterday tomorrow help problem regards
    kind best with for on in at by about just
    """
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def detect_language(texts: list[str] | tuple[str, ...], default: str = ENGLISH) -> str:
    """ "it" or "en" from what the customer wrote (newest texts first weigh the same)."""
    it = en = 0
    for text in texts:
        for word in _WORD.findall(text.casefold()):
            if word in _IT:
                it += 1
            if word in _EN:
                en += 1
            if word.endswith(("zione", "mente", "iamo", "ato", "uto", "ito")) and len(word) > 4:
                it += 1
            if word.endswith(("ing", "tion", "ly")) and len(word) > 4 and word not in _IT:
                en += 1
    if it == en:
        return default
    return ITALIAN if it > en else ENGLISH


# ------------------------------------------------------------------ the question

_CHAT = {
    ENGLISH: "How satisfied are you with how we handled your request? Answer with a number from "
    "1 (not at all) to 5 (very satisfied).",
    ITALIAN: "Quanto è soddisfatto di come abbiamo gestito la sua richiesta? Risponda con un numero "
    "da 1 (per niente) a 5 (molto soddisfatto).",
}
_EMAIL = {
    ENGLISH: "Hello,\n\nyour request has been resolved. How satisfied are you with how we handled "
    "it?\n\nPlease reply to this email with a number from 1 to 5 (1: not at all satisfied, "
    "5: very satisfied). You may add a comment after the number.\n\nThank you.",
    ITALIAN: "Buongiorno,\n\nla sua richiesta è stata risolta. Quanto è soddisfatto di come "
    "l'abbiamo gestita?\n\nRisponda a questa email con un numero da 1 a 5 (1: per niente "
    "soddisfatto, 5: molto soddisfatto). Può aggiungere un commento dopo il numero.\n\nGrazie.",
}
_SUBJECT = {ENGLISH: "How did we do?", ITALIAN: "Com'è andata?"}


@dataclass(frozen=True)
class Question:
    text: str
    subject: str | None
    choices: tuple[str, ...]  # buttons where the channel has them (Telegram), else none


def question(channel: str, language: str) -> Question:
    """The question for a channel ("email" or a chat) in ``language``; no link in either."""
    lang = language if language in (ITALIAN, ENGLISH) else ENGLISH
    if channel == "email":
        return Question(_EMAIL[lang], _SUBJECT[lang], ())
    return Question(_CHAT[lang], None, tuple(str(n) for n in SCORES))


# ------------------------------------------------------------------ the answer

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
}  # fmt: skip
# A score opens the reply: a digit not part of a longer number ("10", "1.5", "2024") or a
# number word alone, then the end or something that is not a word character.
_DIGIT = re.compile(r"(?:[1-5])(?![\d.,]\d)(?!\d)(?:\s*/\s*5\b)?")
_STARS = re.compile(r"\s+(?:stars?|stelle|stella)\b", re.IGNORECASE)
_WORD_AT_START = re.compile(r"([^\W\d_]+)", re.UNICODE)
# An email reply quotes the question below (or above) a line like these; the comment stops there.
_QUOTE_HEAD = re.compile(
    r"^\s*(?:on\b.*\bwrote:|il\b.*\bha scritto:|-{2,}\s*original message|-{2,}\s*messaggio originale"
    r"|from:\s|da:\s|>)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Answer:
    score: int
    comment: str


def own_words(text: str) -> str:
    """The customer's own lines of a reply: up to the quoted message, without quote marks."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _QUOTE_HEAD.match(line):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def read_answer(text: str) -> Answer | None:
    """The score a reply starts with (a digit 1-5 or the word, English or Italian) and the rest
    as the comment; None when the reply does not start with one."""
    words = own_words(text)
    stripped = words.lstrip(" \t\n*\"'«“([")
    digit = _DIGIT.match(stripped)
    if digit is not None:
        score, rest = int(stripped[0]), stripped[digit.end() :]
    else:
        word = _WORD_AT_START.match(stripped)
        if word is None or word.group(1).casefold() not in _WORDS:
            return None
        score, rest = _WORDS[word.group(1).casefold()], stripped[word.end() :]
        # "One more thing", "una domanda", "tre volte": words that start a sentence, not a
        # score. A number word counts alone, before punctuation or a line break ("Two - slow",
        # "cinque!"), or as stars ("five stars").
        if rest.lstrip(" \t")[:1].isalnum() and not _STARS.match(rest):
            return None
    stars = _STARS.match(rest)
    if stars is not None:
        rest = rest[stars.end() :]
    comment = rest.lstrip(" \t\n.,;:!-–—)/]\"'»”*").strip()
    return Answer(score, comment)
