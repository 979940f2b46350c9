"""Long-running entry points: HTTP server, Socket Mode client, migrations."""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

import uvicorn
from slack_bolt.adapter.socket_mode.websockets import AsyncSocketModeHandler
from starlette.applications import Starlette
from starlette.types import ASGIApp

from bot.app.factory import Runtime, asgi_app, build_runtime
from bot.app.loops import repeating
from bot.services.backfill import backfill_open_incidents
from bot.settings import Settings
from models.database import make_engine, migrate
from scheduler.cron import scheduling
from scheduler.jobs import run_job

logger = logging.getLogger(__name__)

# How often half-made declarations and stale cards are looked for (the first look is at start-up).
RECONCILE_EVERY_SECONDS = 5.0
# Allocations between two collections of the youngest objects (Python's default is 700).
GC_YOUNG_THRESHOLD = 10_000


async def migrate_only(settings: Settings) -> None:
    """Bring the schema to head and stop."""
    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


async def backfill(settings: Settings) -> None:
    """Add the timeline marks made while the bot was down, for every open incident."""
    runtime = build_runtime(settings)
    try:
        added = await backfill_open_incidents(runtime.deps)
        print(f"Backfill added {added} timeline entries.")
    finally:
        await runtime.close()


async def _start(runtime: Runtime) -> asyncio.Task[int]:
    """Migrate, then catch up on missed marks in the background while serving."""
    await migrate(runtime.engine)
    task = asyncio.get_running_loop().create_task(backfill_open_incidents(runtime.deps))
    task.add_done_callback(_log_backfill)
    return task


def settle_memory() -> None:
    """Once started: what was built so far (modules, the app) lives as long as the process, so
    the collector stops walking it, and collects the young less often; a full collection of
    everything took 33–70 ms, each one a pause in every ack."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)


def reconciling(runtime: Runtime) -> AbstractAsyncContextManager[None]:
    """While open, repair what a crash left half-done, at once and then every few seconds."""
    deps = runtime.deps

    async def run() -> int:
        return await run_job(deps, "reconcile", now=deps.clock.now())

    return repeating("reconciling", run, every=RECONCILE_EVERY_SECONDS)


def _log_backfill(task: asyncio.Task[int]) -> None:
    if task.cancelled():
        return
    if task.exception() is not None:
        logger.error("start-up backfill failed", exc_info=task.exception())
    else:
        logger.info("start-up backfill added %d timeline entries", task.result())


async def serve_http(
    settings: Settings, *, wrap: Callable[[Starlette], ASGIApp] | None = None
) -> None:
    """Migrate, then serve Slack's requests on 0.0.0.0:$PORT until stopped (`wrap` puts the
    app inside another, as the ack benchmark does)."""
    runtime = build_runtime(settings)
    try:
        backfilling = await _start(runtime)  # noqa: F841 - kept so the task is not collected
        app = asgi_app(runtime)
        config = uvicorn.Config(
            wrap(app) if wrap else app,
            host="0.0.0.0",
            port=settings.port,
            log_level="info",
            log_config=None,  # uvicorn's lines go to the root logger, in LOG_FORMAT like ours
            access_log=False,  # each request is logged once, by RequestTelemetry
        )
        settle_memory()
        # Scheduled jobs (unless SCHEDULER_ENABLED=false), and the events left pending.
        async with scheduling(runtime.deps), runtime.inbox.retrying(), reconciling(runtime):
            await uvicorn.Server(config).serve()
    finally:
        await runtime.close()


async def serve_socket_mode(settings: Settings) -> None:
    """Migrate, then take Slack's requests over Socket Mode until stopped."""
    runtime = build_runtime(settings, verify_requests=False)
    try:
        backfilling = await _start(runtime)  # noqa: F841 - kept so the task is not collected
        handler = AsyncSocketModeHandler(runtime.app, app_token=settings.slack_app_token)
        # Scheduled jobs (unless SCHEDULER_ENABLED=false), and repairs after a crash.
        async with scheduling(runtime.deps), reconciling(runtime):
            await handler.start_async()  # type: ignore[no-untyped-call]
    finally:
        await runtime.close()


@dataclass
class BackgroundServer:
    """An ASGI app served by uvicorn on a task of the running loop."""

    server: uvicorn.Server
    task: asyncio.Task[None]
    url: str

    async def stop(self) -> None:
        """Stop serving and wait until the server is down."""
        self.server.should_exit = True
        await self.task


async def serve_in_background(app: Starlette, *, host: str = "127.0.0.1") -> BackgroundServer:
    """Serve an app on a free local port (for the demo and the tests)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    task = asyncio.get_running_loop().create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    return BackgroundServer(server=server, task=task, url=f"http://{host}:{port}")
