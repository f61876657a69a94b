"""A compression dictionary trained on stored text holds no erased person's words after erase."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from inbox_app.core.store.models import Identity, TextDictionary
from tests.unit.core.helpers import account, batch, fresh_store, item

SECRET = "zibibbolampone"


def _dictionaries(services) -> list[bytes]:
    with services.factory() as s:
        return [bytes(d) for d in s.scalars(select(TextDictionary.data))]


def test_a_dictionary_holding_the_persons_words_is_trained_again_without_them(tmp_path: Path) -> None:
    services = fresh_store(tmp_path)
    try:
        acc = account(services)
        others = [
            item(
                f"o{n}",
                f"cliente{n % 50}@example.it",
                text=f"Buongiorno, il mio ordine {n} non è arrivato. Grazie",
            )
            for n in range(1900)
        ]
        for start in range(0, len(others), 500):
            services.ingest.store_batch(acc, batch(*others[start : start + 500]))
        # The newest messages, the ones a dictionary learns from, are hers.
        hers = [
            item(f"g{n}", "ginevra@example.it", text=f"Il codice {SECRET} vale per la pratica {n}, {SECRET}.")
            for n in range(300)
        ]
        services.ingest.store_batch(acc, batch(*hers))
        services.ingest.store_batch(acc, batch(item("next", "otto@example.it", text="x" * 60)))
        (before,) = _dictionaries(services)
        assert SECRET.encode() in before  # the test can fail
        with services.factory() as s:
            customer = s.scalar(select(Identity.customer_id).where(Identity.value == "ginevra@example.it"))

        done = services.customers.erase(customer)

        assert any("retrained" in step for step in done["cleanup"]), done["cleanup"]
        after = _dictionaries(services)
        assert len(after) == 1 and SECRET.encode() not in after[0]
        assert SECRET.encode() not in (tmp_path / "store.db").read_bytes()
        # Every other message reads back and is found as before.
        hits = services.search.search("ordine 1234")
        assert [h.text for h in hits] == ["Buongiorno, il mio ordine 1234 non è arrivato. Grazie"]
        with services.factory() as s:  # the index's update trigger was set aside and is back
            triggers = s.connection().exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert {"messages_fts_ai", "messages_fts_ad", "messages_fts_au"} <= set(triggers.scalars())
    finally:
        services.close()
