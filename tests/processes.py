"""The bot as a real process (`python -m bot serve`) pointed at the emulator, for tests that
start, kill and restart it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from emulator import SlackEmulator
from tests.conftest import BOT_TOKEN, SIGNING_SECRET


def free_port() -> int:
    """A local TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """`python -m bot serve` on its own port; started, killed and started again by a test."""

    def __init__(self, emu: SlackEmulator, database_url: str, cwd: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cwd = cwd
        self.env = {
            **os.environ,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": emu.api_url,
            "DATABASE_URL": database_url.replace("+aiosqlite", "").replace("+asyncpg", ""),
            "INCIDENT_ANNOUNCE_CHANNEL": "#incidents",
            "PORT": str(self.port),
            **env,
        }
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        """Where the process writes its log (one file per start)."""
        return self.cwd / f"bot-{self.port}-{self.starts}.log"

    async def start(self) -> None:
        """Start the process and wait until /healthz answers 200."""
        self.starts += 1
        with self.log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "serve",
                env=self.env,
                cwd=self.cwd,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )
        async with httpx.AsyncClient() as client:
            for _ in range(600):
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{self.url}/healthz")).status_code == 200:
                        return
                assert self.process.returncode is None, self.log.read_text()
                await asyncio.sleep(0.05)
        raise AssertionError(f"the bot did not become healthy:\n{self.log.read_text()}")

    async def kill(self, signum: int = signal.SIGKILL) -> None:
        """Send the process a signal (SIGKILL by default: no clean-up runs) and reap it."""
        assert self.process is not None
        self.process.send_signal(signum)
        await self.process.wait()

    async def stop(self) -> None:
        """Stop the process if it still runs."""
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


@contextlib.asynccontextmanager
async def served(emu: SlackEmulator, database_url: str, cwd: Path) -> AsyncIterator[str]:
    """Run `python -m bot serve` pointed at the emulator until the block ends."""
    bot = BotProcess(emu, database_url, cwd)
    await bot.start()
    try:
        yield bot.url
    finally:
        await bot.stop()
