"""Socket Mode with slack_sdk's own client: hello, envelopes, acks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.socket_mode.websockets import SocketModeClient
from slack_sdk.web.async_client import AsyncWebClient

from emulator import SlackEmulator


@pytest.fixture
async def socket_client(emu: SlackEmulator) -> AsyncIterator[SocketModeClient]:
    """Yield a connected slack_sdk Socket Mode client that acks every envelope."""
    web = AsyncWebClient(base_url=emu.api_url)
    sm = SocketModeClient(app_token=emu.app_token, web_client=web, auto_reconnect_enabled=False)
    received: list[SocketModeRequest] = []

    async def on_request(client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        received.append(req)
        payload = {"text": "got it"} if req.type == "slash_commands" else None
        await client.send_socket_mode_response(SocketModeResponse(req.envelope_id, payload))

    sm.socket_mode_request_listeners.append(on_request)
    sm.received = received  # type: ignore[attr-defined]
    await sm.connect()  # type: ignore[no-untyped-call]
    await emu.wait_for_socket()
    yield sm
    await sm.close()  # type: ignore[no-untyped-call]
    if web.session is not None:
        await web.session.close()
    await emu.wait_for(lambda: not emu.socket_connected)


async def test_connections_open_needs_the_app_token(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as info:
        await client.apps_connections_open(app_token="xapp-wrong")
    assert info.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as info:
        await client.apps_connections_open(app_token=emu.bot_token)
    assert info.value.response["error"] == "not_allowed_token_type"
    url = (await client.apps_connections_open(app_token=emu.app_token))["url"]
    assert url.startswith(f"ws://127.0.0.1:{emu.port}/socket-mode?ticket=")


async def test_envelopes_go_over_the_socket_and_acks_come_back(
    emu: SlackEmulator, socket_client: SocketModeClient
) -> None:
    assert emu.socket_connected
    resp = await emu.slash_command("/incident", "sev2 slow", user="U0BOB")
    assert resp.status_code == 200 and resp.json() == {"text": "got it"}
    assert [(e.user, e.text) for e in emu.ephemerals] == [("U0BOB", "got it")]
    event = {"type": "app_mention", "user": "U0ALICE", "text": "<@U0BOT>", "channel": "C0GENERAL"}
    ack = await emu.send_event(event)
    assert ack.status_code == 200 and ack.text == ""
    received = socket_client.received  # type: ignore[attr-defined]
    assert [r.type for r in received] == ["slash_commands", "events_api"]
    assert received[0].payload["command"] == "/incident"
    assert received[0].accepts_response_payload is True
    assert received[1].payload["event"]["type"] == "app_mention"


async def test_an_unacked_envelope_is_a_violation(emu: SlackEmulator) -> None:
    web = AsyncWebClient(base_url=emu.api_url)
    sm = SocketModeClient(app_token=emu.app_token, web_client=web, auto_reconnect_enabled=False)
    await sm.connect()  # type: ignore[no-untyped-call]
    await emu.wait_for_socket()
    emu.ack_timeout = 0.2
    resp = await emu.send_event({"type": "app_home_opened", "user": "U0ALICE"})
    assert resp.status_code != 200
    assert emu.violations and "not acknowledged" in emu.violations[0]
    emu.violations.clear()
    await sm.close()  # type: ignore[no-untyped-call]
    await emu.wait_for(lambda: not emu.socket_connected)


async def test_clients_reconnect_when_slack_asks_them_to(
    emu: SlackEmulator, socket_client: SocketModeClient
) -> None:
    [old] = emu.socket.clients
    await emu.socket.disconnect("refresh_requested")
    await emu.wait_for(lambda: emu.socket.clients and old not in emu.socket.clients)
    assert len(emu.calls_to("apps.connections.open")) == 2
    ack = await emu.send_event({"type": "app_home_opened", "user": "U0ALICE"})
    assert ack.status_code == 200
