"""The Matrix connector against a real Synapse: what an agent and a customer would see."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from connectors.base import (
    AttachmentData,
    AuthError,
    BatchItem,
    InboundItem,
    ItemUpdate,
    OutboundReply,
    PermanentError,
    TransientError,
)
from connectors.matrix import MatrixConnector
from tests.integration.matrix.synapse import Accounts

pytestmark = pytest.mark.synapse


async def collect(connector: MatrixConnector, cursor: str | None) -> tuple[list[BatchItem], str | None]:
    items: list[BatchItem] = []
    async for batch in connector.fetch(cursor):
        items.extend(batch.items)
        cursor = batch.cursor
    return items, cursor


def inbound(items: list[BatchItem]) -> list[InboundItem]:
    return [i for i in items if isinstance(i, InboundItem) and i.direction == "in"]


def test_customer_message_arrives_and_reply_reaches_customer_once(accounts: Accounts) -> None:
    room = accounts.direct_room()
    accounts.customer_client.send(room, "Hello, my order 1042 is late")

    async def run() -> None:
        connector = accounts.connector()
        try:
            # The invite is accepted and the message written before the join is imported.
            items, cursor = await collect(connector, None)
            [item] = inbound(items)
            assert item.text == "Hello, my order 1042 is late"
            assert item.thread_key == room
            assert item.sender.kind == "matrix"
            assert item.sender.value == accounts.customer.user_id
            assert item.sender.display_name == "Giulia Rossi"
            assert item.extra_identities == ()

            reply = OutboundReply(
                "reply-1",
                room,
                "We are on it.",
                html="<b>We</b> are on it.",
                in_reply_to=item.external_id,
            )
            first = await connector.send(reply)
            again = await connector.send(reply)  # a retry after a lost answer
            assert again.external_id == first.external_id

            # Our own reply comes back as an echo the store can match to the outbox.
            items, cursor = await collect(connector, cursor)
            [echo] = [i for i in items if isinstance(i, InboundItem)]
            assert echo.direction == "out"
            assert echo.idempotency_key == "reply-1"
            assert echo.external_id == first.external_id
            assert echo.in_reply_to == item.external_id
        finally:
            await connector.close()

        # After a restart (a new login) the reply is still found, so the
        # dispatcher does not send it again.
        later = accounts.connector()
        try:
            found = await later.find_sent(reply)
            assert found is not None and found.external_id == first.external_id
            # Same device, new login: the homeserver still knows the transaction.
            assert (await later.send(reply)).external_id == first.external_id
            other_device = accounts.connector(device_id="OTHERDEVICE")
            try:
                found = await other_device.find_sent(reply)
                assert found is not None and found.external_id == first.external_id
            finally:
                await other_device.close()
            assert await later.find_sent(OutboundReply("never-sent", room, "x")) is None
        finally:
            await later.close()

    asyncio.run(run())
    replies = accounts.customer_client.messages_from(room, accounts.support.user_id)
    assert [r["content"]["body"] for r in replies] == ["We are on it."]
    assert replies[0]["content"]["formatted_body"] == "<b>We</b> are on it."


def test_a_long_gap_is_filled_back_completely(accounts: Accounts) -> None:
    room = accounts.direct_room()
    accounts.customer_client.send(room, "first")

    async def run() -> None:
        connector = accounts.connector(sync_limit=5)
        try:
            items, cursor = await collect(connector, None)
            assert [i.text for i in inbound(items)] == ["first"]
            # The worker is down while the customer writes far more than one sync holds.
            for n in range(37):
                accounts.customer_client.send(room, f"gap {n}")
            items, cursor = await collect(connector, cursor)
            texts = sorted(i.text for i in inbound(items))
            assert texts == sorted(f"gap {n}" for n in range(37))
            assert len({i.external_id for i in inbound(items)}) == 37
            items, cursor = await collect(connector, cursor)
            assert inbound(items) == []
        finally:
            await connector.close()

    asyncio.run(run())


def test_edits_and_redactions_arrive_as_updates(accounts: Accounts) -> None:
    room = accounts.direct_room()
    client = accounts.customer_client
    original = client.send(room, "My adress is Via Roma 1")

    async def run() -> None:
        connector = accounts.connector()
        try:
            _, cursor = await collect(connector, None)
            edit = client.edit(room, original, "My address is Via Roma 1")
            gone = client.send(room, "oops, wrong chat")
            redaction = client.redact(room, gone, reason="wrong chat")
            items, cursor = await collect(connector, cursor)
            updates = [i for i in items if isinstance(i, ItemUpdate)]
            assert (
                ItemUpdate(
                    original,
                    "edit",
                    external_id=edit,
                    text="My address is Via Roma 1",
                    at=updates[0].at,
                )
                in updates
            )
            [removed] = [u for u in updates if u.kind == "redaction"]
            assert removed.target_external_id == gone
            assert removed.external_id == redaction
            assert removed.reason == "wrong chat"
        finally:
            await connector.close()

    asyncio.run(run())


def test_encrypted_room_says_it_cannot_be_read(accounts: Accounts) -> None:
    room = accounts.customer_client.create_room(invite=(accounts.support.user_id,), encrypted=True)
    accounts.customer_client.send(
        room,
        content={
            "algorithm": "m.megolm.v1.aes-sha2",
            "ciphertext": "AwgAEnAC...",
            "sender_key": "x",
            "session_id": "y",
            "device_id": "Z",
        },
        event_type="m.room.encrypted",
    )

    async def run() -> list[InboundItem]:
        connector = accounts.connector()
        try:
            items, _ = await collect(connector, None)
            # Answering in plain text would leak the reply into an encrypted room.
            with pytest.raises(PermanentError, match="encrypted"):
                await connector.send(OutboundReply("enc-1", room, "plain answer"))
            return inbound(items)
        finally:
            await connector.close()

    items = asyncio.run(run())
    assert accounts.customer_client.messages_from(room, accounts.support.user_id) == []
    assert items and all(i.meta.get("encrypted") for i in items)
    assert any("end-to-end encrypted" in i.text and "cannot be read" in i.text for i in items)


def test_images_are_downloaded_as_attachments(accounts: Accounts) -> None:
    room = accounts.direct_room()
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    mxc = accounts.customer_client.upload(picture, "image/png", "damage.png")
    accounts.customer_client.send(
        room,
        content={
            "msgtype": "m.image",
            "body": "the box arrived like this",
            "filename": "damage.png",
            "url": mxc,
            "info": {"mimetype": "image/png", "size": len(picture)},
        },
    )

    async def run() -> InboundItem:
        connector = accounts.connector()
        try:
            items, _ = await collect(connector, None)
            [item] = inbound(items)
            return item
        finally:
            await connector.close()

    item = asyncio.run(run())
    assert item.text == "the box arrived like this"
    [attachment] = item.attachments
    assert (attachment.filename, attachment.content_type, attachment.data) == (
        "damage.png",
        "image/png",
        picture,
    )


def test_a_reply_with_a_file_arrives_whole_and_once(accounts: Accounts) -> None:
    room = accounts.direct_room()
    invoice = AttachmentData("invoice-1042.pdf", "application/pdf", b"%PDF-1.4 " + b"x" * 5000)
    reply = OutboundReply("with-file", room, "Here is your invoice.", attachments=(invoice,))

    async def run() -> None:
        connector = accounts.connector()
        try:
            await collect(connector, None)
            first = await connector.send(reply)
            assert (await connector.send(reply)).external_id == first.external_id
            found = await connector.find_sent(reply)
            assert found is not None and found.external_id == first.external_id
        finally:
            await connector.close()

    asyncio.run(run())
    events = accounts.customer_client.messages_from(room, accounts.support.user_id)
    assert [(e["content"]["msgtype"], e["content"]["body"]) for e in events] == [
        ("m.file", "invoice-1042.pdf"),
        ("m.text", "Here is your invoice."),
    ]
    mxc = events[0]["content"]["url"]
    assert asyncio.run(files_only(accounts, room, invoice)) == 1
    download = accounts.customer_client.http.get(
        accounts.server.base_url + "/_matrix/client/v1/media/download/" + mxc[len("mxc://") :]
    )
    assert download.content == invoice.data


@pytest.mark.slow
def test_a_file_larger_than_the_homeserver_takes_is_refused_before_the_upload(accounts: Accounts) -> None:
    from tests.integration.matrix.synapse import Synapse

    async def limit_of(connector: Any) -> int | None:
        try:
            return await connector.replies.upload_limit()
        finally:
            await connector.close()

    assert asyncio.run(limit_of(accounts.connector())) == 50 * 1024 * 1024  # Synapse's default
    small = Synapse(max_upload_size="64K")
    small.start()
    try:
        support = small.register("support", displayname="Support")
        customer = small.register("customer", displayname="Giulia Rossi")
        client = small.client(customer)
        tight = Accounts(small, support, customer, client)
        room = tight.direct_room()
        poster = AttachmentData("locandina.png", "image/png", b"\x89PNG" + b"0" * 100_000)
        reply = OutboundReply("too-big", room, "Ecco la locandina.", attachments=(poster,))

        async def run() -> None:
            connector = tight.connector()
            try:
                await collect(connector, None)
                too_big = "locandina.png is 97 KB; the homeserver .* up to 64 KB"
                with pytest.raises(PermanentError, match=too_big):
                    await connector.send(reply)
            finally:
                await connector.close()

        asyncio.run(run())
        assert client.messages_from(room, support.user_id) == []  # nothing went, not even the text
        client.close()
    finally:
        small.destroy()


async def files_only(accounts: Accounts, room: str, attachment: AttachmentData) -> int:
    """A reply that is only a file: sent once, found again; returns how many files arrived."""
    reply = OutboundReply("only-file", room, "", attachments=(attachment,))
    connector = accounts.connector()
    try:
        first = await connector.send(reply)
        assert (await connector.send(reply)).external_id == first.external_id
        found = await connector.find_sent(reply)
        assert found is not None and found.external_id == first.external_id
    finally:
        await connector.close()
    events = accounts.customer_client.messages_from(room, accounts.support.user_id)
    return sum(1 for e in events if e["event_id"] == first.external_id)


def test_whatsapp_customer_through_a_bridge_gets_a_phone_identity(accounts: Accounts) -> None:
    server = accounts.server
    puppet = server.register(
        f"whatsapp_39333{int(time.time() * 1000) % 10**7:07d}", displayname="+39 333 123 4567 (WA)"
    )
    client = server.client(puppet)
    try:
        room = client.create_room(invite=(accounts.support.user_id,))
        client.send(room, "Ciao, info sull'ordine?")
    finally:
        client.close()

    async def run() -> InboundItem:
        connector = accounts.connector()
        try:
            items, _ = await collect(connector, None)
            [item] = inbound(items)
            return item
        finally:
            await connector.close()

    item = asyncio.run(run())
    localpart = puppet.user_id[1:].split(":")[0]
    phones = {a.value for a in item.extra_identities if a.kind == "phone"}
    assert phones == {"+" + localpart.removeprefix("whatsapp_"), "+393331234567"}


def test_invites_are_only_accepted_when_auto_join_is_on(accounts: Accounts) -> None:
    room = accounts.direct_room()
    accounts.customer_client.send(room, "anyone there?")

    async def run(auto_join: bool) -> list[InboundItem]:
        connector = accounts.connector(auto_join=auto_join)
        try:
            items, _ = await collect(connector, None)
            return inbound(items)
        finally:
            await connector.close()

    assert asyncio.run(run(False)) == []
    assert [i.text for i in asyncio.run(run(True))] == ["anyone there?"]


def test_wrong_password_is_an_auth_error_without_the_password(accounts: Accounts) -> None:
    async def run() -> None:
        connector = accounts.connector(secret="hunter2-wrong")
        try:
            await connector.check()
        finally:
            await connector.close()

    with pytest.raises(AuthError) as caught:
        asyncio.run(run())
    assert "hunter2" not in str(caught.value)
    assert accounts.support.user_id in str(caught.value)


def logout(accounts: Accounts, token: str) -> None:
    """What an admin does when they sign a device out from another client."""
    reply = httpx.post(
        accounts.server.base_url + "/_matrix/client/v3/logout",
        json={},
        headers={"Authorization": f"Bearer {token}"},
    )
    reply.raise_for_status()


def test_forgotten_token_logs_in_again_or_tells_the_admin(accounts: Accounts) -> None:
    room = accounts.direct_room()

    async def run() -> None:
        connector = accounts.connector()
        try:
            await collect(connector, None)  # joins the room
            token = await connector.session.token()
            seen: list[str] = []
            connector.on_credentials = seen.append
            logout(accounts, token)
            await connector.send(OutboundReply("after-logout", room, "still here"))
            assert len(seen) == 1 and seen[0] != token
        finally:
            await connector.close()

        token_account = accounts.connector(secret_kind="token", secret=accounts.support.access_token)
        try:
            await token_account.check()
            logout(accounts, accounts.support.access_token)
            with pytest.raises(AuthError) as caught:
                await token_account.check()
            assert accounts.support.access_token not in str(caught.value)
            assert "M_UNKNOWN_TOKEN" in str(caught.value)
        finally:
            await token_account.close()

    asyncio.run(run())


def test_settings_refuse_plain_http_to_a_remote_homeserver() -> None:
    from connectors.base import SettingsError

    with pytest.raises(SettingsError, match="https"):
        MatrixConnector({"homeserver": "http://matrix.example.org", "user_id": "@a:b"}, "pw")
    with pytest.raises(SettingsError, match="user_id"):
        MatrixConnector({"homeserver": "https://matrix.example.org", "user_id": "support"}, "pw")
    MatrixConnector({"homeserver": "http://127.0.0.1:8008", "user_id": "@a:b"}, "pw")


@pytest.mark.slow
def test_a_storm_of_real_rate_limits_delivers_every_reply_once(accounts: Accounts) -> None:
    server = accounts.server
    admin = server.register(f"admin{accounts.support.user_id[8:16]}", admin=True)
    admin_client = server.client(admin)
    # Synapse's own limiter, tightened for this one account: one message a second.
    admin_client.set_ratelimit(accounts.support.user_id, per_second=1, burst=1)
    admin_client.close()
    room = accounts.direct_room()
    replies = [OutboundReply(f"storm-{n}", room, f"reply {n}") for n in range(6)]

    async def run() -> list[TransientError]:
        connector = accounts.connector()
        refused: list[TransientError] = []
        try:
            await collect(connector, None)
            for reply in replies:
                while True:  # what the dispatcher does: wait as told, then retry
                    try:
                        await connector.send(reply)
                        break
                    except TransientError as exc:
                        refused.append(exc)
                        await asyncio.sleep(exc.retry_after or 1)
            return refused
        finally:
            await connector.close()

    refused = asyncio.run(run())
    assert refused, "the homeserver never said 429"
    assert all(e.retry_after is not None and 0 < e.retry_after <= 5 for e in refused)
    assert all("rate limit" in str(e) for e in refused)
    bodies = [
        e["content"]["body"] for e in accounts.customer_client.messages_from(room, accounts.support.user_id)
    ]
    assert bodies == [r.text for r in replies]
