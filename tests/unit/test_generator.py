"""The data generator behind the demo and the store benchmarks: realistic and repeatable."""

from __future__ import annotations

import json
from collections import Counter

from benchmarks.generate import CHANNELS, Generator, demo_data
from connectors.base import InboundItem
from inbox_app.demo import data_file


def _items(seed: int, customers: int = 60, messages: int = 600) -> list[tuple[str, InboundItem]]:
    return list(Generator(customers, messages, seed=seed, chunk_messages=200).items())


def test_same_seed_gives_the_same_items() -> None:
    assert _items(3) == _items(3)


def test_another_seed_gives_other_items() -> None:
    assert [i.text for _c, i in _items(3)] != [i.text for _c, i in _items(4)]


def test_exact_message_count_over_all_four_channels() -> None:
    items = _items(1)
    assert len(items) == 600
    assert set(Counter(c for c, _ in items)) == set(CHANNELS)
    assert len({(c, i.external_id) for c, i in items}) == 600


def test_replies_follow_what_they_answer_within_their_channel() -> None:
    seen: dict[str, set[str]] = {c: set() for c in CHANNELS}
    replies = 0
    for channel, item in _items(2):
        if item.in_reply_to:
            replies += 1
            assert item.in_reply_to in seen[channel]
        seen[channel].add(item.external_id)
    assert replies > 100


def test_agents_replies_auto_replies_and_italian_text() -> None:
    items = [i for _c, i in _items(5, messages=2000)]
    assert any(i.direction == "out" for i in items)
    assert any(i.is_auto for i in items)
    text = " ".join(i.text for i in items)
    for word in ("perché", "già", "più"):
        assert word in text


def test_people_on_email_and_chat_share_a_phone() -> None:
    gen = Generator(200, 3000, seed=1)
    both = [
        p
        for p in gen.people
        if {"email", "chat"} <= set(p.channels) and p.email_has_phone and p.chat_has_phone
    ]
    assert both
    phones = {p.index: p.phone for p in both}
    carried: dict[int, set[str]] = {}
    by_sender = {p.email: p.index for p in both} | {p.matrix: p.index for p in both}
    for _c, item in gen.items():
        who = by_sender.get(item.sender.value)
        if who is not None:
            carried.setdefault(who, set()).update(a.value for a in item.extra_identities)
    assert any(phones[k] in v for k, v in carried.items())


def test_busy_customer_gets_exactly_their_share() -> None:
    gen = Generator(50, 1000, seed=1, heavy_messages=300, chunk_messages=250)
    busy = gen.people[0]
    mine = [i for _c, i in gen.items() if busy.email == i.sender.value or busy.matrix == i.sender.value]
    assert len(mine) >= 150  # the customer's own messages; the rest are the agents' replies


def test_committed_demo_file_is_what_the_generator_makes() -> None:
    committed = json.loads(data_file().read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(demo_data()))
