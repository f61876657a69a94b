"""Long Telegram replies are cut where a reader would pause, and nothing is lost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.telegram.split import split_text, utf16_len


def test_short_text_is_one_part() -> None:
    assert split_text("Hello") == ["Hello"]
    assert split_text("x" * 4096) == ["x" * 4096]


def test_cuts_between_paragraphs_first() -> None:
    paragraphs = [f"{n} " + "a" * 1500 for n in range(5)]
    parts = split_text("\n\n".join(paragraphs))
    assert parts == ["\n\n".join(paragraphs[0:2]), "\n\n".join(paragraphs[2:4]), paragraphs[4]]


def test_then_between_lines_then_words_then_anywhere() -> None:
    lines = "\n".join("b" * 1000 for _ in range(6))
    assert [len(p) for p in split_text(lines)] == [4003, 2001]
    words = " ".join("c" * 999 for _ in range(6))
    assert all(p.count(" ") <= 3 and not p.startswith(" ") for p in split_text(words))
    assert [len(p) for p in split_text("d" * 9000)] == [4096, 4096, 808]


def test_emoji_count_twice_and_are_never_cut_in_half() -> None:
    parts = split_text("😀" * 3000)
    assert [utf16_len(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == "😀" * 3000


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from("ab \n😀é"), min_size=0, max_size=60), max_size=40),
    st.integers(min_value=8, max_value=64),
)
def test_parts_fit_and_keep_every_visible_character(chunks: list[str], limit: int) -> None:
    text = "".join(chunks)
    parts = split_text(text, limit)
    assert all(utf16_len(p) <= limit for p in parts)
    if utf16_len(text) > limit:
        assert all(p.strip() for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())
