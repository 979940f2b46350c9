"""`python -m bot run-job <name> [--at TIME]`, `python -m bot reconcile`, and
`python -m bot scheduler` (the worker)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Mapping
from datetime import datetime

from bot.app.factory import build_runtime
from bot.clock import Clock, FrozenClock, SystemClock
from bot.services.reconcile import reconcile
from bot.settings import Settings, SettingsError
from models.database import migrate
from scheduler.jobs import JOBS, Job, UnknownJob, run_job

logger = logging.getLogger(__name__)

TOKEN_MISSING = (
    "Configuration error: SLACK_BOT_TOKEN is required to run jobs (the bot token, xoxb-…)"
)


async def run_job_command(
    settings: Settings, name: str, at: str | None, *, jobs: Mapping[str, Job] = JOBS
) -> int:
    """Run one job as if the clock read `at` (default: now); 2 with one line on bad input."""
    clock: Clock = SystemClock()
    if at is not None:
        try:
            clock = FrozenClock(parse_time(at, settings))
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
    if name not in jobs:
        print(UnknownJob(name, list(jobs)), file=sys.stderr)
        return 2
    if not settings.slack_bot_token:
        print(TOKEN_MISSING, file=sys.stderr)
        return 2
    runtime = build_runtime(settings, clock=clock)
    now = clock.now()
    try:
        await migrate(runtime.engine)
        # A run "as of" a time still to come is not the scheduler's run: recording it would
        # hide real runs missed until then from the start-up catch-up.
        future = now > SystemClock().now()
        sent = await run_job(runtime.deps, name, now=now, jobs=jobs, record=not future)
    except Exception as error:
        logger.exception("job %s failed", name)
        print(f"{name} failed at {now.isoformat()}: {error}", file=sys.stderr)
        return 1
    finally:
        await runtime.close()
    noun = "message" if sent == 1 else "messages"
    print(f"ran {name} at {now.astimezone(settings.zone).isoformat()}: sent {sent} {noun}")
    return 0


def parse_time(text: str, settings: Settings) -> datetime:
    """Read an ISO 8601 time; without an offset it is taken in INCIDENT_TIMEZONE."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--at {text!r} is not an ISO 8601 time such as 2025-01-15T09:00:00+01:00"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=settings.zone)


async def run_scheduler(settings: Settings) -> int:
    """Migrate, then fire the scheduled jobs until SIGTERM or Ctrl-C."""
    from scheduler.cron import start_scheduler

    if not settings.slack_bot_token:
        print(TOKEN_MISSING, file=sys.stderr)
        return 2
    runtime = build_runtime(settings)
    try:
        await migrate(runtime.engine)
        try:
            scheduler = await start_scheduler(runtime.deps)
        except SettingsError as error:
            print(f"Configuration error: {error}", file=sys.stderr)
            return 2
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        try:
            await stopping.wait()
        finally:
            await scheduler.stop()
    finally:
        await runtime.close()
    return 0


async def run_reconcile(settings: Settings) -> int:
    """Repair now what a crash left half-done, and print each repair (or that none was due)."""
    if not settings.slack_bot_token:
        print(TOKEN_MISSING.replace("run jobs", "reconcile"), file=sys.stderr)
        return 2
    runtime = build_runtime(settings)
    try:
        await migrate(runtime.engine)
        repairs = await reconcile(runtime.deps, runtime.deps.clock.now())
    finally:
        await runtime.close()
    for repair in repairs:
        print(f"incident #{repair.number}: " + "; ".join(repair.done))
    if not repairs:
        print("Nothing to repair: every incident is set up and drawn as recorded.")
    return 0
