"""The stats benchmark runs end to end at a small size on SQLite, with a fixed query count."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_a_small_stats_benchmark_keeps_its_queries_fixed_and_exits_cleanly(
    project_root: Path,
) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.stats",
            "--incidents",
            "50",
            "--items",
            "500",
            "--near-misses",
            "20",
            "--runs",
            "1",
        ],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "queries fixed whatever the history: yes" in done.stdout
    rows = [
        line.split() for line in done.stdout.splitlines() if line.startswith(("90 days", "a year"))
    ]
    assert len(rows) == 4 and all(row[-1] == "4" for row in rows)
