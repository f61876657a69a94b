"""Customer voice: the tone of one message (both languages), and on a store kept by
``bench_store.py --keep`` the "At risk" view and the case list sorted by risk.

    python benchmarks/bench_voice.py                       # tone only
    python benchmarks/bench_voice.py --db /tmp/b/sqlite/bench.db

Tone: CPU time per message of ``tone_of`` without its cache, over the labelled set
(tests/data/tone_labelled.jsonl) and the generator's customer messages, per language
(median of ``--repeat`` passes). Store: first every live customer's score is computed
(timed: what ``refresh`` of the whole store costs), then p50/p95 over ``--repeat`` runs of
the ids of the "At risk" view (open cases of customers at or over the threshold, riskiest
first), of "All open" sorted by risk, and of the customers at risk (``customers list --at-risk``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def tone_figures(repeat: int) -> dict[str, float]:
    from benchmarks.generate import Generator
    from connectors.base import InboundItem
    from inbox_app.core.voice.tone import own_words, tone_of
    from inbox_app.core.voice.tone_lang import detect_language

    score = tone_of.__wrapped__  # type: ignore[attr-defined]
    labelled = [json.loads(line) for line in (HERE.parent / "tests/data/tone_labelled.jsonl").open()]
    texts: dict[str, list[str]] = {
        "labelled it": [r["text"] for r in labelled if r["lang"] == "it"],
        "labelled en": [r["text"] for r in labelled if r["lang"] == "en"],
        "generator it": [],
        "generator en": [],
    }
    for _channel, batch in Generator(400, 10_000, seed=1).batches(500):
        for item in batch.items:
            if isinstance(item, InboundItem) and item.direction == "in" and not item.is_auto:
                texts[f"generator {detect_language(own_words(item.text))}"].append(item.text)
    score("warm up: loads the lexicons")
    out = {}
    for name, group in texts.items():
        runs = []
        for _ in range(repeat):
            start = time.process_time()
            for text in group:
                score(text)
            runs.append((time.process_time() - start) / len(group) * 1e6)
        out[name] = round(statistics.median(runs), 1)
        print(f"tone, {name} ({len(group)} messages): {out[name]} µs per message", flush=True)
    return out


def store_figures(db: str, repeat: int, threshold: int | None) -> dict[str, object]:
    from sqlalchemy import func, select

    from inbox_app.app import build
    from inbox_app.core.read.queries import OPEN_STATES, CaseFilter
    from inbox_app.core.read.workspace import WorkspaceReads
    from inbox_app.core.store.models import Customer, Message
    from inbox_app.core.voice import risk_store

    services = build(f"sqlite:///{db}")
    with services.factory() as s:
        ids = list(s.scalars(select(Customer.id).where(Customer.merged_into_id.is_(None))))
        messages = s.scalar(select(func.count()).select_from(Message))
    start = time.perf_counter()
    with services.factory() as s, s.begin():
        for i in range(0, len(ids), 500):
            risk_store.recompute(s, ids[i : i + 500])
    refresh = time.perf_counter() - start
    print(
        f"{messages:,} messages, {len(ids):,} customers: every score computed in {refresh:.1f} s", flush=True
    )
    bar = threshold if threshold is not None else services.risk.threshold()
    reads = WorkspaceReads(services.read_factory, services.queries)
    view = CaseFilter(status=tuple(OPEN_STATES), at_risk=bar, by_risk=True)
    everything = CaseFilter(status=tuple(OPEN_STATES), by_risk=True)
    out: dict[str, object] = {"messages": messages, "customers": len(ids), "refresh_s": round(refresh, 1)}
    out["threshold"] = bar
    out["at_risk_customers"] = len(services.risk.at_risk(bar, limit=10**9))
    for name, call in (
        ("at risk view ids", lambda: reads.case_ids(view)),
        ("all open by risk ids", lambda: reads.case_ids(everything)),
        ("all open by activity ids", lambda: reads.case_ids(CaseFilter(status=tuple(OPEN_STATES)))),
        ("at risk view count", lambda: services.queries.count_cases(view)),
        ("customers at risk (first 100)", lambda: services.risk.at_risk(bar)),
    ):
        call()
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            result = call()
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        size = len(result) if hasattr(result, "__len__") else result
        p50, p95 = statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]
        out[name] = {"p50_ms": round(p50, 2), "p95_ms": round(p95, 2), "rows": size}
        print(f"{name}: p50 {p50:.2f} ms, p95 {p95:.2f} ms ({size} rows)", flush=True)
    services.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a SQLite store kept by bench_store.py --keep")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threshold", type=int, help="the at-risk threshold (default: the store's setting)")
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parent))
    figures: dict[str, object] = {"tone_us": tone_figures(max(1, args.repeat // 4))}
    if args.db:
        figures["store"] = store_figures(args.db, args.repeat, args.threshold)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
