"""The Grafana dashboard in examples/ charts what the bot exposes: every query names only series
that GET /metrics serves, and every series of the bot's own is charted."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.metrics import Metrics

DASHBOARD = Path(__file__).resolve().parent.parent / "examples" / "grafana-dashboard.json"
SERIES = re.compile(r"\b(?:incident_bot|process|python)_[a-z0-9_]+")
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
}


def exposed() -> set[str]:
    """Every series name a scrape of the bot can hold, labelled children or not."""
    names: set[str] = set()
    for family in Metrics().registry.collect():
        names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ("",)))
        names.update(sample.name for sample in family.samples)
    return names


def queries(node: Any) -> Iterator[str]:
    """Every `expr` in the dashboard, panels nested in rows included."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "expr":
                yield str(value)
            else:
                yield from queries(value)
    elif isinstance(node, list):
        for item in node:
            yield from queries(item)


def test_every_query_of_the_dashboard_names_a_series_the_bot_exposes() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    found = list(queries(dashboard))
    assert len(found) > 10
    names = exposed()
    for expr in found:
        named = SERIES.findall(expr)
        assert named, f"{expr!r} names none of the bot's series"
        for name in named:
            assert name in names, f"{expr!r} names {name}, which GET /metrics does not serve"


def test_every_series_of_the_bot_is_charted() -> None:
    charted = " ".join(queries(json.loads(DASHBOARD.read_text())))
    for family in Metrics().registry.collect():
        if family.name.startswith("incident_bot_"):
            assert family.name in charted, f"the dashboard does not chart {family.name}"
