"""The outbox: stored before sent, sent exactly once, every state visible."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from connectors.fake import FakeServer
from inbox_app.core.outbox.queue import ReplyError


def _setup(
    store,
    tmp_path: Path,
    texts=("Buongiorno, il mio ordine?",),
    *,
    channel: str = "email",
    sender: str = "cliente@example.it",
    name: str = "shop",
):
    server = FakeServer(tmp_path / name)
    for i, text in enumerate(texts):
        server.deliver(id=f"m{i}", text=text, thread="t1", **{"from": sender})
    store.accounts.add("fake", name, {"path": str(server.root), "channel": channel})
    reports = asyncio.run(store.supervisor().run_once())
    assert reports[0].error is None
    return server, store.queries.cases()[0].id


def _social_case(store, tmp_path: Path) -> int:
    """A case of a customer who wrote on a social account (500 characters a reply)."""
    return _setup(
        store,
        tmp_path,
        ("@shop dove è il mio ordine?",),
        channel="social",
        sender="mastodon:@anna@mastodon.social",
        name="social",
    )[1]


def _sync(store):
    return asyncio.run(store.supervisor().run_once())[0]


def test_reply_is_queued_then_sent_once(store, tmp_path: Path) -> None:
    server, case_id = _setup(store, tmp_path)
    mid = store.outbox.queue_reply(case_id, "Arriva domani")
    assert store.queries.message(mid).delivery == "queued"
    report = _sync(store)
    assert report.sent == 1
    assert store.queries.message(mid).delivery == "sent"
    assert [r["text"] for r in server.sent_replies()] == ["Arriva domani"]
    assert server.sent_replies()[0]["in_reply_to"] == "m0"
    _sync(store)
    assert len(server.sent_replies()) == 1


def test_transient_failure_is_retried_with_backoff_then_sent(store, tmp_path: Path) -> None:
    server, case_id = _setup(store, tmp_path)
    mid = store.outbox.queue_reply(case_id, "Riprova")
    server.set_faults(send="transient", send_times=1)
    report = _sync(store)
    assert (report.sent, report.retrying) == (0, 1)
    row = store.queries.message(mid)
    assert row.delivery == "queued" and "unavailable" in (row.error or "")
    from inbox_app.core.store.models import Message

    with store.factory() as s, s.begin():  # the backoff time has passed
        s.get(Message, mid).next_attempt_at = None
    assert _sync(store).sent == 1
    assert len(server.sent_replies()) == 1


def test_permanent_failure_is_marked_with_its_reason_and_can_be_retried(store, tmp_path: Path) -> None:
    server, case_id = _setup(store, tmp_path)
    mid = store.outbox.queue_reply(case_id, "No")
    server.set_faults(send="permanent")
    assert _sync(store).failed == 1
    row = store.queries.message(mid)
    assert row.delivery == "failed" and "rejected" in (row.error or "")
    server.set_faults()
    store.outbox.retry(mid)
    assert _sync(store).sent == 1
    assert store.queries.message(mid).delivery == "sent"


def test_crash_after_handing_over_never_sends_twice(store, tmp_path: Path) -> None:
    """The connection drops after the channel took the reply: the next run finds it sent."""
    server, case_id = _setup(store, tmp_path)
    mid = store.outbox.queue_reply(case_id, "Una volta sola")
    server.set_faults(crash_after_send=True)
    _sync(store)
    server.set_faults()
    from inbox_app.core.store.models import Message

    with store.factory() as s, s.begin():
        s.get(Message, mid).next_attempt_at = None
    _sync(store)
    assert store.queries.message(mid).delivery == "sent"
    assert len(server.sent_replies()) == 1


def test_process_killed_while_sending_resumes_without_duplicate(store, tmp_path: Path) -> None:
    """A reply left in 'sending' by a dead process is looked up before any new attempt."""
    server, case_id = _setup(store, tmp_path)
    mid = store.outbox.queue_reply(case_id, "Dopo il crash")
    claimed = store.outbox.claim(store.accounts.get("shop").id)
    assert [c.message_id for c in claimed] == [mid]
    # the dead process had handed it to the channel already
    from connectors.fake import FakeConnector

    asyncio.run(FakeConnector({"path": str(server.root)}).send(claimed[0].reply))
    assert store.queries.message(mid).delivery == "sending"
    _sync(store)  # a new process
    assert store.queries.message(mid).delivery == "sent"
    assert len(server.sent_replies()) == 1


def test_notes_are_never_sent(store, tmp_path: Path) -> None:
    server, case_id = _setup(store, tmp_path)
    mid = store.outbox.queue_reply(case_id, "solo per noi", note=True)
    _sync(store)
    assert store.queries.message(mid).direction == "note"
    assert server.sent_replies() == []


def test_replies_that_cannot_be_queued_say_why(store, tmp_path: Path) -> None:
    _server, case_id = _setup(store, tmp_path)
    with pytest.raises(ReplyError, match="empty"):
        store.outbox.queue_reply(case_id, "   ")
    with pytest.raises(ReplyError, match="no case"):
        store.outbox.queue_reply(999, "x")
    with pytest.raises(ReplyError, match="no channel account named"):
        store.outbox.queue_reply(case_id, "x", account="nope")
    with pytest.raises(ReplyError, match="allows 4096"):
        store.outbox.queue_reply(case_id, "x" * 5000)


def test_the_length_limit_is_the_account_s_own(store, tmp_path: Path) -> None:
    # The same connector kind allows 500 characters on a social account and 4096 on a chat
    # one (capabilities per account's settings): the outbox refuses by the account's.
    case_id = _social_case(store, tmp_path)
    with pytest.raises(ReplyError, match="allows 500"):
        store.outbox.queue_reply(case_id, "x" * 501)
    store.outbox.queue_reply(case_id, "x" * 500)


def test_a_review_answer_is_counted_in_bytes(store, tmp_path: Path) -> None:
    _server, case_id = _setup(
        store, tmp_path, ("★★★★★ Ottimo",), channel="review", sender="review:gbp-1", name="recensioni"
    )
    text = "Grazie è " * 500  # 4,500 characters, 5,000 bytes in UTF-8
    with pytest.raises(ReplyError, match="the reply has 5000 bytes; recensioni allows 4096"):
        store.outbox.queue_reply(case_id, text)
    store.outbox.queue_reply(case_id, "è" * 2048)  # 2,048 characters, exactly 4,096 bytes


def test_files_go_with_a_reply_stored_once_and_only_where_the_channel_carries_them(
    store, tmp_path: Path
) -> None:
    from sqlalchemy import func, select

    from connectors.base import AttachmentData
    from inbox_app.core.outbox.files import MAX_REPLY_FILES, ReplyFileError, read_files
    from inbox_app.core.store.models import AttachmentBlob

    server, case_id = _setup(store, tmp_path)
    pdf = AttachmentData("ricevuta.pdf", "application/pdf", b"%PDF ricevuta")
    png = AttachmentData("etichetta.png", "image/png", b"PNG etichetta")
    mid = store.outbox.queue_reply(case_id, "In allegato", attachments=(pdf, png, pdf))
    stored = store.queries.message(mid).attachments
    assert [a.filename for a in stored] == ["ricevuta.pdf", "etichetta.png", "ricevuta.pdf"]
    with store.factory() as s:
        assert s.scalar(select(func.count()).select_from(AttachmentBlob)) == 2  # the same file once
    note = store.outbox.queue_reply(case_id, "", note=True, attachments=(png,))
    assert store.queries.message(note).attachments[0].filename == "etichetta.png"
    assert _sync(store).sent == 1
    assert [a["filename"] for a in server.sent_replies()[0]["attachments"]] == [
        "ricevuta.pdf",
        "etichetta.png",
        "ricevuta.pdf",
    ]

    big = AttachmentData("video.mp4", "video/mp4", b"0" * (MAX_REPLY_FILES + 1))
    with pytest.raises(ReplyError, match="a reply carries at most 18.0 MB"):
        store.outbox.queue_reply(case_id, "x", attachments=(big,))
    _server, review_case = _setup(
        store, tmp_path, ("★★★★★ Ottimo",), channel="review", sender="review:gbp-1", name="recensioni"
    )
    with pytest.raises(ReplyError, match="recensioni cannot carry files"):
        store.outbox.queue_reply(review_case, "Grazie", attachments=(png,))
    store.outbox.queue_reply(review_case, "Grazie")  # the words alone are fine

    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    read = read_files([tmp_path / "a.pdf"])
    assert [(f.filename, f.content_type) for f in read] == [("a.pdf", "application/pdf")]
    with pytest.raises(ReplyFileError, match="no file at"):
        read_files([tmp_path / "missing.pdf"])


def test_a_channel_that_takes_some_kinds_of_file_refuses_the_others_in_words() -> None:
    from connectors.base import AttachmentData, Capabilities
    from connectors.mastodon import MastodonConnector
    from inbox_app.core.outbox.rules import Refusal, Refused, check_for_channel

    def refusal(account: str, caps: Capabilities, files: tuple[AttachmentData, ...]) -> str | None:
        refused = check_for_channel("x", files, caps, account)
        return None if refused is None else refused.words()

    caps = MastodonConnector.capabilities
    photo = AttachmentData("foto.jpg", "image/jpeg", b"x")
    pdf = AttachmentData("fattura.pdf", "application/pdf", b"x")
    assert (
        caps.takes_file("image/jpeg")
        and caps.takes_file("VIDEO/mp4")
        and not caps.takes_file("application/pdf")
    )
    assert refusal("social", caps, (photo,)) is None
    assert check_for_channel("x", (photo, pdf), caps, "social") == Refusal(
        Refused.FILE_KINDS, "social", names=("fattura.pdf",), kinds="image, video, audio"
    )
    assert refusal("social", caps, (photo, pdf)) == (
        "social takes only these kinds of file: image, video, audio (not fattura.pdf)"
    )
    assert refusal("social", caps, (photo,) * 5) == "social takes at most 4 files in one reply"
    assert refusal("posta", Capabilities(attachments=True), (pdf,) * 9) is None  # any kind, any number
    assert "cannot carry files" in (refusal("recensioni", Capabilities(), (photo,)) or "")


def test_a_refused_reply_carries_its_code_and_figures(store, tmp_path: Path) -> None:
    from inbox_app.core.outbox.rules import Refusal, Refused

    case_id = _social_case(store, tmp_path)
    with pytest.raises(ReplyError) as refused:
        store.outbox.queue_reply(case_id, "x" * 612)
    assert refused.value.refusal == Refusal(
        Refused.TOO_LONG, "social", limit=500, length=612, unit="characters"
    )
    assert str(refused.value) == "the reply has 612 characters; social allows 500"
    with pytest.raises(ReplyError) as empty:
        store.outbox.queue_reply(case_id, " ")
    assert empty.value.refusal == Refusal(Refused.EMPTY)
    with pytest.raises(ReplyError) as missing:
        store.outbox.queue_reply(999, "x")
    assert missing.value.refusal is None  # not a rule of the reply: no case to answer


def test_auth_failure_keeps_the_reply_queued_and_stops_the_account(store, tmp_path: Path) -> None:
    server, case_id = _setup(store, tmp_path)
    mid = store.outbox.queue_reply(case_id, "attesa")
    server.set_faults(send="auth")
    report = _sync(store)
    assert report.error and "credentials" in report.error
    assert store.queries.message(mid).delivery == "queued"
    assert store.accounts.get("shop").status == "auth_error"
    server.set_faults()
    assert _sync(store).sent == 1


def test_auth_failure_puts_back_every_reply_claimed_with_it(store, tmp_path: Path) -> None:
    server, case_id = _setup(store, tmp_path)
    first = store.outbox.queue_reply(case_id, "prima")
    second = store.outbox.queue_reply(case_id, "seconda")
    server.set_faults(send="auth")
    assert "credentials" in (_sync(store).error or "")
    assert [store.queries.message(m).delivery for m in (first, second)] == ["queued", "queued"]
    from inbox_app.core.store.models import Message

    with store.factory() as s:
        assert [s.get(Message, m).attempts for m in (first, second)] == [0, 0]


def test_email_replies_go_to_reply_to_while_the_customer_stays_the_sender(store, tmp_path: Path) -> None:
    from connectors.base import Address, Batch, InboundItem
    from tests.unit.core.helpers import T0, account

    acc = account(store, channel="email", kind="email")
    store.ingest.store_batch(
        acc,
        Batch(
            (
                InboundItem(
                    "<q@x>",
                    "<q@x>",
                    Address("email", "anna@example.it", "Anna"),
                    T0,
                    "Domanda",
                    meta={"reply_to": ["ufficio@example.it"]},
                ),
            ),
            None,
        ),
    )
    case_id = store.queries.cases()[0].id
    store.outbox.queue_reply(case_id, "Risposta")
    claimed = store.outbox.claim(acc)
    assert [a.value for a in claimed[0].reply.to] == ["ufficio@example.it"]
    assert [i.value for i in store.queries.customers()[0].identities] == ["anna@example.it"]
