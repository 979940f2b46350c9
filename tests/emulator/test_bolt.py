"""A small Bolt app driven through the emulator over both transports, as the bot will be."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator import SlackEmulator
from emulator.serving import LocalServer

MODAL = {
    "type": "modal",
    "callback_id": "declare",
    "title": {"type": "plain_text", "text": "Declare"},
    "submit": {"type": "plain_text", "text": "Declare"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


def build_app(emu: SlackEmulator) -> AsyncApp:
    """Return a Bolt app: /incident opens a modal; its submission posts and pins a card."""
    app = AsyncApp(
        client=AsyncWebClient(token=emu.bot_token, base_url=emu.api_url),
        signing_secret=emu.signing_secret,
    )

    @app.command("/incident")
    async def open_modal(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("declare")
    async def declare(ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient) -> None:
        title = view["state"]["values"]["title"]["value"]["value"]
        if len(title) < 3:
            await ack(response_action="errors", errors={"title": "Too short"})
            return
        await ack()
        created = await client.conversations_create(name=f"inc-{title}")
        cid = created["channel"]["id"]
        posted = await client.chat_postMessage(channel=cid, text=f"Incident: {title}")
        await client.pins_add(channel=cid, timestamp=posted["ts"])

    @app.event("reaction_added")
    async def reacted(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.reactions_add(
            channel=event["item"]["channel"], timestamp=event["item"]["ts"], name="eyes"
        )

    return app


@pytest.fixture(params=["http", "socket"])
async def bolt(request: pytest.FixtureRequest, emu: SlackEmulator) -> AsyncIterator[str]:
    """Run the Bolt app over HTTP or Socket Mode; yield the transport's name."""
    app = build_app(emu)
    if request.param == "http":
        handler = AsyncSlackRequestHandler(app)

        async def endpoint(req: Request) -> Response:
            return await handler.handle(req)

        server = LocalServer(Starlette(routes=[Route("/slack/events", endpoint, methods=["POST"])]))
        await server.start()
        emu.bot_url = f"{server.url}/slack/events"
        yield "http"
        await server.stop()
    else:
        socket_handler = AsyncSocketModeHandler(app, emu.app_token)
        await socket_handler.connect_async()  # type: ignore[no-untyped-call]
        await emu.wait_for_socket()
        yield "socket"
        await socket_handler.close_async()  # type: ignore[no-untyped-call]
        await emu.wait_for(lambda: not emu.socket_connected)
    assert emu.violations == []


async def test_a_bolt_app_declares_through_a_modal(emu: SlackEmulator, bolt: str) -> None:
    resp = await emu.slash_command("/incident", "", user="U0ALICE")
    assert resp.status_code == 200
    view = await emu.wait_for(lambda: next(iter(emu.views.values()), None))
    assert view.user == "U0ALICE" and view.view["callback_id"] == "declare"

    rejected = await emu.submit_view(view.id, {"title": {"value": "x"}})
    assert rejected.json() == {"response_action": "errors", "errors": {"title": "Too short"}}
    assert not view.closed

    await emu.submit_view(view.id, {"title": {"value": "db-down"}})
    assert view.closed
    chan = await emu.wait_for(lambda: emu.channel_by_name("inc-db-down"))
    await emu.wait_for(lambda: chan.pins)
    assert chan.messages[0].text == "Incident: db-down" and chan.pins == [chan.messages[0].ts]

    chan.members.add("U0BOB")
    await emu.user_reacts(chan.id, chan.messages[0].ts, "U0BOB", "fire")
    await emu.wait_for(lambda: "eyes" in chan.messages[0].reactions)
