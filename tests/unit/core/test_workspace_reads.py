"""The workspace's quick reads say what the general queries say, on both backends."""

from __future__ import annotations

from sqlalchemy import select, update

from inbox_app.app import build
from inbox_app.core.read.queries import OPEN_STATES, CaseFilter
from inbox_app.core.read.workspace import WorkspaceReads
from inbox_app.core.store.models import Agent, Case, ChannelAccount, Message
from tests.unit.core.helpers import account, batch, item

STATUSES = ("open", "pending", "snoozed", "resolved")


def _store(url: str):
    store = build(url, migrate=True)
    email = account(store, channel="email", name="support-mail")
    chat = account(store, channel="chat", name="support-chat")
    # Anna writes 24 cases (email and chat), Bruno 6; statuses and assignees vary.
    store.ingest.store_batch(
        email,
        batch(*(item(f"a{n}", "anna@example.it", minutes=n, thread=f"ta{n}") for n in range(0, 24, 2))),
    )
    store.ingest.store_batch(
        chat,
        batch(
            *(
                item(f"c{n}", "@anna:example.it", kind="matrix", minutes=n, thread=f"tc{n}")
                for n in range(1, 24, 2)
            )
        ),
    )
    store.ingest.store_batch(
        email, batch(*(item(f"b{n}", "bruno@example.it", minutes=100 + n, thread=f"tb{n}") for n in range(6)))
    )
    # The chat identity is another customer until an agent merges the two.
    by_name = {c.name: c.id for c in store.queries.customers(limit=10)}
    store.customers.merge(by_name["@anna:example.it"], by_name["anna@example.it"], actor=None)
    with store.factory() as s, s.begin():
        agent = Agent(name="Sara", email="sara@example.it", role="agent")
        s.add(agent)
        s.flush()
        for n, case_id in enumerate(s.scalars(select(Case.id).order_by(Case.id)).all()):
            s.execute(
                update(Case)
                .where(Case.id == case_id)
                .values(status=STATUSES[n * 3 % 4], assignee_id=agent.id if n % 5 == 0 else None)
            )
    return store, WorkspaceReads(store.read_factory, store.queries)


def _anna(store) -> int:
    return next(c.id for c in store.queries.customers(limit=10) if c.name == "anna@example.it")


def test_view_counts_match_counting_each_view(any_url: str) -> None:
    store, reads = _store(any_url)
    try:
        with store.factory() as s:
            agent_id = s.scalars(select(Agent.id)).one()
        working = ("open", "pending")
        views = {
            "mine": CaseFilter(status=working, assignee_id=agent_id),
            "unassigned": CaseFilter(status=working, unassigned=True),
            "open": CaseFilter(status=working),
            "pending": CaseFilter(status=("pending",)),
            "snoozed": CaseFilter(status=("snoozed",)),
            "resolved": CaseFilter(status=("resolved",)),
            "email": CaseFilter(status=working, channel="email"),
            "chat": CaseFilter(status=working, channel="chat"),
            "phone": CaseFilter(status=working, channel="phone"),
            "resolved chat": CaseFilter(status=("resolved",), channel="chat"),
            "saved": CaseFilter(status=working, text="anna"),
        }
        expected = {key: store.queries.count_cases(flt) for key, flt in views.items()}
        assert reads.view_counts(views) == expected
        assert expected["open"] > 0 and expected["chat"] > 0 and expected["resolved chat"] > 0
        assert expected["mine"] > 0 and expected["email"] + expected["chat"] >= expected["open"]
    finally:
        store.close()


def test_case_ids_are_the_view_in_display_order(any_url: str) -> None:
    store, reads = _store(any_url)
    try:
        anna = _anna(store)
        for flt in (
            CaseFilter(),
            CaseFilter(status=OPEN_STATES),
            CaseFilter(status=("open", "pending"), unassigned=True),
            CaseFilter(status=("resolved",), channel="chat"),
            CaseFilter(customer_id=anna),
            CaseFilter(text="bruno"),
        ):
            expected = [case.id for case in store.queries.cases(flt, limit=1000)]
            got = reads.case_ids(flt)
            assert list(got) == expected, flt
            assert got.itemsize == 8  # packed, not a list of Python ints
        assert len(reads.case_ids(CaseFilter())) == 30
    finally:
        store.close()


def test_cases_overview_lists_open_cases_and_a_page_of_past_ones(any_url: str) -> None:
    store, reads = _store(any_url)
    try:
        anna = _anna(store)
        every = store.queries.customer_cases(anna)  # newest first
        open_ids = [c.id for c in every if c.status in OPEN_STATES]
        past_ids = [c.id for c in every if c.status not in OPEN_STATES]
        assert len(every) == 24 and len(past_ids) > 3
        overview = reads.cases_overview(anna, past_limit=3)
        assert [c.id for c in overview.open] == open_ids
        assert [c.id for c in overview.past] == past_ids[:3]
        assert overview.past_total == len(past_ids)
        assert overview.channels == {"email", "chat"}
        assert [c.id for c in reads.past_cases(anna, 3, limit=100)] == past_ids[3:]
        assert reads.past_cases(anna, len(past_ids)) == []
    finally:
        store.close()


def test_last_inbound_account_is_where_the_customer_last_wrote(any_url: str) -> None:
    store, reads = _store(any_url)
    try:
        anna = _anna(store)
        assert reads.last_inbound_account(anna) == "support-chat"  # minute 23 came by chat
        with store.factory() as s:
            first_email_case = s.scalars(
                select(Message.case_id)
                .join(ChannelAccount, ChannelAccount.id == Message.account_id)
                .where(Message.customer_id == anna, ChannelAccount.name == "support-mail")
            ).first()
        assert reads.last_inbound_account(anna, first_email_case) == "support-mail"
        case = store.queries.customer_cases(anna)[0].id
        store.outbox.queue_reply(case, "nota", note=True)  # agents' notes are not the customer
        assert reads.last_inbound_account(anna) == "support-chat"
        assert reads.last_inbound_account(10_000) is None
    finally:
        store.close()


def test_whole_word_search_and_a_small_ranking_window(any_url: str) -> None:
    store = build(any_url, migrate=True)
    try:
        acc = account(store)
        texts = ["ordine arrivato", "ordinerò domani", "nessun ordine", "altro"]
        store.ingest.store_batch(
            acc, batch(*(item(f"s{n}", "anna@example.it", minutes=n, text=t) for n, t in enumerate(texts)))
        )
        found = {r.text for r in store.search.search("ordine")}
        assert found == {"ordine arrivato", "ordinerò domani", "nessun ordine"}
        assert {r.text for r in store.search.search("ordine", prefix=False)} == {
            "ordine arrivato",
            "nessun ordine",
        }
        newest = store.search.search("ordine", window=1, limit=1)
        assert [r.text for r in newest] == ["nessun ordine"]  # only the newest match was ranked
    finally:
        store.close()


def test_find_customers_matches_names_and_identities_like_the_customer_query(any_url: str) -> None:
    store, reads = _store(any_url)
    try:
        for text in ("anna", "ANNA", "example", "bruno@", "nobody", "%", "_"):
            expected = [(c.id, c.name) for c in store.queries.customers(limit=5, text=text)]
            if text in ("%", "_"):
                expected = []  # taken literally: no name or address holds them
            got = reads.find_customers(text)
            assert [(h.id, h.name) for h in got] == expected, text
        anna = reads.find_customers("anna")[0]
        assert anna.identities[0] == "anna@example.it"
        open_cases = store.queries.customer(anna.id).open_case_ids
        assert anna.open_case_id == (open_cases[-1] if open_cases else None)
    finally:
        store.close()
