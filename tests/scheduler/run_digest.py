"""Run the test digest job in its own process (for the two-process exactly-once test).

Reads settings from the environment, connects, then waits at a barrier (a file per process in
READY_DIR, until there are two) so both processes claim at the same instant; runs the job as
of RUN_AS_OF and prints how many messages it sent.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import datetime
from pathlib import Path

from bot.app.factory import build_runtime
from bot.clock import FrozenClock
from bot.settings import load_settings
from scheduler.jobs import run_job
from tests.scheduler.digest import DIGEST_JOBS

PROCESSES = 2


def barrier(ready: Path) -> None:
    """Say this process is ready, then wait until every process is."""
    (ready / f"ready-{os.getpid()}").touch()
    while len(list(ready.glob("ready-*"))) < PROCESSES:
        time.sleep(0.002)


async def main() -> None:
    clock = FrozenClock(datetime.fromisoformat(os.environ["RUN_AS_OF"]))
    runtime = build_runtime(load_settings(), clock=clock)
    try:
        async with runtime.deps.sessions() as session:
            await session.connection()
        await asyncio.to_thread(barrier, Path(os.environ["READY_DIR"]))
        print(await run_job(runtime.deps, "test-digest", now=clock.now(), jobs=DIGEST_JOBS))
    finally:
        await runtime.close()


if __name__ == "__main__":
    asyncio.run(main())
