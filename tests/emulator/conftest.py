"""Fixtures for the emulator's own tests: an emulator, a slack_sdk client, a recording app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator import SlackEmulator
from emulator.serving import LocalServer


@pytest.fixture
async def emu() -> AsyncIterator[SlackEmulator]:
    """Yield a running emulator."""
    async with SlackEmulator(
        signing_secret="test-secret", bot_token="xoxb-test-token", app_token="xapp-test-token"
    ) as emulator:
        yield emulator


@pytest.fixture
async def client(emu: SlackEmulator) -> AsyncIterator[AsyncWebClient]:
    """Yield a slack_sdk client pointed at the emulator, closing its session afterwards."""
    web = AsyncWebClient(token=emu.bot_token, base_url=emu.api_url)
    yield web
    if web.session is not None:
        await web.session.close()


@dataclass
class Recorded:
    """A request the recording app received."""

    headers: dict[str, str]
    body: bytes


@dataclass
class RecordingApp:
    """A stand-in for the bot: records every request and answers with `respond`."""

    url: str
    requests: list[Recorded] = field(default_factory=list)
    respond: Callable[[Recorded], Awaitable[Response]] | None = None


@pytest.fixture
async def app(emu: SlackEmulator) -> AsyncIterator[RecordingApp]:
    """Serve a recording app on a free port and point the emulator at it."""
    recording = RecordingApp(url="")

    async def events(request: Request) -> Response:
        seen = Recorded(dict(request.headers), await request.body())
        recording.requests.append(seen)
        if recording.respond is not None:
            return await recording.respond(seen)
        return Response(status_code=200)

    server = LocalServer(Starlette(routes=[Route("/slack/events", events, methods=["POST"])]))
    await server.start()
    recording.url = f"{server.url}/slack/events"
    emu.bot_url = recording.url
    yield recording
    await server.stop()
