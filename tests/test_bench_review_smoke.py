"""The weekly review benchmark runs end to end at a small size on SQLite and posts a review."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ARGS = ["--incidents", "50", "--items", "500", "--database", "sqlite"]


def figure(output: str, label: str) -> str:
    """The first word after a row's label in the benchmark's tables."""
    for line in output.splitlines():
        if line.strip().startswith(label):
            return line.strip()[len(label) :].split()[0]
    raise AssertionError(f"no row {label!r} in:\n{output}")


def test_a_small_weekly_review_benchmark_posts_a_review_and_exits_cleanly(
    project_root: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.weekly_review", *ARGS],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert int(figure(done.stdout, "messages sent (main + thread replies)")) >= 1
    assert figure(done.stdout, "review unchanged") == "yes"
    assert int(figure(done.stdout, "queries issued")) > 0
