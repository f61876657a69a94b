from __future__ import annotations

from pathlib import Path

import pytest

from inbox_app.app import Services, build
from inbox_app.core.calls import CallError, CallLog, CallService
from inbox_app.core.drafts import DraftService
from inbox_app.core.events import MessagesAdded
from tests.ui.seed import seed


@pytest.fixture
def services(tmp_path: Path):
    svc = build(f"sqlite:///{tmp_path / 'store.db'}")
    info = seed(svc, tmp_path)
    svc.extra["seed"] = info
    yield svc
    svc.close()


def _case_of(services: Services, customer_id: int) -> int:
    return services.queries.customer_cases(customer_id)[0].id


def test_draft_is_kept_per_case_and_agent(services: Services) -> None:
    drafts = DraftService(services.factory)
    case = _case_of(services, services.extra["seed"]["anna_email"])
    giulia = services.agents.find("Giulia Rossi").id
    marco = services.agents.find("Marco Bianchi").id
    drafts.save(case, giulia, "Gentile Anna,", account_id=None, note=False)
    drafts.save(case, marco, "nota interna", note=True)
    assert drafts.load(case, giulia).text == "Gentile Anna,"
    assert drafts.load(case, marco).note is True
    drafts.save(case, giulia, "Gentile Anna, ecco")
    assert drafts.load(case, giulia).text == "Gentile Anna, ecco"
    assert drafts.cases_with_drafts(giulia) == {case}


def test_empty_draft_removes_it_and_unnamed_agent_works(services: Services) -> None:
    drafts = DraftService(services.factory)
    case = _case_of(services, services.extra["seed"]["anna_email"])
    drafts.save(case, None, "bozza")
    assert drafts.load(case, None).text == "bozza"
    drafts.save(case, None, "   ")
    assert drafts.load(case, None) is None
    drafts.save(case, None, "di nuovo")
    drafts.discard(case, None)
    assert drafts.load(case, None) is None


def test_a_draft_keeps_its_files_even_without_words(services: Services) -> None:
    drafts = DraftService(services.factory)
    case = _case_of(services, services.extra["seed"]["anna_email"])
    drafts.save(case, None, "In allegato", files=["/home/giulia/ricevuta.pdf", "/home/giulia/etichetta.png"])
    assert drafts.load(case, None).files == ("/home/giulia/ricevuta.pdf", "/home/giulia/etichetta.png")
    drafts.save(case, None, "", files=["/home/giulia/ricevuta.pdf"])  # files alone are a draft too
    assert drafts.load(case, None).files == ("/home/giulia/ricevuta.pdf",)
    drafts.save(case, None, "solo parole")
    assert drafts.load(case, None).files == ()
    drafts.save(case, None, "  ", files=[])
    assert drafts.load(case, None) is None


def test_logged_call_is_on_the_timeline_and_number_becomes_identity(services: Services) -> None:
    customer = services.extra["seed"]["anna_email"]
    case = _case_of(services, customer)
    seen: list[MessagesAdded] = []
    services.bus.subscribe(MessagesAdded, seen.append)
    calls = CallService(services.factory, services.customers, services.bus)
    mid = calls.log(
        case,
        CallLog("in", "+39 02 1234 5678", 185, "answered", "Vuole il rimborso"),
        agent_id=services.agents.find("Giulia Rossi").id,
    )
    msg = services.queries.message(mid)
    assert (msg.channel, msg.direction, msg.text) == ("phone", "in", "Vuole il rimborso")
    assert msg.meta["number"] == "+390212345678" and msg.meta["duration"] == 185
    assert msg.delivery is None and msg.case_id == case
    kinds = {(i.kind, i.value) for i in services.queries.customer(customer).identities}
    assert ("phone", "+390212345678") in kinds
    assert seen and seen[-1].message_ids == (mid,)


def test_bad_call_input_is_refused_in_words(services: Services) -> None:
    case = _case_of(services, services.extra["seed"]["anna_email"])
    calls = CallService(services.factory, services.customers, services.bus)
    with pytest.raises(CallError, match="phone number"):
        calls.log(case, CallLog("out", "not a number"))
    with pytest.raises(CallError, match="outcome"):
        calls.log(case, CallLog("out", "", outcome="maybe"))
    with pytest.raises(CallError, match="no case"):
        calls.log(999999, CallLog("out", ""))
