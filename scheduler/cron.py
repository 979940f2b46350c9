"""APScheduler set-up, and the only module that imports APScheduler.

Each job fires on its cron schedule (in INCIDENT_TIMEZONE) and runs with `deps.clock.now()`.
On start, a job whose last scheduled time passed while no scheduler was running runs once at
once (once, however many times it was missed); a job never run before is only marked as run,
so a first deployment sends nothing for the past.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.services.deps import Deps
from bot.settings import SettingsError
from models import ledger
from scheduler.jobs import JOBS, Job, run_job

logger = logging.getLogger(__name__)

# A firing delayed this long (a blocked loop, a suspended host) still runs; later, the
# start-up catch-up takes over. Coalescing turns a backlog into a single run.
MISFIRE_GRACE_SECONDS = 3600
# A run that failed (Slack down, say) is tried again this often, this many times; the ledger
# makes sure what already went out is not sent twice.
RETRY_AFTER = timedelta(minutes=5)
RETRIES = 6


@dataclass
class Scheduler:
    """A started scheduler; `catching_up` ends once the runs missed while down have run."""

    aps: AsyncIOScheduler
    catching_up: asyncio.Task[list[str]]

    async def stop(self) -> None:
        """Stop firing jobs and abandon an unfinished catch-up."""
        self.aps.shutdown(wait=False)
        self.catching_up.cancel()
        await asyncio.gather(self.catching_up, return_exceptions=True)
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the loop's next turn


def schedule_table(jobs: Mapping[str, Job], schedules: Mapping[str, str]) -> dict[str, str]:
    """Each job's cron line: its default, unless `schedules` overrides it."""
    for name in schedules:
        if name not in jobs:
            known = ", ".join(sorted(jobs)) or "none registered"
            raise SettingsError(f"schedules.{name} names no job (known jobs: {known})")
    return {name: schedules.get(name, job.cron) for name, job in jobs.items()}


def cron_trigger(name: str, cron: str, zone: ZoneInfo) -> CronTrigger:
    """Parse a job's 5-field cron line (standard cron: 0 or 7 is Sunday) in the time zone."""
    try:
        return CronTrigger.from_crontab(standard_weekdays(cron), timezone=zone)
    except ValueError as error:
        problem = f"{cron!r} is not a valid cron line ({error})"
        raise SettingsError(f"schedules.{name}: {problem}") from None


_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def standard_weekdays(cron: str) -> str:
    """Name the weekdays: APScheduler counts 0 as Monday, where cron counts 0 (and 7) as Sunday."""
    fields = cron.split()
    if len(fields) != 5:
        return cron
    fields[4] = re.sub(r"(?<![/\d])([0-7])(?!\d)", lambda m: _DAY_NAMES[int(m.group(1))], fields[4])
    return " ".join(fields)


def missed(trigger: CronTrigger, *, last_run: datetime, now: datetime) -> bool:
    """Tell whether a scheduled time fell after `last_run` and by `now`."""
    due = trigger.get_next_fire_time(None, last_run + timedelta(microseconds=1))
    return due is not None and due <= now


async def start_scheduler(
    deps: Deps,
    jobs: Mapping[str, Job] = JOBS,
    schedules: Mapping[str, str] | None = None,
) -> Scheduler:
    """Start firing `jobs` on their schedules (default: the policy's [schedules] over defaults)."""
    table = schedule_table(jobs, deps.policy.schedules if schedules is None else schedules)
    triggers = {name: cron_trigger(name, cron, deps.zone) for name, cron in table.items()}
    due = await _runs_missed(deps, triggers)
    aps = AsyncIOScheduler(timezone=deps.zone)
    for name, trigger in triggers.items():
        aps.add_job(
            fire,
            trigger,
            args=(deps, name, jobs, aps),
            id=name,
            name=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
        )
    aps.start()
    listing = ", ".join(f"{name} ({cron})" for name, cron in table.items()) or "no jobs"
    logger.info("scheduler started: %s", listing)
    catching_up = asyncio.get_running_loop().create_task(_catch_up(deps, due, jobs))
    return Scheduler(aps=aps, catching_up=catching_up)


@contextlib.asynccontextmanager
async def scheduling(deps: Deps) -> AsyncIterator[Scheduler | None]:
    """Run the scheduler for the block's duration, unless SCHEDULER_ENABLED is false."""
    if not deps.settings.scheduler_enabled:
        logger.info("scheduler disabled (SCHEDULER_ENABLED=false)")
        yield None
        return
    scheduler = await start_scheduler(deps)
    try:
        yield scheduler
    finally:
        await scheduler.stop()


async def fire(
    deps: Deps,
    name: str,
    jobs: Mapping[str, Job],
    aps: AsyncIOScheduler | None = None,
    at: datetime | None = None,
    attempt: int = 0,
) -> bool:
    """Run a job as of now (or as of its first try); a failed run is retried a few times."""
    now = at or deps.clock.now()
    try:
        await run_job(deps, name, now=now, jobs=jobs)
    except Exception:
        retrying = aps is not None and attempt < RETRIES
        logger.exception(
            "job %s failed as of %s%s",
            name,
            now.isoformat(),
            "; retrying" if retrying else "",
            extra={"job": name, "outcome": "failed"},
        )
        if retrying and aps is not None:
            aps.add_job(
                fire,
                # The scheduler fires on the wall clock; the run keeps its own `now`.
                DateTrigger(run_date=datetime.now(UTC) + RETRY_AFTER),
                args=(deps, name, jobs, aps, now, attempt + 1),
            )
        return False
    return True


async def _runs_missed(deps: Deps, triggers: Mapping[str, CronTrigger]) -> list[str]:
    """Jobs whose scheduled time passed since their last run; a new job is marked as run now."""
    now = deps.clock.now()
    due: list[str] = []
    async with deps.sessions.begin() as session:
        for name, trigger in triggers.items():
            last = await ledger.last_run(session=session, job=name)
            if last is None:
                await ledger.record_run(session=session, job=name, at=now)
            elif missed(trigger, last_run=last, now=now):
                due.append(name)
    return due


async def _catch_up(deps: Deps, due: list[str], jobs: Mapping[str, Job]) -> list[str]:
    """Run each missed job once; returns the names of those that ran without error."""
    ran: list[str] = []
    for name in due:
        logger.info("job %s missed a scheduled run while down; running it now", name)
        if await fire(deps, name, jobs):
            ran.append(name)
    return ran
