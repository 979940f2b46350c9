"""The scheduled jobs: a registry of plain async functions, and running one of them.

A job is `async def job(deps, now) -> int`: it receives the time as an argument (never reads a
clock), sends each message through `send_once` under a unique key, and returns how many it sent.
Register it here with one line; its cron schedule (in INCIDENT_TIMEZONE) can be overridden by
the policy file's [schedules] table.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot import logs
from bot.services.deps import Deps
from models import ledger
from scheduler.delivery import REFUSED, IncompleteRun

logger = logging.getLogger(__name__)

JobFunction = Callable[[Deps, datetime], Awaitable[int]]


@dataclass(frozen=True)
class Job:
    """A named job and its default cron schedule."""

    name: str
    cron: str
    run: JobFunction


# Every job the scheduler runs, by name. Filled by the register(...) lines at the end.
JOBS: dict[str, Job] = {}


class UnknownJob(LookupError):
    """No job has this name."""

    def __init__(self, name: str, known: list[str]) -> None:
        listing = ", ".join(sorted(known)) or "none registered"
        super().__init__(f"No job named {name!r}; known jobs: {listing}")
        self.name = name


def register(
    name: str, cron: str, run: JobFunction, *, registry: dict[str, Job] | None = None
) -> Job:
    """Add a job to JOBS (or to `registry`) under a unique name with a 5-field cron schedule."""
    jobs = JOBS if registry is None else registry
    if name in jobs:
        raise ValueError(f"a job named {name!r} is already registered")
    if len(cron.split()) != 5:
        raise ValueError(f"job {name!r}: {cron!r} is not a 5-field cron line such as '0 9 * * *'")
    job = Job(name=name, cron=cron, run=run)
    jobs[name] = job
    return job


async def run_job(
    deps: Deps, name: str, *, now: datetime, jobs: Mapping[str, Job] = JOBS, record: bool = True
) -> int:
    """Run one job as of `now`, then record the run (if asked); returns messages sent."""
    if name not in jobs:
        raise UnknownJob(name, list(jobs))
    with logs.context(job=name):  # every line the run logs names the job
        try:
            sent = await _run(deps, name, now=now, jobs=jobs, record=record)
        except Exception:
            deps.metrics.job_runs.labels(job=name, result="failed").inc()
            raise
    deps.metrics.job_runs.labels(job=name, result="ok").inc()
    return sent


async def _run(
    deps: Deps, name: str, *, now: datetime, jobs: Mapping[str, Job], record: bool
) -> int:
    job = jobs[name]
    refused: list[str] = []
    token = REFUSED.set(refused)
    try:
        sent = await job.run(deps, now)
    finally:
        REFUSED.reset(token)
    if refused:
        # Not recorded as run: the scheduler tries again soon, and the ledger sends only the rest.
        raise IncompleteRun(name, refused)
    if record:
        async with deps.sessions.begin() as session:
            await ledger.record_run(session=session, job=name, at=now)
    # A quiet run (most of the frequent ones) is not worth a line at INFO.
    log = logger.info if sent else logger.debug
    log(
        "job %s ran as of %s and sent %d messages",
        name,
        now.isoformat(),
        sent,
        extra={"outcome": "ok", "sent": sent},
    )
    return sent


# The jobs, one line each: register("postmortem-reminders", "0 10 * * *", remind_postmortems)


def _register_jobs() -> None:
    # Imported here: the job modules use send_once, which lives beside this registry.
    from scheduler.drills import post_drill_injects
    from scheduler.monthly import post_monthly_review
    from scheduler.newsletter import post_newsletter
    from scheduler.nudges import nudge_updates
    from scheduler.overdue import nudge_overdue_owners
    from scheduler.reconcile import reconcile_incidents
    from scheduler.reminders import remind_meetings, remind_postmortems
    from scheduler.review import post_weekly_review
    from scheduler.search import build_search_documents

    register("postmortem-reminders", "0 10 * * *", remind_postmortems)
    register("update-nudges", "*/5 * * * *", nudge_updates)
    register("postmortem-meetings", "*/5 * * * *", remind_meetings)
    register("weekly-review", "0 9 * * 1", post_weekly_review)
    register("overdue-actions", "30 9 * * 1", nudge_overdue_owners)
    register("incident-newsletter", "0 15 * * 5", post_newsletter)
    # The first Monday: APScheduler's cron fields must all match (day 1-7 and a Monday).
    register("monthly-review", "0 10 1-7 * 1", post_monthly_review)
    register("drill-injects", "* * * * *", post_drill_injects)
    register("search-index", "* * * * *", build_search_documents)
    # Also every few seconds beside `serve` and `socket` (bot.app.server), and at start-up.
    register("reconcile", "* * * * *", reconcile_incidents)


_register_jobs()
