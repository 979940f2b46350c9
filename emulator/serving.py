"""Serve an ASGI app with uvicorn on a free 127.0.0.1 port, inside the running event loop."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Generator
from typing import Any

import uvicorn


class QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handlers alone and stops within 10 ms."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """Leave SIGINT/SIGTERM to the host process (pytest, the bot's CLI)."""
        yield

    async def main_loop(self) -> None:
        """Tick like uvicorn, but notice should_exit quickly (tests stop servers often)."""
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            for _ in range(10):
                if self.should_exit:
                    break
                await asyncio.sleep(0.01)


class LocalServer:
    """One ASGI app served on a port chosen by binding port 0."""

    def __init__(self, app: Any, port: int = 0) -> None:
        self.app = app
        self.port = port
        self._server: QuietServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """Return the server's root URL."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Bind the port (a free one when 0) and serve until stop()."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off")
        self._server = QuietServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        """Stop serving and wait for uvicorn's shutdown."""
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        self._server = self._task = None
