"""Which language a customer wrote in: Italian or English, from the words everybody uses.

Customers write short messages, often without accents or capitals; counting the
commonest words of each language decides faster and as well as any model at this
length, and needs nothing downloaded.
"""

from __future__ import annotations

IT = "it"
EN = "en"

_IT_WORDS = """
    il lo la i gli le un una uno di da in con su per tra fra e ed o ma che chi non mi ti si ci vi
    ne del della dei delle degli al alla ai alle agli dal dalla nel nella nei sul sulla è sono ho
    hai ha abbiamo avete hanno era ero sei siamo questo questa quello quella come dove quando
    perché perche anche ancora già gia più piu molto poco tutto tutti niente nulla mai sempre
    grazie buongiorno buonasera salve ciao cordiali saluti vorrei potete può puo ordine
    spedizione pacco rimborso mio mia miei vostro vostra sto stato stata fatto ieri oggi
    domani settimana giorni volta bene male però pero quindi allora se ecco cosa nessuna nessun
"""
_EN_WORDS = """
    the a an of to in on at for with from by and or but not no is are was were be been am i you
    he she it we they my your our their me us this that these those what where when why how
    have has had do does did will would can could should please thanks thank hi hello dear
    regards order shipping package refund still again yet already very too all any some
    just about there here get got it's i'm don't can't didn't won't its out up so if
"""
_IT = frozenset(_IT_WORDS.split())
_EN = frozenset(_EN_WORDS.split())
# The same, as tone_it.tokens_of spells them: "perché" -> "perche", "don't" -> "don", "t".
_FOLD = str.maketrans("àáèéìíòóùú", "aaeeiioouu")
_IT_FOLDED = frozenset(w.translate(_FOLD) for w in _IT if "'" not in w)
_EN_FOLDED = frozenset(w for w in _EN if "'" not in w) - _IT_FOLDED


def detect_language(text: str) -> str:
    """ "it" or "en": the language whose common words the text uses more (English on a tie:
    VADER also reads emoji and the bare punctuation such messages are made of)."""
    from inbox_app.core.voice.tone_it import tokens_of

    it, en = counts_in(tokens_of(text[:600]))
    return IT if it > en else EN


def counts_in(tokens: list[str]) -> tuple[int, int]:
    """How many of ``tokens`` (lower case, accents off, no apostrophes: tone_it.tokens_of)
    are common Italian and common English words."""
    return sum(map(_IT_FOLDED.__contains__, tokens)), sum(map(_EN_FOLDED.__contains__, tokens))
