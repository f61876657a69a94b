"""Every item model of the workspace passes qtmodeltester; the case list scales by ids."""

from __future__ import annotations

import threading

from inbox_app.core.read.queries import CaseFilter
from inbox_app.ui.case_list_model import PAGE, CaseListModel
from inbox_app.ui.event_bridge import Bridge
from inbox_app.ui.search_results import SearchModel
from inbox_app.ui.timeline_model import FIRST_PAGE, TimelineModel
from inbox_app.ui.views_list import ViewsModel
from inbox_app.ui.workspace import Workspace, pick_agent
from tests.ui.seed import bulk_cases


def _ws(services) -> Workspace:
    return Workspace(services, Bridge(services.bus), pick_agent(services, None))


def test_case_list_model(services, qtmodeltester, qtbot) -> None:
    ws = _ws(services)
    model = CaseListModel(ws)
    model.set_filter(CaseFilter())
    qtbot.waitUntil(lambda: model.rowCount() == 5)
    qtmodeltester.check(model)
    qtbot.waitUntil(lambda: model.cached_rows() == 5)
    qtmodeltester.check(model)
    ws.bridge.close()


def test_views_model(services, qtmodeltester, qtbot) -> None:
    ws = _ws(services)
    model = ViewsModel(ws)
    model.refresh()
    qtbot.waitUntil(lambda: model.count("open") == 5)
    assert model.row_of("channel:email") is not None and model.row_of("team") is not None
    assert model.count("unassigned") == 5 and model.count("mine") == 0
    qtmodeltester.check(model)
    ws.bridge.close()


def test_timeline_model_pages_backwards(services, qtmodeltester, qtbot) -> None:
    ws = _ws(services)
    anna = services.extra["seed"]["anna"]
    case = services.queries.customer_cases(anna)[0].id
    for i in range(120):
        services.outbox.queue_reply(case, f"nota {i}", note=True)
    model = TimelineModel(ws)
    model.load(anna)
    qtbot.waitUntil(lambda: model.rowCount() == FIRST_PAGE)
    assert model.canFetchMore()
    qtmodeltester.check(model)  # the tester may fetch a page itself
    sizes = []
    while model.canFetchMore() or model.loading_older:
        if model.canFetchMore():
            model.fetchMore()
        qtbot.waitUntil(lambda: not model.loading_older)
        sizes.append(model.rowCount())
    assert model.rowCount() == 122 and sizes[-1] == 122
    assert all(b - a <= 50 for a, b in zip([FIRST_PAGE, *sizes], sizes, strict=False))
    rows = [model.message(i) for i in range(model.rowCount())]
    assert [(r.sent_at, r.id) for r in rows] == sorted((r.sent_at, r.id) for r in rows)
    qtmodeltester.check(model)
    ws.bridge.close()


def _held_reads(model: TimelineModel):
    """Hold the model's first live read after it has read, until the test lets it go."""
    real, gate, held, merged = model._fetch_messages, threading.Event(), threading.Event(), []

    def fetch(ids):
        rows = real(ids)
        if not held.is_set():
            held.set()
            assert gate.wait(10), "the held read was never let go"
        return rows

    real_merge = model._merge

    def merge(customer_id, seq, rows):
        real_merge(customer_id, seq, rows)
        merged.append(seq)

    model._fetch_messages, model._merge = fetch, merge
    return gate, held, merged


def test_a_reply_that_fails_before_its_first_read_lands_shows_failed(services, qtbot) -> None:
    ws = _ws(services)
    anna = services.extra["seed"]["anna"]
    case = services.queries.customer_cases(anna)[0].id
    model = TimelineModel(ws)
    model.load(anna)
    qtbot.waitUntil(lambda: model.rowCount() == 2 and not model.loading)
    gate, held, merged = _held_reads(model)
    reply = services.outbox.queue_reply(case, "Le scriviamo a breve.", account="posta")
    qtbot.waitUntil(held.is_set)  # the read that adds it has read 'queued' and is held
    account = services.accounts.get("posta").id
    (claimed,) = services.outbox.claim(account)
    services.outbox.mark_failed(claimed, "rejected by the server")
    # the changes ('sending', then 'failed') are read while the first read is still out
    qtbot.waitUntil(lambda: any(model.message(i).delivery == "failed" for i in range(model.rowCount())))
    assert 1 not in merged
    gate.set()
    qtbot.waitUntil(lambda: 1 in merged)
    rows = [model.message(i) for i in range(model.rowCount())]
    assert [r.delivery for r in rows if r.id == reply] == ["failed"]  # the late 'queued' read lost
    assert model.rowCount() == 3
    ws.bridge.close()


def test_a_page_read_before_a_change_does_not_undo_it(services, qtbot) -> None:
    ws = _ws(services)
    anna = services.extra["seed"]["anna"]
    case = services.queries.customer_cases(anna)[0].id
    reply = services.outbox.queue_reply(case, "Le scriviamo a breve.", account="posta")
    model = TimelineModel(ws)
    model.load(anna)
    qtbot.waitUntil(lambda: model.rowCount() == 3 and not model.loading)
    real_page = model.first_page
    gate, read = threading.Event(), threading.Event()

    def slow_page(*args):
        page = real_page(*args)
        read.set()
        assert gate.wait(10)
        return page

    model.first_page = slow_page
    model.load(anna)  # a reload (an agent's filter, a merge) reads 'queued'...
    qtbot.waitUntil(read.is_set)
    (claimed,) = services.outbox.claim(services.accounts.get("posta").id)
    services.outbox.mark_failed(claimed, "rejected by the server")  # ...then it fails
    qtbot.waitUntil(lambda: any(model.message(i).delivery == "failed" for i in range(model.rowCount())))
    gate.set()
    qtbot.waitUntil(lambda: not model.loading)
    rows = [model.message(i) for i in range(model.rowCount())]
    assert [r.delivery for r in rows if r.id == reply] == ["failed"]
    ws.bridge.close()


