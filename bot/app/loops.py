"""Background loops beside the server: the inbox's retries, reconciling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

logger = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def repeating(
    what: str, run: Callable[[], Awaitable[object]], *, every: float
) -> AsyncIterator[None]:
    """While open, run `run()` at once and then every `every` seconds; a failed pass is
    logged and the next one comes all the same."""

    async def loop() -> None:
        while True:
            try:
                await run()
            except Exception:
                logger.exception("%s failed; trying again in %.0f s", what, every)
            await asyncio.sleep(every)

    task = asyncio.get_running_loop().create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
