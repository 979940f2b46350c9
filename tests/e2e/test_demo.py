"""`python -m bot demo` plays its incident and prints what people would see."""

from __future__ import annotations

import pytest

from bot.demo import run_demo


async def test_the_demo_plays_an_incident_to_its_postmortem_and_the_weekly_review(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await run_demo() == 0
    shown = capsys.readouterr().out
    for expected in (
        "alice types in #incidents: /incident sev1 payments down",
        "topic: 🔴 SEV1 Critical · Postmortem · IC @alice · payments down",
        "👤 @bob is now Tech Lead.",
        "*Update on incident #1*",
        "✅ *Incident #1 resolved* after 42 min",
        "📌 @bob · the error spike starts with the checkout-api 4.2 deploy",
        "━━ canvas: Postmortem: incident #1 payments down",
        "## ROOT CAUSE",
        "`sev9` is not a severity.",
        "*INC-1* Add a canary stage to checkout-api deploys · P1 · @bob · 8 days overdue",
        "📋 Action-item review",
    ):
        assert expected in shown, expected
