"""The scheduler: schedules in INCIDENT_TIMEZONE, overrides, firing, and the catch-up at start."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app.factory import Runtime
from bot.clock import FrozenClock
from bot.services.deps import Deps
from bot.settings import SettingsError, load_settings
from emulator import SlackEmulator
from models import ledger
from scheduler.cron import cron_trigger, fire, missed, schedule_table, scheduling, start_scheduler
from scheduler.jobs import JOBS, Job, register
from tests.scheduler.conftest import NOW
from tests.scheduler.digest import DIGEST_CRON, DIGEST_JOBS, digests

PARIS = ZoneInfo("Europe/Paris")
# 09:00 Paris is 08:00 UTC in January.
NINE_IN_PARIS = datetime(2025, 1, 15, 8, 0, tzinfo=UTC)


def counting_job(runs: list[datetime], cron: str = DIGEST_CRON) -> dict[str, Job]:
    """A registry holding one job that notes each time it runs."""

    async def count(_deps: Deps, now: datetime) -> int:
        runs.append(now)
        return 0

    jobs: dict[str, Job] = {}
    register("count", cron, count, registry=jobs)
    return jobs


async def set_last_run(runtime: Runtime, job: str, at: datetime) -> None:
    async with runtime.deps.sessions.begin() as session:
        await ledger.record_run(session=session, job=job, at=at)


async def last_run(runtime: Runtime, job: str) -> datetime | None:
    async with runtime.deps.sessions() as session:
        return await ledger.last_run(session=session, job=job)


def test_a_run_is_missed_when_a_scheduled_time_in_the_zone_falls_after_the_last_run() -> None:
    trigger = cron_trigger("digest", "0 9 * * *", PARIS)
    before = NINE_IN_PARIS - timedelta(minutes=30)
    assert missed(trigger, last_run=before, now=NINE_IN_PARIS)
    assert not missed(trigger, last_run=before, now=NINE_IN_PARIS - timedelta(seconds=1))
    assert not missed(trigger, last_run=NINE_IN_PARIS, now=NINE_IN_PARIS + timedelta(hours=23))
    assert missed(trigger, last_run=NINE_IN_PARIS, now=NINE_IN_PARIS + timedelta(days=1))


def test_schedules_override_defaults_and_must_name_a_job() -> None:
    assert schedule_table(DIGEST_JOBS, {}) == {"test-digest": DIGEST_CRON}
    assert schedule_table(DIGEST_JOBS, {"test-digest": "30 8 * * 1-5"}) == {
        "test-digest": "30 8 * * 1-5"
    }
    with pytest.raises(SettingsError, match=r"schedules.digset names no job \(known jobs: "):
        schedule_table(DIGEST_JOBS, {"digset": "0 9 * * *"})
    with pytest.raises(SettingsError, match=r"schedules.test-digest: '0 25 \* \* \*' is not"):
        cron_trigger("test-digest", "0 25 * * *", PARIS)


def test_registering_needs_a_unique_name_and_a_five_field_cron_line() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register("test-digest", DIGEST_CRON, DIGEST_JOBS["test-digest"].run, registry=DIGEST_JOBS)
    with pytest.raises(ValueError, match="not a 5-field cron line"):
        register("hourly", "@hourly", DIGEST_JOBS["test-digest"].run, registry={})


def test_every_registered_job_has_a_valid_schedule() -> None:
    for name, job in JOBS.items():
        cron_trigger(name, job.cron, PARIS)


async def test_a_first_start_marks_the_job_as_run_without_catching_up(runtime: Runtime) -> None:
    runs: list[datetime] = []
    scheduler = await start_scheduler(runtime.deps, counting_job(runs))
    try:
        assert await scheduler.catching_up == []
    finally:
        await scheduler.stop()
    assert runs == []
    assert await last_run(runtime, "count") == NOW


async def test_runs_missed_while_down_are_caught_up_once_at_start(
    runtime: Runtime, emu: SlackEmulator
) -> None:
    # Down since two days before: the 09:00 runs of the 14th and the 15th were missed.
    await set_last_run(runtime, "test-digest", NOW - timedelta(days=2))
    scheduler = await start_scheduler(runtime.deps, DIGEST_JOBS)
    try:
        assert await scheduler.catching_up == ["test-digest"]
    finally:
        await scheduler.stop()
    assert sorted(digests(emu)) == ["Digest for #1 on 2025-01-15", "Digest for #2 on 2025-01-15"]
    assert await last_run(runtime, "test-digest") == NOW


async def test_a_job_missed_several_times_runs_once_with_the_clock_s_time(
    runtime: Runtime,
) -> None:
    runs: list[datetime] = []
    await set_last_run(runtime, "count", NOW - timedelta(days=3))
    scheduler = await start_scheduler(runtime.deps, counting_job(runs))
    try:
        assert await scheduler.catching_up == ["count"]
    finally:
        await scheduler.stop()
    assert runs == [NOW]


async def test_nothing_is_caught_up_when_the_last_scheduled_run_happened(
    runtime: Runtime,
) -> None:
    runs: list[datetime] = []
    await set_last_run(runtime, "count", NINE_IN_PARIS + timedelta(seconds=5))
    scheduler = await start_scheduler(runtime.deps, counting_job(runs))
    try:
        assert await scheduler.catching_up == []
    finally:
        await scheduler.stop()
    assert runs == []


async def test_a_schedule_override_decides_what_was_missed(runtime: Runtime) -> None:
    runs: list[datetime] = []
    await set_last_run(runtime, "count", NINE_IN_PARIS + timedelta(seconds=5))
    # NOW is 10:00 in Paris: a 09:30 schedule was missed, the default 09:00 one was not.
    scheduler = await start_scheduler(
        runtime.deps, counting_job(runs), schedules={"count": "30 9 * * *"}
    )
    try:
        assert await scheduler.catching_up == ["count"]
    finally:
        await scheduler.stop()
    assert runs == [NOW]


async def test_the_scheduler_fires_a_job_with_the_clock_s_time_and_records_it(
    runtime: Runtime, clock: FrozenClock
) -> None:
    runs: list[datetime] = []
    scheduler = await start_scheduler(runtime.deps, counting_job(runs))
    try:
        job = scheduler.aps.get_job("count")
        assert str(job.trigger) == "cron[month='*', day='*', day_of_week='*', hour='9', minute='0']"
        assert job.trigger.timezone == PARIS
        clock.advance(timedelta(days=1))
        fire_now = datetime.now(PARIS)  # real clock: APScheduler fires on the wall clock
        job.modify(next_run_time=fire_now)  # instead of at 09:00; the run reads the frozen clock
        for _ in range(200):
            if runs and await last_run(runtime, "count") == clock.now():
                break
            await asyncio.sleep(0.01)
    finally:
        await scheduler.stop()
    assert runs == [clock.now()]
    assert await last_run(runtime, "count") == clock.now()


async def test_a_failing_job_is_logged_and_not_recorded_as_run(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    async def fail(_deps: Deps, _now: datetime) -> int:
        raise RuntimeError("the database is on fire")

    jobs: dict[str, Job] = {}
    register("fail", DIGEST_CRON, fail, registry=jobs)
    await set_last_run(runtime, "fail", NOW - timedelta(days=1))
    scheduler = await start_scheduler(runtime.deps, jobs)
    try:
        assert await scheduler.catching_up == []
    finally:
        await scheduler.stop()
    assert await last_run(runtime, "fail") == NOW - timedelta(days=1)
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.getMessage() == f"job fail failed as of {NOW.isoformat()}"
    assert record.exc_info is not None


async def test_serve_and_socket_run_the_scheduler_unless_it_is_disabled(
    runtime: Runtime,
) -> None:
    async with scheduling(runtime.deps) as scheduler:
        assert scheduler is not None and scheduler.aps.running
    assert not scheduler.aps.running
    disabled = replace(runtime.deps, settings=load_settings(SCHEDULER_ENABLED="false"))
    async with scheduling(disabled) as scheduler:
        assert scheduler is None


def test_weekday_numbers_mean_what_cron_means() -> None:
    monday_after = datetime(2025, 1, 19, 12, 0, tzinfo=UTC)  # a Sunday
    zone = ZoneInfo("UTC")
    for name, job in JOBS.items():
        trigger = cron_trigger(name, job.cron, zone)
        fires = trigger.get_next_fire_time(None, monday_after)
        assert fires is not None
        if name in ("weekly-review", "overdue-actions"):
            assert fires.strftime("%A") == "Monday", name
    sunday = cron_trigger("x", "0 9 * * 0", zone).get_next_fire_time(None, monday_after)
    assert sunday is not None and sunday.strftime("%A %d") == "Sunday 26"
    weekdays = cron_trigger("x", "0 10 * * 1-5", zone).get_next_fire_time(None, monday_after)
    assert weekdays is not None and weekdays.strftime("%A") == "Monday"


async def test_a_failed_run_is_tried_again_soon(runtime: Runtime) -> None:
    async def fail(_deps: Deps, _now: datetime) -> int:
        raise RuntimeError("Slack is down")

    jobs: dict[str, Job] = {}
    register("fail", DIGEST_CRON, fail, registry=jobs)
    aps = AsyncIOScheduler(timezone=ZoneInfo("UTC"))
    assert await fire(runtime.deps, "fail", jobs, aps) is False
    [retry] = aps.get_jobs()
    assert retry.args[3:] == (aps, runtime.deps.clock.now(), 1)
