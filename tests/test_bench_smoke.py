"""The timeline burst benchmark runs end to end at a tiny size and finds a clean timeline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def figure(output: str, label: str) -> str:
    """The first word after a row's label in the benchmark's table."""
    for line in output.splitlines():
        if line.strip().startswith(label):
            return line.strip()[len(label) :].split()[0]
    raise AssertionError(f"no row {label!r} in:\n{output}")


def test_a_tiny_burst_stores_every_marked_message_once_and_reads_nothing_seen_live(
    project_root: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.timeline_burst", "--incidents", "2", "--reactions", "20"],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert figure(done.stdout, "database") == "sqlite"
    expected = figure(done.stdout, "distinct messages marked (expected)")
    assert int(expected) > 0
    assert figure(done.stdout, "entries stored") == expected
    assert figure(done.stdout, "reads for messages seen live") == "0"