def test_search_model(services, qtmodeltester, qtbot) -> None:
    ws = _ws(services)
    model = SearchModel(ws)
    model.set_query("ordine")
    qtbot.waitUntil(lambda: model.rowCount() >= 2)
    qtmodeltester.check(model)
    ws.bridge.close()


def test_case_list_with_20000_cases_loads_pages_not_rows(services, qtbot) -> None:
    bulk_cases(services, 20_000)
    ws = _ws(services)
    model = CaseListModel(ws)
    model.set_filter(CaseFilter(status=("open",)))
    qtbot.waitUntil(lambda: model.rowCount() == 20_005, timeout=20000)
    last = model.index(model.rowCount() - 1, CaseListModel.CUSTOMER)
    assert model.data(last) == "…"  # asked for, fetched in the background
    qtbot.waitUntil(lambda: model.data(last) != "…", timeout=10000)
    assert model.data(last).startswith(("Cliente", "Anna", "Luca", "Paolo"))
    assert model.cached_rows() <= 2 * PAGE
    # Opening a case holds the pages of rows scrolled into view until its timeline is shown.
    middle = model.index(10_000, CaseListModel.CUSTOMER)
    model.hold_pages(True)
    assert model.data(middle) == "…"
    qtbot.wait(200)
    assert model.data(middle) == "…" and model.cached_rows() <= 2 * PAGE
    model.hold_pages(False)
    qtbot.waitUntil(lambda: model.data(middle) != "…", timeout=10000)
    assert model.row_of(model.case_id(10_000)) == 10_000  # found in the packed id list
    assert model.row_of(-1) is None
    ws.bridge.close()


def test_void_qt_call_20000_times_keeps_none_alive(qapp) -> None:
    """PySide6 6.12 on Python 3.11 loses a reference to None on every void call."""
    import sys

    from PySide6.QtCore import QObject

    obj = QObject()
    before = sys.getrefcount(None)
    for i in range(20_000):
        obj.setObjectName("x" if i % 2 else "y")
    assert sys.getrefcount(None) >= before - 100


def test_search_runs_one_query_at_a_time_and_shows_the_last_text(services, qtmodeltester, qtbot) -> None:
    ws = _ws(services)
    model = SearchModel(ws)
    started: list[str] = []
    first_messages = model._first_messages

    def counted(query: str):
        started.append(query)
        return first_messages(query)

    model._first_messages = counted
    shown: list[str] = []
    model.finished.connect(shown.append)
    for text in ("o", "or", "ord", "ordi", "ordine"):
        model.set_query(text)
        model.run_now()  # each key as if the agent paused: a search is already running
    qtbot.waitUntil(lambda: bool(shown) and shown[-1] == "ordine")
    assert started == ["o", "ordine"]  # the texts typed while "o" ran were never searched
    assert model.rowCount() >= 2
    assert all(
        "ordin" in (model.hit(r).snippet + model.hit(r).title).lower() for r in range(model.rowCount())
    )
    qtmodeltester.check(model)
    ws.bridge.close()


def test_search_shows_a_screenful_then_fetches_the_rest(services, qtmodeltester, qtbot, monkeypatch) -> None:
    import inbox_app.ui.search_results as search_ui

    monkeypatch.setattr(search_ui, "FIRST_MESSAGES", 1)
    ws = _ws(services)
    model = SearchModel(ws)
    model.set_query("ordine")
    model.run_now()
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    first = [model.hit(r).message_id for r in range(model.rowCount()) if model.hit(r).kind == "message"]
    assert len(first) == 1 and model.canFetchMore()
    model.fetchMore()
    qtbot.waitUntil(lambda: not model.canFetchMore() and model.rowCount() > len(first))
    ids = [model.hit(r).message_id for r in range(model.rowCount()) if model.hit(r).kind == "message"]
    assert ids[0] == first[0] and len(ids) == len(set(ids)) >= 2
    qtmodeltester.check(model)
    ws.bridge.close()


def test_the_composer_warns_of_public_replies_only_where_the_account_makes_them() -> None:
    from connectors.mastodon import MastodonConnector
    from inbox_app.core.accounts import AccountRow
    from inbox_app.core.read.rows import CustomerRow, IdentityRow
    from inbox_app.ui.channel_preview import reachable

    def account(id_: int, name: str, public: bool) -> AccountRow:
        settings = {"instance": "https://social.example", "public_replies": public}
        return AccountRow(id_, name, "mastodon", "social", True, "idle", None, None, settings)

    mario = CustomerRow(1, "Mario", (IdentityRow(1, "mastodon", "@mario@social.example", None),), ())
    accounts = [account(1, "privato", False), account(2, "pubblico", True)]
    found = reachable(accounts, mario, {"mastodon": MastodonConnector})
    assert [(c.account.name, c.capabilities.public) for c in found] == [
        ("privato", False),
        ("pubblico", True),
    ]
