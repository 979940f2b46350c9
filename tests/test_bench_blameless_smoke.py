"""The blameless benchmark runs once through and prints every figure it promises."""

from __future__ import annotations

import re

import pytest

from bench.blameless import main


def test_the_blameless_benchmark_prints_its_figures_and_meets_its_targets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--runs", "1"]) == 0
    printed = capsys.readouterr().out
    figures = {
        name: float(value)
        for name, value in re.findall(
            r"^(recall|precision|ms per 1,000 sentences|ms for a 3,000-word postmortem): "
            r"([\d.]+)",
            printed,
            re.MULTILINE,
        )
    }
    assert set(figures) == {
        "recall",
        "precision",
        "ms per 1,000 sentences",
        "ms for a 3,000-word postmortem",
    }
    assert figures["recall"] >= 0.9 and figures["precision"] >= 0.95
    assert re.search(r"^prose flag rate: \d+ in \d+ sentences, [\d.]+ per 1,000", printed, re.M)
    assert "quality targets met: yes" in printed
