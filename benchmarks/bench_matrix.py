"""How fast the Matrix channel is, measured on a real Synapse on loopback.

1. Inbound latency: from the customer's send to the item yielded by the
   connector running as the sync worker runs it (wait_for_changes -> fetch),
   p50/p95 over N messages.
2. Reply round trip: from ``send()`` to the customer's own long-poll /sync
   seeing the reply.
3. First sync: an account that already has ROOMS rooms x MESSAGES messages,
   fetched from nothing (history import), items per second.

Run from the repository root:  python benchmarks/bench_matrix.py [--rooms 50 --messages 200]
Synapse is installed into its own venv on first use (see tests/integration/matrix/synapse.py).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors.base import InboundItem, OutboundReply  # noqa: E402
from connectors.matrix import MatrixConnector  # noqa: E402
from tests.integration.matrix.synapse import Synapse, User  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def connector(server: Synapse, user: User, **settings: object) -> MatrixConnector:
    return MatrixConnector(
        {"homeserver": server.base_url, "user_id": user.user_id, **settings}, user.password
    )


async def inbound_latency(server: Synapse, count: int) -> list[float]:
    support = server.register("bench_in_support")
    customer = server.register("bench_in_customer")
    client = server.client(customer)
    room = client.create_room(invite=(support.user_id,))
    agent = connector(server, support)
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    try:
        cursor = None
        async for batch in agent.fetch(None):
            cursor = batch.cursor

        def customer_writes() -> None:
            for n in range(count):
                text = f"latency probe {n}"
                sent_at[text] = time.perf_counter()
                client.send(room, text)
                time.sleep(0.02)  # a brisk typist, not a flood

        writer = threading.Thread(target=customer_writes)
        writer.start()
        while len(latencies) < count:
            await agent.wait_for_changes(cursor, 30)
            async for batch in agent.fetch(cursor):
                now = time.perf_counter()
                for item in batch.items:
                    if isinstance(item, InboundItem) and item.text in sent_at:
                        latencies.append(now - sent_at[item.text])
                cursor = batch.cursor
        writer.join()
    finally:
        await agent.close()
        client.close()
    return latencies


async def reply_round_trip(server: Synapse, count: int) -> list[float]:
    support = server.register("bench_out_support")
    customer = server.register("bench_out_customer")
    client = server.client(customer)
    room = client.create_room(invite=(support.user_id,))
    agent = connector(server, support)
    seen: dict[str, float] = {}
    stop = threading.Event()
    ready = threading.Event()

    def customer_reads() -> None:
        since, _ = client.sync_messages()
        ready.set()
        while not stop.is_set():
            since, events = client.sync_messages(since, timeout_ms=1000)
            now = time.perf_counter()
            for event in events:
                seen.setdefault(event["content"].get("body", ""), now)

    try:
        async for _ in agent.fetch(None):  # joins the room
            pass
        reader = threading.Thread(target=customer_reads)
        reader.start()
        ready.wait()
        latencies = []
        for n in range(count):
            text = f"reply probe {n}"
            start = time.perf_counter()
            await agent.send(OutboundReply(f"bench-reply-{n}", room, text))
            while text not in seen:
                await asyncio.sleep(0.001)
            latencies.append(seen[text] - start)
        stop.set()
        reader.join()
        return latencies
    finally:
        stop.set()
        await agent.close()
        client.close()


def populate(server: Synapse, rooms: int, messages: int) -> User:
    support = server.register("bench_hist_support")
    support_client = server.client(support)

    def one_room(n: int) -> None:
        customer = server.register(f"bench_hist_customer{n}")
        client = server.client(customer)
        room = client.create_room(invite=(support.user_id,))
        support_client.join(room)
        for m in range(messages):
            client.send(room, f"room {n} message {m}")
        client.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one_room, range(rooms)))
    support_client.close()
    return support


async def first_sync(server: Synapse, support: User) -> tuple[float, int, int]:
    agent = connector(server, support, history_limit=100_000)
    items = batches = 0
    start = time.perf_counter()
    try:
        async for batch in agent.fetch(None):
            batches += 1
            items += sum(1 for i in batch.items if isinstance(i, InboundItem))
    finally:
        await agent.close()
    return time.perf_counter() - start, items, batches


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages-latency", type=int, default=200)
    parser.add_argument("--replies", type=int, default=100)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()

    server = Synapse()
    server.start()
    try:
        inbound = asyncio.run(inbound_latency(server, args.messages_latency))
        print(
            f"inbound latency over {len(inbound)} messages: "
            f"p50 {pct(inbound, 0.5) * 1000:.1f} ms, p95 {pct(inbound, 0.95) * 1000:.1f} ms, "
            f"max {max(inbound) * 1000:.1f} ms"
        )
        replies = asyncio.run(reply_round_trip(server, args.replies))
        print(
            f"reply round trip over {len(replies)} replies: "
            f"p50 {pct(replies, 0.5) * 1000:.1f} ms, p95 {pct(replies, 0.95) * 1000:.1f} ms, "
            f"mean {statistics.mean(replies) * 1000:.1f} ms"
        )
        start = time.perf_counter()
        support = populate(server, args.rooms, args.messages)
        print(
            f"populated {args.rooms} rooms x {args.messages} messages in {time.perf_counter() - start:.1f} s"
        )
        took, items, batches = asyncio.run(first_sync(server, support))
        print(
            f"first sync: {items} messages in {batches} batches, {took:.1f} s ({items / took:.0f} messages/s)"
        )
    finally:
        server.destroy()


if __name__ == "__main__":
    main()
