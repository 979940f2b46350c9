"""Faults end-to-end tests inject from outside the bot, running as `python -m bot serve`: a load
balancer in front of replicas, and a database that refuses connections for a while."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.settings import async_database_url
from emulator import SlackEmulator
from models import InboxEvent, TimelineEntry
from tests.conftest import TEST_DATABASE_URL, reset_postgres
from tests.processes import BotProcess


@contextlib.asynccontextmanager
async def empty_postgres() -> AsyncIterator[AsyncEngine]:
    """Empty the PostgreSQL database of TEST_DATABASE_URL; yield an engine for the test's own
    looks at it, which no fault touches."""
    assert TEST_DATABASE_URL
    url = async_database_url(TEST_DATABASE_URL).render_as_string(hide_password=False)
    await reset_postgres(url)
    engine = create_async_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def pending_events(database: AsyncEngine) -> int:
    """Events stored and not processed yet."""
    async with database.connect() as connection:
        query = select(func.count()).select_from(InboxEvent).where(InboxEvent.done_at.is_(None))
        return int((await connection.execute(query)).scalar_one())


async def marked_texts(database: AsyncEngine) -> list[str]:
    """The texts of the marked messages on every timeline, one per entry, sorted."""
    async with database.connect() as connection:
        query = select(TimelineEntry.text).where(TimelineEntry.kind == "message")
        return sorted((await connection.execute(query)).scalars())


@contextlib.asynccontextmanager
async def serving(emu: SlackEmulator, database_url: str, cwd: Path) -> AsyncIterator[BotProcess]:
    """Run `python -m bot serve` (no scheduler: the jobs are not under test) pointed at the
    emulator, once /healthz answers 200, until the block ends."""
    bot = BotProcess(emu, database_url, cwd, SCHEDULER_ENABLED="false")
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def health(bot: BotProcess) -> int:
    """The status the bot's /healthz answers now."""
    async with httpx.AsyncClient() as client:
        return (await client.get(f"{bot.url}/healthz", timeout=10)).status_code


@dataclass
class RoundRobin(httpx.AsyncBaseTransport):
    """A load balancer in front of replicas: each request goes to the next one in turn, so
    Slack's retries of an event reach other replicas than its first delivery did."""

    urls: list[str]
    routed: list[tuple[int, str | None]] = field(default_factory=list)  # replica, event_id
    _turns: itertools.cycle[int] = field(init=False)
    _inner: httpx.AsyncHTTPTransport = field(init=False, default_factory=httpx.AsyncHTTPTransport)

    def __post_init__(self) -> None:
        self._turns = itertools.cycle(range(len(self.urls)))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request to the next replica."""
        replica = next(self._turns)
        target = httpx.URL(self.urls[replica])
        request.url = request.url.copy_with(host=target.host, port=target.port)
        event_id = None
        if request.headers.get("content-type") == "application/json":
            event_id = json.loads(request.content).get("event_id")
        self.routed.append((replica, event_id))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the connections to the replicas."""
        await self._inner.aclose()


@dataclass
class DatabaseProxy:
    """A TCP proxy between the bot and PostgreSQL, which the test can make refuse connections
    (its listener closed, every live connection dropped) and then accept them again."""

    upstream: tuple[str, int]
    port: int = 0
    _server: asyncio.Server | None = None
    _live: set[asyncio.StreamWriter] = field(default_factory=set)

    def url(self, database_url: str) -> str:
        """The same database, reached through the proxy."""
        through = make_url(database_url).set(host="127.0.0.1", port=self.port)
        return through.render_as_string(hide_password=False)

    @property
    def accepting(self) -> bool:
        """Whether the database is reachable through the proxy now."""
        return self._server is not None

    async def accept(self) -> None:
        """Listen (on the same port as before, if any) and forward every connection."""
        self._server = await asyncio.start_server(
            self._forward, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def refuse(self) -> None:
        """Stop listening and drop every connection: the database is down."""
        assert self._server is not None
        self._server.close()
        for writer in list(self._live):
            writer.transport.abort()
        await self._server.wait_closed()
        self._server = None

    async def _forward(self, client_in: asyncio.StreamReader, client: asyncio.StreamWriter) -> None:
        try:
            server_in, server = await asyncio.open_connection(*self.upstream)
        except OSError:
            client.transport.abort()
            return
        self._live.update((client, server))
        try:
            await asyncio.gather(_pipe(client_in, server), _pipe(server_in, client))
        finally:
            self._live.difference_update((client, server))


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except OSError:  # the other side was dropped
        pass
    finally:
        sink.transport.abort()
