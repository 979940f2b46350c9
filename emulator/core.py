"""The SlackEmulator: the public class, and the HTTP server's lifecycle."""

from __future__ import annotations

import asyncio

from emulator.actions import UserActions
from emulator.serving import LocalServer
from emulator.ui import UiDriver


class SlackEmulator(UiDriver, UserActions):
    """An in-process Slack: Web API over HTTP, request signing, Socket Mode."""

    _server: LocalServer | None = None

    @property
    def api_url(self) -> str:
        """Return the Web API base URL for slack_sdk (trailing slash included)."""
        return f"{self.base_url}/api/"

    async def start(self, port: int = 0) -> None:
        """Serve on 127.0.0.1 (on a free port unless one is given), in the running event loop."""
        from emulator.server import build_app

        self._server = LocalServer(build_app(self), port)
        await self._server.start()
        self.port = self._server.port

    async def stop(self) -> None:
        """Stop serving and release every connection and background task."""
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        await self.socket.close_all()
        if self._server is not None:
            await self._server.stop()
        if self._http is not None:
            await self._http.aclose()
        self._server = self._http = None

    async def __aenter__(self) -> SlackEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
