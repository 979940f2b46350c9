"""Long-running entry points: HTTP server, Socket Mode client, migrations."""

from __future__ import annotations

import uvicorn
from slack_bolt.adapter.socket_mode.websockets import AsyncSocketModeHandler

from bot.app import asgi_app, build_runtime
from bot.db import make_engine, migrate
from bot.settings import Settings


async def migrate_only(settings: Settings) -> None:
    """Bring the schema to head and stop."""
    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


async def serve(settings: Settings) -> None:
    """Migrate, then serve Slack's requests on 0.0.0.0:$PORT until stopped."""
    runtime = build_runtime(settings)
    try:
        await migrate(runtime.engine)
        config = uvicorn.Config(
            asgi_app(runtime), host="0.0.0.0", port=settings.port, log_level="info"
        )
        await uvicorn.Server(config).serve()
    finally:
        await runtime.close()


async def socket(settings: Settings) -> None:
    """Migrate, then take Slack's requests over Socket Mode until stopped."""
    runtime = build_runtime(settings, verify_requests=False)
    try:
        await migrate(runtime.engine)
        handler = AsyncSocketModeHandler(runtime.app, app_token=settings.slack_app_token)
        await handler.start_async()  # type: ignore[no-untyped-call]
    finally:
        await runtime.close()
