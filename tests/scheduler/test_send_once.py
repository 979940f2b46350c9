"""send_once and run_job against the emulator: each message once, a failed one retried."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app.factory import Runtime, build_runtime
from bot.clock import FrozenClock
from emulator import SlackEmulator
from models import ledger
from scheduler.delivery import send_once
from scheduler.jobs import UnknownJob, run_job
from tests.conftest import BOT_TOKEN
from tests.scheduler.conftest import NOW, ZONE
from tests.scheduler.digest import DIGEST_JOBS, digests

PAYMENTS = "Digest for #1 on 2025-01-15"
SEARCH = "Digest for #2 on 2025-01-15"


async def test_a_job_sends_each_message_once_per_key_and_records_its_run(
    runtime: Runtime, clock: FrozenClock, emu: SlackEmulator
) -> None:
    assert await run_job(runtime.deps, "test-digest", now=NOW, jobs=DIGEST_JOBS) == 2
    assert await run_job(runtime.deps, "test-digest", now=NOW, jobs=DIGEST_JOBS) == 0
    assert sorted(digests(emu)) == [PAYMENTS, SEARCH]

    clock.advance(timedelta(days=1))
    assert await run_job(runtime.deps, "test-digest", now=clock.now(), jobs=DIGEST_JOBS) == 2
    assert len(digests(emu)) == 4
    async with runtime.deps.sessions() as session:
        assert await ledger.last_run(session=session, job="test-digest") == clock.now()
        sent = await ledger.get(session=session, key="test-digest:1:2025-01-15")
    assert sent is not None and sent.sent_at == NOW and sent.attempts == 1


async def test_an_unknown_job_names_the_known_ones(runtime: Runtime) -> None:
    with pytest.raises(UnknownJob, match=r"No job named 'nope'; known jobs: test-digest"):
        await run_job(runtime.deps, "nope", now=NOW, jobs=DIGEST_JOBS)


async def test_two_runtimes_running_a_job_together_send_each_message_once(
    runtime: Runtime, emu: SlackEmulator
) -> None:
    other = build_runtime(runtime.deps.settings, clock=FrozenClock(NOW))
    try:
        counts = await asyncio.gather(
            *(
                run_job(deps, "test-digest", now=NOW, jobs=DIGEST_JOBS)
                for deps in (runtime.deps, other.deps, runtime.deps, other.deps)
            )
        )
    finally:
        await other.close()
    assert sum(counts) == 2
    assert sorted(digests(emu)) == [PAYMENTS, SEARCH]


async def test_two_processes_running_a_job_together_send_each_message_once(
    runtime: Runtime, emu: SlackEmulator, project_root: Path, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(project_root),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": emu.api_url,
        "DATABASE_URL": runtime.deps.settings.database_url,
        "INCIDENT_TIMEZONE": ZONE,
        "READY_DIR": str(tmp_path),
        "RUN_AS_OF": NOW.isoformat(),
    }
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.scheduler.run_digest",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [await process.communicate() for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()
    assert sorted(int(out) for out, _err in outputs) in ([0, 2], [1, 1])
    assert sorted(digests(emu)) == [PAYMENTS, SEARCH]


async def test_a_failed_send_is_released_and_sent_once_by_the_next_run(
    runtime: Runtime, clock: FrozenClock, emu: SlackEmulator
) -> None:
    # Slack refuses the first post (#2, the newest incident's), and the run fails with it.
    emu.inject("chat.postMessage", error="service_unavailable")
    with pytest.raises(Exception, match="service_unavailable"):
        await run_job(runtime.deps, "test-digest", now=NOW, jobs=DIGEST_JOBS)
    async with runtime.deps.sessions() as session:
        assert await ledger.last_run(session=session, job="test-digest") is None
        failed = await ledger.get(session=session, key="test-digest:2:2025-01-15")
    assert failed is not None
    assert (failed.sent_at, failed.attempts) == (None, 1)
    assert failed.last_error is not None and "service_unavailable" in failed.last_error

    clock.advance(timedelta(minutes=1))
    assert await run_job(runtime.deps, "test-digest", now=clock.now(), jobs=DIGEST_JOBS) == 2
    assert await run_job(runtime.deps, "test-digest", now=clock.now(), jobs=DIGEST_JOBS) == 0
    assert sorted(digests(emu)) == [PAYMENTS, SEARCH]
    async with runtime.deps.sessions() as session:
        retried = await ledger.get(session=session, key="test-digest:2:2025-01-15")
    assert retried is not None
    assert (retried.sent_at, retried.attempts) == (clock.now(), 2)


async def test_send_once_does_not_send_what_another_sender_holds(runtime: Runtime) -> None:
    calls: list[str] = []

    async def send() -> None:
        calls.append("sent")
        # While this send is in flight, a second sender must not send the same key.
        assert not await send_once(runtime.deps, key="k", job="j", send=send_again)

    async def send_again() -> None:
        calls.append("sent twice")

    assert await send_once(runtime.deps, key="k", job="j", send=send)
    assert calls == ["sent"]
