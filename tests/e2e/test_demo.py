"""`python -m bot demo` plays its incident and prints what people would see, on any day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app.demo import run_demo

# The demo's six steps take 7 minutes each; the action item is added right after, due in 2 days.
PLAYED = timedelta(minutes=42)
# Thursday 26 November 2026 10:00 UTC, a start the transcript below was read from.
THURSDAY = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
# Seven consecutive days (every weekday once), the last ones across the end of November; the
# one on the 30th starts at 23:40, so the action item is added on 1 December.
STARTS = [datetime(2026, 11, day, 10, 0, tzinfo=UTC) for day in (24, 25, 26, 27, 28, 29)] + [
    datetime(2026, 11, 30, 23, 40, tzinfo=UTC)
]


def review_day(added: date) -> date:
    """The demo's review runs on the Monday of the week after the one that follows `added`."""
    day = added + timedelta(days=1)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return day + timedelta(days=7)


async def test_the_demo_plays_an_incident_to_its_postmortem_and_the_weekly_review(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await run_demo(THURSDAY) == 0
    shown = capsys.readouterr().out
    for expected in (
        "alice types in #incidents: /incident sev1 payments down",
        "alice types in #incident-2026-11-26-payments-down: /incident role tech <@U0BOB|bob>",
        "topic: 🔴 SEV1 Critical · Postmortem · IC @alice · payments down",
        "👤 @bob is now Tech Lead.",
        "*Update on incident #1*",
        "✅ *Incident #1 resolved* after 42 min",
        "📌 @bob · the error spike starts with the checkout-api 4.2 deploy",
        "━━ canvas: Postmortem: incident #1 payments down",
        "## ROOT CAUSE",
        "`sev9` is not a severity.",
        # Each step is 7 minutes after the one before, and on the timeline at its own time.
        "`10:07` 👤 @alice · @bob is now Tech Lead",
        "`10:14` 👤 @alice · @carol is now Scribe",
        "`10:21` 🔄 @bob · Status: Investigating → Identified",
        "… Monday 2026-12-07 09:00: the weekly review runs",
        "*INC-1* Add a canary stage to checkout-api deploys · P1 · @bob · 9 days overdue",
        "📋 Action-item review",
    ):
        assert expected in shown, expected


@pytest.mark.parametrize("start", STARTS, ids=lambda start: f"{start:%a-%d-%H%M}")
async def test_the_demo_review_counts_the_days_overdue_from_its_own_clock(
    start: datetime, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run_demo(start) == 0
    shown = capsys.readouterr().out
    added = (start + PLAYED).date()
    due = added + timedelta(days=2)
    monday = review_day(added)
    overdue = (monday - due).days
    assert f"… Monday {monday.isoformat()} 09:00: the weekly review runs" in shown
    assert f"due {due.isoformat()} · P1 · not started" in shown
    assert "*1 overdue*, 0 of them over 14 days" in shown
    assert f"· P1 · @bob · {overdue} days overdue · #1 payments down" in shown
