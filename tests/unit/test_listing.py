"""`/incident list` stays one message Slack takes, however many incidents are open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.limits import MAX_MESSAGE_TEXT
from bot.domain.policy import default_policy
from bot.rendering.listing import MAX_LIST_ROWS, incident_list
from models import Incident

NOW = datetime(2025, 1, 15, 14, 2, tzinfo=UTC)


def open_incident(number: int, title: str) -> Incident:
    return Incident(
        id=number,
        title=title,
        severity="sev2",
        status="investigating",
        is_private=False,
        declared_by="U0ALICE",
        declared_at=NOW - timedelta(minutes=number),
        channel_id=f"C0INC{number}",
        setup_problems=[],
        roles=[],
    )


def test_a_long_list_shows_the_newest_and_counts_the_rest() -> None:
    incidents = [open_incident(n, f"payments down {n}") for n in range(1, 358)]

    text = incident_list(incidents, NOW, default_policy())

    assert text.startswith("*Open incidents (357)*")
    assert text.count("\n• ") == MAX_LIST_ROWS
    assert "*#1* payments down 1 " in text and "*#101*" not in text
    assert text.endswith(f"…and {357 - MAX_LIST_ROWS} older, not shown here.")


def test_long_titles_full_of_markup_still_fit_in_one_message() -> None:
    title = "&<>" * 50  # 150 characters that escaping makes five times longer
    incidents = [open_incident(n, title) for n in range(1, 101)]

    text = incident_list(incidents, NOW, default_policy())

    assert len(text) <= MAX_MESSAGE_TEXT
    assert text.endswith("older, not shown here.")
