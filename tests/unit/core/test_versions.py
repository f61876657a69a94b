"""Case versions on the embedded store: every change steps it, a change based on an older
one is refused with what happened meanwhile, and nothing is changed by a refused one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from inbox_app.core.clock import utcnow
from inbox_app.core.versions import StaleCase
from tests.unit.core.helpers import account, batch, fresh_store, item


def test_changes_step_the_version_and_an_old_one_is_refused(tmp_path: Path) -> None:
    store = fresh_store(tmp_path)
    try:
        store.agents.add("Sara Bianchi", "sara@example.com")
        store.agents.add("Marco Bianchi", "marco@example.com")
        acc = account(store)
        store.ingest.store_batch(acc, batch(item("m1", "anna@example.it")))
        case = store.queries.cases()[0]
        assert case.version == 0 and case.to_json()["version"] == 0
        store.cases.set_status(case.id, "resolved", actor="Marco Bianchi", based_on=0)
        assert store.queries.case(case.id).version == 1
        with pytest.raises(StaleCase) as refused:
            store.cases.set_priority(case.id, "urgent", actor="Sara Bianchi", based_on=0)
        assert refused.value.fresh.status == "resolved"
        assert refused.value.fresh.last_actor == "Marco Bianchi"
        assert "it was just resolved by Marco Bianchi at " in str(refused.value)
        assert store.queries.case(case.id).priority == "normal"  # nothing changed
        # Every kind of change steps it; without a version nothing is checked (as before).
        store.cases.set_priority(case.id, "high", actor="Sara Bianchi", based_on=1)
        store.cases.set_tags(case.id, ["fattura"], based_on=2)
        store.cases.assign(case.id, "Sara Bianchi", based_on=3)
        store.cases.assign_team(case.id, None)
        before = store.cases.set_status(case.id, "snoozed", until=utcnow() + timedelta(hours=1))
        store.cases.restore(case.id, before)
        assert store.queries.case(case.id).version == 7
        with pytest.raises(StaleCase, match="it was just changed back"):
            store.cases.assign(case.id, None, based_on=6)
        # A customer's message reopening a resolved case is a change a desktop must see first.
        store.cases.set_status(case.id, "resolved", based_on=7)
        store.ingest.store_batch(acc, batch(item("m2", "anna@example.it", thread="m1", minutes=5)))
        reopened = store.queries.case(case.id)
        assert (reopened.status, reopened.version) == ("open", 9)
        with pytest.raises(StaleCase):
            store.cases.set_status(case.id, "resolved", based_on=8)
    finally:
        store.close()


def test_a_missing_case_is_not_called_stale(tmp_path: Path) -> None:
    from inbox_app.core.cases import CaseError

    store = fresh_store(tmp_path)
    try:
        with pytest.raises(CaseError, match="no case with id 999"):
            store.cases.set_status(999, "resolved", based_on=0)
    finally:
        store.close()
