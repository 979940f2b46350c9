"""The search benchmark runs end to end at a small size on SQLite and prints its figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_a_small_search_benchmark_prints_its_figures(project_root: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.search",
            "--incidents",
            "60",
            "--words",
            "200",
            "--queries",
            "5",
        ],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "index built in" in done.stdout and "MB" in done.stdout
    rows = [line.split() for line in done.stdout.splitlines() if line[:1] in "123"]
    assert [row[0] for row in rows] == ["1", "2", "3", "1"]
    assert all(float(row[-3]) > 0 for row in rows)
