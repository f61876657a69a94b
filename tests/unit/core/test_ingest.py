"""The ingest service: identities, threading, cases, de-duplication and quarantine."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from connectors.base import Address, AttachmentData, BrokenItem, ItemUpdate
from inbox_app.core.store.models import (
    Attachment,
    AttachmentBlob,
    Case,
    Customer,
    Identity,
    Message,
    QuarantineItem,
)
from tests.unit.core.helpers import T0, account, batch, item


def count(services, model, *where) -> int:
    with services.factory() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_a_batch_and_its_cursor_are_stored_together(store) -> None:
    acc = account(store)
    result = store.ingest.store_batch(acc, batch(item("a"), item("b"), cursor="after-b"))
    assert result.stored == 2
    assert store.accounts.cursor(acc) == "after-b"
    assert count(store, Message) == 2


def test_replayed_batch_stores_nothing_twice(store) -> None:
    acc = account(store)
    b = batch(item("a"), item("b"), item("a"), cursor="1")
    first = store.ingest.store_batch(acc, b)
    second = store.ingest.store_batch(acc, b)
    assert (first.stored, first.duplicates) == (2, 1)
    assert (second.stored, second.duplicates) == (0, 3)
    assert count(store, Message) == 2


def test_same_address_in_any_case_or_spacing_is_one_customer(store) -> None:
    acc = account(store)
    store.ingest.store_batch(
        acc,
        batch(
            item("a", " Anna.Rossi@Example.IT "),
            item("b", "anna.rossi@example.it"),
            item("c", "Anna Rossi <ANNA.ROSSI@example.it>"),
        ),
    )
    assert count(store, Customer) == 1
    with store.factory() as s:
        assert s.scalar(select(Identity.value)) == "anna.rossi@example.it"


def test_phone_from_a_chat_bridge_links_the_same_person_across_channels(store) -> None:
    mail = account(store, channel="email")
    chat = account(store, channel="chat")
    store.ingest.store_batch(
        mail, batch(item("m1", "luca@example.it", extra_identities=(Address("phone", "+39 333 123 4567"),)))
    )
    store.ingest.store_batch(
        chat,
        batch(
            item(
                "c1",
                "@whatsapp_393331234567:example.org",
                kind="matrix",
                extra_identities=(Address("phone", "+393331234567"),),
            )
        ),
    )
    customers = store.queries.customers()
    assert len(customers) == 1
    assert {i.kind for i in customers[0].identities} == {"email", "phone", "matrix"}
    assert len(store.queries.timeline(customers[0].id)) == 2


def test_a_reply_joins_its_thread_and_case(store) -> None:
    acc = account(store)
    store.ingest.store_batch(acc, batch(item("<1@x>", subject="Ordine 42")))
    store.ingest.store_batch(
        acc,
        batch(
            item(
                "<2@x>",
                thread="<other@x>",
                in_reply_to="<1@x>",
                references=("<1@x>",),
                minutes=5,
                subject="Re: Ordine 42",
            )
        ),
    )
    assert count(store, Case) == 1
    with store.factory() as s:
        assert len(set(s.scalars(select(Message.thread_id)))) == 1


def test_a_reply_without_headers_joins_by_subject_from_the_same_customer(store) -> None:
    acc = account(store)
    store.ingest.store_batch(acc, batch(item("<1@x>", subject="Fattura di ottobre")))
    store.ingest.store_batch(acc, batch(item("<2@x>", subject="R: Fattura di ottobre", minutes=60)))
    store.ingest.store_batch(acc, batch(item("<3@x>", "someone@else.it", subject="Fattura di ottobre")))
    assert count(store, Case) == 2
    with store.factory() as s:
        assert len(set(s.scalars(select(Message.thread_id)))) == 2


def test_a_reply_to_a_recently_resolved_case_reopens_it(store) -> None:
    acc = account(store)
    store.ingest.store_batch(acc, batch(item("a")))
    case_id = store.queries.cases()[0].id
    store.cases.set_status(case_id, "resolved")
    with store.factory() as s, s.begin():
        s.get(Case, case_id).resolved_at = T0 + timedelta(hours=1)
    store.ingest.store_batch(acc, batch(item("b", thread="a", minutes=24 * 60 * 2)))
    assert store.queries.case(case_id).status == "open"
    assert count(store, Case) == 1


def test_a_reply_long_after_resolution_opens_a_new_case(store) -> None:
    acc = account(store)
    store.ingest.store_batch(acc, batch(item("a")))
    case_id = store.queries.cases()[0].id
    store.cases.set_status(case_id, "resolved")
    with store.factory() as s, s.begin():
        s.get(Case, case_id).resolved_at = T0
    store.ingest.store_batch(acc, batch(item("b", thread="a", minutes=60 * 24 * 8)))
    assert store.queries.case(case_id).status == "resolved"
    assert count(store, Case) == 2


def test_auto_replies_and_bounces_open_no_case_but_stay_on_the_timeline(store) -> None:
    acc = account(store)
    store.ingest.store_batch(
        acc,
        batch(
            item("ooo", "ferie@example.it", is_auto=True),
            item("dsn", "mailer-daemon@example.it", is_auto=True),
        ),
    )
    assert count(store, Case) == 0
    assert count(store, Message) == 2
    customer = store.queries.customers()[0]
    assert len(store.queries.timeline(customer.id)) == 1


def test_a_bounce_marks_our_reply_failed(store) -> None:
    acc = account(store)
    store.ingest.store_batch(acc, batch(item("<1@x>")))
    case_id = store.queries.cases()[0].id
    reply_id = store.outbox.queue_reply(case_id, "Grazie", account=None)
    with store.factory() as s:
        key = s.get(Message, reply_id).idempotency_key
    store.ingest.store_batch(
        acc,
        batch(
            item(
                "<dsn@x>",
                "mailer-daemon@x.it",
                is_auto=True,
                bounce_of=key,
                bounce_reason="550 mailbox unknown",
            )
        ),
    )
    row = store.queries.message(reply_id)
    assert row.delivery == "failed" and "550 mailbox unknown" in (row.error or "")


def test_one_bad_item_is_quarantined_and_the_rest_is_stored(store) -> None:
    acc = account(store)
    result = store.ingest.store_batch(
        acc,
        batch(
            item("a"),
            item("bad", "not an address"),
            BrokenItem("broken", "cannot parse", b"\x00raw"),
            item("b"),
            cursor="c2",
        ),
    )
    assert (result.stored, result.quarantined) == (2, 2)
    assert store.accounts.cursor(acc) == "c2"
    with store.factory() as s:
        reasons = {q.external_id: q.reason for q in s.scalars(select(QuarantineItem))}
    assert set(reasons) == {"bad", "broken"}
    assert "not a valid email" in reasons["bad"]
    # Replaying the batch quarantines nothing twice and stores nothing twice.
    store.ingest.store_batch(acc, batch(BrokenItem("broken", "cannot parse", b"\x00raw")))
    assert count(store, QuarantineItem) == 2


def test_quarantined_item_can_be_retried(store) -> None:
    acc = account(store)
    store.ingest.store_batch(acc, batch(item("bad", "not an address")))
    with store.factory() as s:
        qid = s.scalar(select(QuarantineItem.id))
    import pytest

    from inbox_app.core.ingest.service import IngestError

    with pytest.raises(IngestError, match="still cannot store"):
        store.ingest.retry_quarantined(qid)


def test_attachments_are_stored_once_by_content(store) -> None:
    acc = account(store)
    logo = AttachmentData("logo.png", "image/png", b"\x89PNG same bytes")
    store.ingest.store_batch(
        acc,
        batch(
            item("a", attachments=(logo,)),
            item("b", attachments=(AttachmentData("copia.png", "image/png", logo.data),)),
        ),
    )
    assert count(store, AttachmentBlob) == 1
    assert count(store, Attachment) == 2


def test_edits_and_redactions_update_the_message(store) -> None:
    acc = account(store, channel="chat")
    store.ingest.store_batch(
        acc,
        batch(
            item("e1", "@c:example.org", kind="matrix", text="ciao"),
            item("e2", "@c:example.org", kind="matrix", thread="e1", text="oops"),
        ),
    )
    store.ingest.store_batch(
        acc, batch(ItemUpdate("e1", "edit", "e3", text="ciao a tutti"), ItemUpdate("e2", "redaction", "e4"))
    )
    rows = {m.id: m for m in store.queries.timeline(store.queries.customers()[0].id)}
    texts = sorted((m.text, bool(m.meta.get("edited")), bool(m.meta.get("redacted"))) for m in rows.values())
    assert texts == [("", False, True), ("ciao a tutti", True, False)]


def test_a_case_named_after_a_chat_message_follows_its_edit_and_removal(store) -> None:
    acc = account(store, channel="chat")
    store.ingest.store_batch(
        acc,
        batch(
            item("r1", "@c:example.org", kind="matrix", thread="!a", text="Il mio codice fiscale è RSSMRA80"),
            item("r2", "@d:example.org", kind="matrix", thread="!b", text="Ordine in ritardo"),
            item("r3", "@e:example.org", kind="matrix", thread="!c", text="Vorrei un rimborso"),
        ),
    )
    subjects = lambda: sorted(str(c.subject) for c in store.queries.cases())  # noqa: E731
    assert subjects() == ["Il mio codice fiscale è RSSMRA80", "Ordine in ritardo", "Vorrei un rimborso"]
    renamed = next(c.id for c in store.queries.cases() if c.subject == "Vorrei un rimborso")
    with store.factory() as s, s.begin():
        s.get(Case, renamed).subject = "Rimborso carta"  # an agent's own name for the case
    store.ingest.store_batch(
        acc,
        batch(
            ItemUpdate("r1", "redaction", "x1"),
            ItemUpdate("r2", "edit", "x2", text="\nOrdine 4411 in ritardo\ndi due giorni"),
            ItemUpdate("r3", "redaction", "x3"),
        ),
    )
    assert subjects() == ["None", "Ordine 4411 in ritardo", "Rimborso carta"]


def test_our_own_echo_is_matched_to_the_outbox_not_stored_twice(store) -> None:
    acc = account(store, channel="chat")
    store.ingest.store_batch(acc, batch(item("in1", "@c:example.org", kind="matrix", thread="!room")))
    case_id = store.queries.cases()[0].id
    reply_id = store.outbox.queue_reply(case_id, "ok")
    with store.factory() as s:
        key = s.get(Message, reply_id).idempotency_key
    store.ingest.store_batch(
        acc,
        batch(
            item(
                "$echo",
                "@support:example.org",
                kind="matrix",
                thread="!room",
                direction="out",
                idempotency_key=key,
                text="ok",
            )
        ),
    )
    assert count(store, Message) == 2
    row = store.queries.message(reply_id)
    assert row.delivery == "sent"


def test_search_folds_accents(store) -> None:
    acc = account(store)
    store.ingest.store_batch(
        acc,
        batch(item("a", text="Perché la città è già chiusa?"), item("b", text="nessuna corrispondenza qui")),
    )
    hits = store.search.search("perche citta")
    assert [h.text for h in hits] == ["Perché la città è già chiusa?"]
    assert store.search.search("PERCHÉ")[0].customer_id == hits[0].customer_id


def test_search_ranks_the_newest_matches_by_their_words(store) -> None:
    acc = account(store)
    texts = [
        "rimborso rimborso: il rimborso non è arrivato",
        "grazie, e poi il rimborso di cui parlavamo, insieme a tutto il resto della pratica",
        "ho chiesto un rimborso",
    ]
    store.ingest.store_batch(acc, batch(*(item(f"r{i}", minutes=i, text=t) for i, t in enumerate(texts))))
    store.ingest.store_batch(acc, batch(item("s", minutes=9, subject="Rimborso", text="vedi oggetto")))
    # The subject names it, then the message saying it three times, then the short one.
    assert [h.text for h in store.search.search("rimborso")] == ["vedi oggetto", texts[0], texts[2], texts[1]]
    # Ranked among the newest matches only: the window leaves the oldest out.
    newest = store.search.search("rimborso", limit=3, window=3)
    assert [h.text for h in newest] == ["vedi oggetto", texts[2], texts[1]]
    assert [h.text for h in store.search.search("rimborso", limit=1)] == ["vedi oggetto"]


def test_search_prefixes_match_every_word_they_begin(store) -> None:
    from inbox_app.core.read import search

    acc = account(store)
    texts = ["ordine spedito", "Ordini in ritardo", "ordinare di nuovo", "un disordine", 'dice "ord" e basta']
    store.ingest.store_batch(acc, batch(*(item(f"m{i}", minutes=i, text=t) for i, t in enumerate(texts))))
    assert sorted(h.text for h in store.search.search("ordin")) == sorted(texts[:3])
    assert [h.text for h in store.search.search("ORDINE")] == ["ordine spedito"]
    assert [h.text for h in store.search.search("ordine", prefix=False)] == ["ordine spedito"]
    assert [h.text for h in store.search.search("ord ritardo")] == ["Ordini in ritardo"]
    assert store.search.search('ord" OR "disordine') == []  # typed quotes stay words
    assert store.search.search("ordx") == []
    assert [h.text for h in store.search.search("ordine", limit=1)] == ["ordine spedito"]
    # A prefix standing for more words than is worth listing is left to FTS5 itself.
    many = [f"zeta{n:03d}" for n in range(search._MAX_EXPANSION + 5)]
    store.ingest.store_batch(
        acc, batch(*(item(f"z{i}", minutes=100 + i, text=w) for i, w in enumerate(many)))
    )
    assert [h.text for h in store.search.search("zeta", limit=500)] == many[::-1]


def test_first_seen_is_when_the_customer_first_wrote(store) -> None:
    acc = account(store)
    store.ingest.store_batch(acc, batch(item("a", minutes=0), item("b", minutes=30)))
    assert store.queries.customers()[0].created_at == T0


def test_customer_names_for_search_results(store) -> None:
    acc = account(store)
    store.ingest.store_batch(
        acc, batch(item("a", "x@example.it", name="Xenia"), item("b", "y@example.it", name="Ygor"))
    )
    ids = [c.id for c in store.queries.customers()]
    assert store.queries.customer_names([*ids, *ids]) == {ids[0]: "Xenia", ids[1]: "Ygor"}
    assert store.queries.customer_names([]) == {}


def test_a_case_is_named_after_the_words_not_the_mentions_a_post_opens_with(store) -> None:
    acc = account(store, channel="social")
    store.ingest.store_batch(
        acc,
        batch(
            item(
                "m1",
                "@anna@mastodon.social",
                kind="mastodon",
                thread="s1",
                text="@unisono@mastodon.example @marco, il sito non funziona da stamattina",
            ),
            item(
                "m2",
                "@bruno@mastodon.social",
                kind="mastodon",
                thread="s2",
                text="@unisono@mastodon.example\nDove trovo la fattura?",
            ),
            item(
                "m3", "@carla@mastodon.social", kind="mastodon", thread="s3", text="@unisono@mastodon.example"
            ),
            item(
                "m4", "@dario@mastodon.social", kind="mastodon", thread="s4", text="scrivo a info@example.it"
            ),
        ),
    )
    subjects = lambda: sorted(str(c.subject) for c in store.queries.cases())  # noqa: E731
    assert subjects() == [
        "@unisono@mastodon.example",  # nothing but the mention: it is the only name there is
        "Dove trovo la fattura?",
        "il sito non funziona da stamattina",
        "scrivo a info@example.it",
    ]
    with store.factory() as s:  # the message itself keeps its mentions
        assert s.scalar(select(Message.text).where(Message.external_id == "m1")).startswith("@unisono@")
    # A case named before mentions were left out of names still follows an edit.
    with store.factory() as s, s.begin():
        s.scalar(
            select(Case).where(Case.subject == "Dove trovo la fattura?")
        ).subject = "@unisono@mastodon.example"
    store.ingest.store_batch(
        acc, batch(ItemUpdate("m2", "edit", "m2e", text="@unisono@mastodon.example ordine 55 perso"))
    )
    assert subjects() == [
        "@unisono@mastodon.example",
        "il sito non funziona da stamattina",
        "ordine 55 perso",
        "scrivo a info@example.it",
    ]


def test_a_review_that_loses_stars_after_its_case_was_resolved_reopens_it(store) -> None:
    acc = account(store, channel="review")
    store.ingest.store_batch(
        acc, batch(item("r1", "gbp-1", kind="review", text="★★★★★ Ottimo", meta={"stars": 5}))
    )
    case_id = store.queries.cases()[0].id
    store.cases.set_status(case_id, "resolved", actor="Marco Bianchi")
    # More stars, or the same ones in other words: the case stays resolved.
    store.ingest.store_batch(
        acc, batch(ItemUpdate("r1", "edit", "e1", text="★★★★★ Ottimo, davvero", meta={"stars": 5}))
    )
    assert store.queries.case(case_id).status == "resolved"
    store.ingest.store_batch(
        acc, batch(ItemUpdate("r1", "edit", "e2", text="★☆☆☆☆ Il prodotto si è rotto", meta={"stars": 1}))
    )
    assert store.queries.case(case_id).status == "open"
    with store.factory() as s:
        stored = s.scalar(select(Message.meta).where(Message.external_id == "r1"))
    assert stored["stars"] == 1 and stored["edited"]
