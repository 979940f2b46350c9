"""`python -m bot run-job`: a job run as of a given time, and one clear line on bad input."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from bot.app.factory import Runtime
from bot.app.jobs_cli import run_job_command
from emulator import SlackEmulator
from tests.scheduler.digest import DIGEST_JOBS, digests


async def run_job_process(project_root: Path, cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run `python -m bot run-job ARGS` without Slack settings; (exit code, stdout, stderr)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "DATABASE_URL", "INCIDENT_"))
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run-job",
        *args,
        env={**env, "PYTHONPATH": str(project_root)},
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_run_job_refuses_an_unknown_job_or_a_bad_time_with_one_line(
    project_root: Path, tmp_path: Path
) -> None:
    unknown, bad_time = await asyncio.gather(
        run_job_process(project_root, tmp_path, "postmortem-remindres"),
        run_job_process(project_root, tmp_path, "any-job", "--at", "tomorrow 9am"),
    )
    assert unknown[0] == 2
    assert unknown[1] == ""
    assert unknown[2].startswith("No job named 'postmortem-remindres'; known jobs: ")
    assert unknown[2].count("\n") == 1
    assert bad_time == (
        2,
        "",
        "--at 'tomorrow 9am' is not an ISO 8601 time such as 2025-01-15T09:00:00+01:00\n",
    )
    assert not (tmp_path / "incidents.db").exists()


async def test_run_job_runs_as_of_a_time_in_the_incident_time_zone(
    runtime: Runtime, emu: SlackEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = runtime.deps.settings
    code = await run_job_command(settings, "test-digest", "2025-01-16T09:00", jobs=DIGEST_JOBS)
    assert code == 0
    out = capsys.readouterr().out
    assert out == "ran test-digest at 2025-01-16T09:00:00+01:00: sent 2 messages\n"
    assert sorted(digests(emu)) == ["Digest for #1 on 2025-01-16", "Digest for #2 on 2025-01-16"]

    code = await run_job_command(settings, "test-digest", "2025-01-16T08:30:00Z", jobs=DIGEST_JOBS)
    assert (code, capsys.readouterr().out) == (
        0,
        "ran test-digest at 2025-01-16T09:30:00+01:00: sent 0 messages\n",
    )
