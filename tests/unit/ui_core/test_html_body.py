"""Message bodies are made safe before they reach the screen (pure text, no Qt)."""

from __future__ import annotations

from inbox_app.ui.html_body import (
    block_remote_images,
    remote_images,
    safe_filename,
    sanitize,
    split_quoted_html,
    split_quoted_text,
    text_to_html,
)


def test_scripts_styles_and_handlers_are_removed() -> None:
    clean = sanitize(
        '<p onclick="steal()">Ciao<script>alert(1)</script><style>p{}</style>'
        '<iframe src="https://x.example"></iframe><a href="javascript:x()">link</a></p>'
    )
    assert "script" not in clean and "onclick" not in clean and "iframe" not in clean
    assert "javascript" not in clean and "Ciao" in clean


def test_remote_images_are_held_back_until_asked() -> None:
    clean = sanitize('<p>Hi</p><img src="https://tracker.example/p.gif"><img src="cid:logo">')
    assert remote_images(clean) == ["https://tracker.example/p.gif"]
    shown = block_remote_images(clean, "image not loaded")
    assert "tracker.example" not in shown and "cid:logo" in shown and "[image not loaded]" in shown


def test_quoted_history_is_split_off() -> None:
    main, quoted = split_quoted_html("<p>Nuovo</p><blockquote>Vecchio</blockquote>")
    assert main == "<p>Nuovo</p>" and "Vecchio" in quoted
    main, quoted = split_quoted_text("Grazie!\n\nIl giorno lun 3 nov, Negozio ha scritto:\n> vecchio")
    assert main == "Grazie!" and quoted.startswith("Il giorno")
    assert split_quoted_text("solo testo") == ("solo testo", "")


def test_plain_text_is_escaped_and_links_are_clickable() -> None:
    html = text_to_html("<b>no</b> see https://example.com/a?b=1\nbye")
    assert "&lt;b&gt;" in html and '<a href="https://example.com/a?b=1">' in html and "<br>" in html


def test_attachment_names_cannot_escape_the_folder() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Windows\\evil.exe") == "evil.exe"
    assert safe_filename('fat"tura:<1>.pdf') == "fat_tura__1_.pdf"
    assert safe_filename("") == "attachment"
    assert safe_filename("...") == "attachment"
