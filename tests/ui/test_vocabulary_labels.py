"""Every word of the core's vocabulary has words in the window, in English and in Italian."""

from __future__ import annotations

from enum import StrEnum

import pytest

from inbox_app.core import vocab
from inbox_app.ui import labels
from inbox_app.ui.appearance import TsTranslator
from tests.ui.test_i18n import TS

TABLES: list[tuple[type[StrEnum], dict[str, str]]] = [
    (vocab.CaseStatus, labels.STATUS),
    (vocab.Priority, labels.PRIORITY),
    (vocab.Role, labels.ROLE),
    (vocab.AssignMode, labels.ASSIGN_MODE),
    (vocab.Channel, labels.CHANNEL),
    (vocab.Delivery, labels.DELIVERY),
    (vocab.AccountStatus, labels.ACCOUNT_STATUS),
    (vocab.IdentityKind, labels.IDENTITY),
    (vocab.CallOutcome, labels.OUTCOME),
]
# Names that are the same in both languages.
SAME_IN_ITALIAN = {"Chat", "Social", "Email", "Matrix", "Telegram", "Mastodon"}


@pytest.mark.parametrize(("words", "table"), TABLES, ids=[words.__name__ for words, _ in TABLES])
def test_every_member_has_english_words(words: type[StrEnum], table: dict[str, str]) -> None:
    assert set(table) == set(words), "a label table names exactly the members of its vocabulary"
    for member in words:
        english = table[member]
        assert english.strip(), member


@pytest.mark.parametrize(("words", "table"), TABLES, ids=[words.__name__ for words, _ in TABLES])
def test_every_member_has_italian_words(words: type[StrEnum], table: dict[str, str]) -> None:
    italian = TsTranslator(TS)
    for member in words:
        english = table[member]
        translated = italian.translate("Labels", english)
        assert translated.strip(), f"{words.__name__}.{member.name}: no Italian for {english!r}"
        if english not in SAME_IN_ITALIAN:
            assert translated != english, f"{words.__name__}.{member.name}: {english!r} is not translated"


def test_words_are_shown_through_the_translator(qapp) -> None:
    from PySide6.QtCore import QCoreApplication

    italian = TsTranslator(TS)
    QCoreApplication.installTranslator(italian)
    try:
        assert labels.word(labels.DELIVERY, vocab.Delivery.FAILED) == "Non riuscito"
        assert labels.word(labels.STATUS, "resolved") == "Risolto"  # a row read back: a plain string
    finally:
        QCoreApplication.removeTranslator(italian)
    assert labels.word(labels.DELIVERY, vocab.Delivery.FAILED) == "Failed"
