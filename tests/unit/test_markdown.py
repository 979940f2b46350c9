"""Exporting an incident: Markdown people read, JSON that keeps everything but secrets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.rendering.markdown import (
    REDACTED,
    incident_json,
    markdown_text,
    timeline_markdown,
    user_ids,
)
from models import Incident, RoleAssignment, TimelineEntry

PARIS = ZoneInfo("Europe/Paris")
DECLARED = datetime(2025, 1, 15, 13, 2, tzinfo=UTC)
ROUTING_KEY = "abcdefghijklmnopqrstuvwxyz012345"
NAMES = {"U0ALICE": "Alice Doe", "U0BOB": "Bob Roe"}


def at(minutes: int) -> datetime:
    return DECLARED + timedelta(minutes=minutes)


def small_incident() -> tuple[Incident, list[TimelineEntry]]:
    incident = Incident(
        id=12,
        title="Payments down",
        description="Card payments fail with <https://status.example.com|status> &amp; retries",
        severity="sev1",
        status="resolved",
        is_private=True,
        declared_by="U0ALICE",
        declared_at=DECLARED,
        started_at=at(-20),
        detected_at=at(-10),
        identified_at=at(15),
        mitigated_at=at(40),
        resolved_at=at(83),
        channel_id="C0INC",
        channel_name="incident-2025-01-15-payments-down",
        setup_problems=[],
        roles=[
            RoleAssignment(
                role="ic",
                user_id="U0ALICE",
                assigned_by="U0ALICE",
                assigned_at=DECLARED,
                ended_at=at(30),
            ),
            RoleAssignment(role="ic", user_id="U0BOB", assigned_by="U0ALICE", assigned_at=at(30)),
            RoleAssignment(
                role="scribe", user_id="U0CAROL", assigned_by="U0BOB", assigned_at=at(31)
            ),
        ],
    )

    def entry(number: int, kind: str, minutes: int, **fields: object) -> TimelineEntry:
        values: dict[str, object] = {
            "actor": "U0ALICE",
            "text": "",
            "data": {},
            "files": [],
            "edited": False,
        }
        values.update(fields)
        return TimelineEntry(
            id=number, incident_id=12, kind=kind, occurred_at=at(minutes), **values
        )

    entries = [
        entry(5, "role_handover", 30, data={"role": "ic", "user": "U0BOB", "previous": "U0ALICE"}),
        entry(1, "declared", 0, data={"severity": "sev1", "title": "Payments down"}),
        entry(2, "page_sent", 1, data={"target": "pagerduty", "routing_key": ROUTING_KEY}),
        entry(3, "page_sent", 1, data={"target": "usergroup", "usergroup": "S0ONCALL"}),
        entry(
            4,
            "message",
            -5,
            actor="U0BOB",
            text="errors &gt; 50% since deploy, <@U0ALICE>\nsee graph",
            permalink="https://x.slack.com/archives/C0INC/p1",
            files=["graph.png"],
            edited=True,
            message_ts="1736945820.000100",
            added_by="U0ALICE",
            added_at=at(2),
        ),
        entry(
            6,
            "resolved",
            83,
            actor="U0BOB",
            text="rolled back",
            data={"from": "mitigated", "to": "resolved"},
        ),
    ]
    return incident, entries


def test_markdown_has_the_facts_and_a_dated_line_per_entry_with_names() -> None:
    incident, entries = small_incident()

    document = timeline_markdown(incident, entries, PARIS, NAMES)

    lines = document.splitlines()
    assert lines[0] == "# Incident #12: Payments down"
    assert "Card payments fail with [status](https://status.example.com) & retries" in lines
    for fact in [
        "- **Severity:** SEV1",
        "- **Status:** Resolved",
        "- **Private:** yes",
        "- **Channel:** #incident-2025-01-15-payments-down",
        "- **Declared:** 2025-01-15 14:02 CET by Alice Doe",
        "- **Impact began:** 2025-01-15 13:42 CET",
        "- **Detected:** 2025-01-15 13:52 CET",
        "- **Identified:** 2025-01-15 14:17 CET",
        "- **Mitigated:** 2025-01-15 14:42 CET",
        "- **Resolved:** 2025-01-15 15:25 CET",
        "- **Duration:** 1 h 23 min",
        "- **Incident Commander:** Alice Doe (2025-01-15 14:02 CET – 2025-01-15 14:32 CET); "
        "Bob Roe (since 2025-01-15 14:32 CET)",
        "- **Scribe:** U0CAROL (since 2025-01-15 14:33 CET)",
    ]:
        assert fact in lines
    timeline = document.split("## Timeline\n", 1)[1]
    assert timeline.splitlines()[3:] == [
        "- **2025-01-15 13:57** — errors > 50% since deploy, @Alice Doe",
        "  see graph (edited) 📎 graph.png [view message](https://x.slack.com/archives/C0INC/p1) "
        "(Bob Roe)",
        "- **2025-01-15 14:02** — Declared SEV1 incident: Payments down (Alice Doe)",
        "- **2025-01-15 14:03** — Alerted PagerDuty (Alice Doe)",
        "- **2025-01-15 14:03** — Paged user group `S0ONCALL` (Alice Doe)",
        "- **2025-01-15 14:32** — Bob Roe is now Incident Commander (was Alice Doe) (Alice Doe)",
        "- **2025-01-15 15:25** — Status: Mitigated → Resolved — rolled back (Bob Roe)",
    ]


def test_markdown_falls_back_to_user_ids_without_names() -> None:
    incident, entries = small_incident()

    document = timeline_markdown(incident, entries, PARIS, {})

    assert "- **Declared:** 2025-01-15 14:02 CET by U0ALICE" in document
    assert "U0BOB is now Incident Commander (was U0ALICE) (U0ALICE)" in document


def test_json_keeps_every_field_and_raw_data_in_order_but_no_routing_key() -> None:
    incident, entries = small_incident()

    exported = incident_json(incident, entries)

    assert json.loads(json.dumps(exported)) == exported
    assert exported["incident"]["id"] == 12
    assert exported["incident"]["resolved_at"] == "2025-01-15T14:25:00+00:00"
    assert exported["incident"]["channel_name"] == "incident-2025-01-15-payments-down"
    assert {"card_ts", "setup_problems", "announcement_ts"} <= exported["incident"].keys()
    assert [r["user_id"] for r in exported["roles"]] == ["U0ALICE", "U0BOB", "U0CAROL"]
    assert [e["id"] for e in exported["timeline"]] == [4, 1, 2, 3, 5, 6]
    message = exported["timeline"][0]
    assert message["files"] == ["graph.png"]
    assert message["added_at"] == "2025-01-15T13:04:00+00:00"
    assert message["edited"] is True
    assert exported["timeline"][2]["data"] == {"target": "pagerduty", "routing_key": REDACTED}
    assert exported["timeline"][3]["data"] == {"target": "usergroup", "usergroup": "S0ONCALL"}


def test_routing_keys_appear_in_no_export() -> None:
    incident, entries = small_incident()

    assert ROUTING_KEY not in timeline_markdown(incident, entries, PARIS, NAMES)
    assert ROUTING_KEY not in json.dumps(incident_json(incident, entries))


def test_user_ids_are_everyone_the_document_names() -> None:
    incident, entries = small_incident()

    assert user_ids(incident, entries) == {"U0ALICE", "U0BOB", "U0CAROL"}


def test_slack_mrkdwn_becomes_markdown() -> None:
    text = "<!here> <!subteam^S0ONCALL|@oncall> <@U0BOB> <#C0INC|incident> <https://a.b> &lt;x&gt;"

    assert markdown_text(text, NAMES) == "@here @oncall @Bob Roe #incident https://a.b <x>"
