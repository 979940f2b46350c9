"""The timeline as Slack messages: order, dates, every kind, Slack's limits, nothing lost."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.rendering.text import HEADER_LIMIT, MESSAGE_BLOCKS, SECTION_LIMIT
from bot.rendering.timeline import (
    DATE_ID_PREFIX,
    EMPTY_ID,
    HEADER_ID,
    timeline_messages,
    timeline_text,
)
from models import Incident, TimelineEntry

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2025, 1, 15, 22, 40, tzinfo=UTC)  # 23:40 in Paris, an hour before midnight
SECTION = re.compile(r"^timeline_\d+$")


def make_incident(title: str = "Payments down") -> Incident:
    return Incident(
        id=12,
        title=title,
        severity="sev1",
        status="investigating",
        is_private=False,
        declared_by="U0ALICE",
        declared_at=START,
        started_at=START,
        detected_at=START,
        channel_id="C0INC",
        channel_name="incident-2025-01-15-payments-down",
        setup_problems=[],
        roles=[],
    )


def entry(
    number: int,
    kind: str,
    *,
    minutes: float = 0,
    actor: str | None = "U0ALICE",
    text: str = "",
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> TimelineEntry:
    return TimelineEntry(
        id=number,
        incident_id=12,
        kind=kind,
        occurred_at=START + timedelta(minutes=minutes),
        actor=actor,
        text=text,
        data=data or {},
        files=fields.pop("files", []),
        edited=fields.pop("edited", False),
        **fields,
    )


def blocks_of(messages: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [block for message in messages for block in message]


def block(blocks: list[dict[str, Any]], block_id: str) -> dict[str, Any]:
    return next(b for b in blocks if b.get("block_id") == block_id)


def sections(messages: list[list[dict[str, Any]]]) -> list[str]:
    return [b["text"]["text"] for b in blocks_of(messages) if SECTION.match(b.get("block_id", ""))]


def timeline_text_of(messages: list[list[dict[str, Any]]]) -> str:
    return "\n".join(sections(messages))


EVERY_KIND = [
    entry(1, "declared", data={"severity": "sev1", "title": "Payments down"}),
    entry(
        2, "status_changed", text="rolled back", data={"from": "investigating", "to": "mitigated"}
    ),
    entry(3, "resolved", data={"from": "mitigated", "to": "resolved"}),
    entry(4, "reopened", data={"from": "resolved", "to": "investigating"}),
    entry(5, "severity_changed", data={"from": "sev3", "to": "sev1"}),
    entry(6, "started_set", data={"at": "2025-01-15T22:10:00+00:00"}),
    entry(7, "detected_set", data={"at": "2025-01-15T22:20:00+00:00"}),
    entry(8, "role_assigned", data={"role": "scribe", "user": "U0CAROL", "previous": None}),
    entry(9, "role_handover", data={"role": "tech", "user": "U2", "previous": "U1"}),
    entry(10, "update_posted", text="failover done"),
    entry(11, "page_sent", data={"target": "usergroup", "usergroup": "S0ONCALL"}),
    entry(12, "page_sent", data={"target": "pagerduty", "routing_key": "R" * 32}),
    entry(13, "note", text="customer reports from EU"),
    entry(
        14,
        "message",
        actor="U0BOB",
        text="db CPU at 100% <@U0ALICE>",
        permalink="https://example.slack.com/archives/C0INC/p1736980000000100",
        files=["graph.png", "top.txt"],
        edited=True,
    ),
    entry(15, "mystery_kind", text="from the future", data={"x": 1}),
    entry(16, "status_changed", actor=None, data={}),
]


def test_the_header_names_the_incident_and_every_kind_renders_in_one_line() -> None:
    messages = timeline_messages(make_incident(), EVERY_KIND, PARIS)

    assert len(messages) == 1
    header = block(messages[0], HEADER_ID)
    assert header["text"]["text"] == "Timeline of incident #12: Payments down"
    lines = timeline_text_of(messages).splitlines()
    expected = [
        "`23:40` 🚨 <@U0ALICE> · Declared SEV1 incident: Payments down",
        "`23:40` 🔄 <@U0ALICE> · Status: Investigating → Mitigated — rolled back",
        "`23:40` ✅ <@U0ALICE> · Status: Mitigated → Resolved",
        "`23:40` ↩️ <@U0ALICE> · Reopened: Resolved → Investigating",
        "`23:40` 📶 <@U0ALICE> · Severity raised SEV3 → SEV1",
        "`23:40` ⏱️ <@U0ALICE> · Impact start set to 2025-01-15 23:10 CET",
        "`23:40` 🔎 <@U0ALICE> · Detection time set to 2025-01-15 23:20 CET",
        "`23:40` 👤 <@U0ALICE> · <@U0CAROL> is now Scribe",
        "`23:40` 🔁 <@U0ALICE> · <@U2> is now Tech Lead (was <@U1>)",
        "`23:40` 📣 <@U0ALICE> · Update: failover done",
        "`23:40` 📟 <@U0ALICE> · Paged user group `S0ONCALL`",
        "`23:40` 📟 <@U0ALICE> · Alerted PagerDuty",
        "`23:40` 🗒️ <@U0ALICE> · Note: customer reports from EU",
        "`23:40` 📌 <@U0BOB> · db CPU at 100% <@U0ALICE> (edited) 📎 graph.png, top.txt "
        "<https://example.slack.com/archives/C0INC/p1736980000000100|view message>",
        "`23:40` ▪️ <@U0ALICE> · `mystery_kind` — from the future",
        "`23:40` 🔄 Status: ? → ?",
    ]
    assert lines == expected
    assert "R" * 32 not in str(messages)
    assert "<!subteam" not in str(messages)


def test_entries_are_ordered_by_time_then_id_under_a_date_line_per_local_day() -> None:
    entries = [
        entry(4, "note", minutes=30, text="after midnight in Paris"),
        entry(2, "note", minutes=10, text="second"),
        entry(1, "note", minutes=10, text="first"),
        entry(3, "note", minutes=19, text="still the 15th"),
        entry(5, "note", minutes=24 * 60 + 30, text="next day"),
    ]

    messages = timeline_messages(make_incident(), entries, PARIS)

    blocks = messages[0]
    ids = [b["block_id"] for b in blocks]
    assert ids[0] == HEADER_ID
    dates = [i for i in ids if i.startswith(DATE_ID_PREFIX)]
    assert dates == [f"{DATE_ID_PREFIX}2025-01-{day}" for day in (15, 16, 17)]
    assert (
        block(blocks, f"{DATE_ID_PREFIX}2025-01-16")["text"]["text"] == "*Thursday 16 January 2025*"
    )
    text = timeline_text_of(messages)
    order = ["first", "second", "still the 15th", "after midnight in Paris", "next day"]
    positions = [text.index(word) for word in order]
    assert positions == sorted(positions)
    # The line after midnight is under the 16th: a date line precedes its section.
    after = ids.index(f"{DATE_ID_PREFIX}2025-01-16") + 1
    assert "`00:10`" in blocks[after]["text"]["text"]
    assert "after midnight in Paris" in blocks[after]["text"]["text"]


def test_a_long_timeline_fits_slacks_limits_and_loses_nothing() -> None:
    entries = []
    for number in range(1, 601):
        body = f"entry-{number:04d} " + ("x" * 5000 if number % 10 == 0 else "short text")
        entries.append(
            entry(number, "message" if number % 2 else "note", minutes=number * 7, text=body)
        )

    messages = timeline_messages(make_incident(), entries, PARIS)

    assert len(messages) > 1
    for message in messages:
        assert len(message) <= MESSAGE_BLOCKS
        ids = [b["block_id"] for b in message]
        assert len(ids) == len(set(ids))
        for b in message:
            assert len(b["text"]["text"]) <= (
                HEADER_LIMIT if b["type"] == "header" else SECTION_LIMIT
            )
    # Every message after the first starts under a date line.
    for message in messages[1:]:
        assert message[0]["block_id"].startswith(DATE_ID_PREFIX)
    joined = "".join(sections(messages))
    positions = [joined.index(e.text) for e in entries]
    assert positions == sorted(positions)


def test_a_single_line_longer_than_a_section_is_split_not_truncated() -> None:
    text = " ".join(f"word{n}" for n in range(2000)) + " <@U0BOB> &amp; " + "y" * 7000

    messages = timeline_messages(make_incident(), [entry(1, "note", text=text)], PARIS)

    pieces = sections(messages)
    assert len(pieces) >= 4
    assert all(len(piece) <= SECTION_LIMIT for piece in pieces)
    assert text in "".join(pieces)
    assert not any(piece.endswith(("<@U0B", "&am")) for piece in pieces)


def test_user_text_never_pings_but_keeps_mentions_and_links() -> None:
    text = (
        "<!channel> <!here> <!subteam^S0ONCALL|@oncall> a < b & c > d &lt;p99&gt; "
        "<@U0ALICE> <#C0INC|incident> <https://status.example.com|status page>"
    )
    entries = [
        entry(1, "message", text=text, permalink="https://x.slack.com/p1|<!channel>"),
        entry(2, "note", text="<!everyone>"),
        entry(3, "declared", data={"severity": "sev2", "title": "<!here> help"}),
    ]

    line = timeline_text_of(timeline_messages(make_incident(), entries, PARIS))

    assert "<!" not in line
    assert "&lt;!channel&gt; &lt;!here&gt; &lt;!subteam^S0ONCALL|@oncall&gt;" in line
    assert "a &lt; b &amp; c &gt; d &lt;p99&gt;" in line
    assert "<@U0ALICE> <#C0INC|incident> <https://status.example.com|status page>" in line
    assert "view message" not in line  # a malformed permalink is dropped, not linked


def test_the_header_stays_within_150_characters() -> None:
    incident = make_incident(title="🔥" * 40 + "a very long title " * 10)

    messages = timeline_messages(incident, [entry(1, "note", text="hi")], PARIS)

    header = block(messages[0], HEADER_ID)["text"]["text"]
    assert len(header) <= HEADER_LIMIT
    assert header.startswith("Timeline of incident #12: 🔥")
    assert header.endswith("…")


def test_an_empty_timeline_is_one_message_saying_so() -> None:
    messages = timeline_messages(make_incident(), [], PARIS)

    assert len(messages) == 1
    assert "Nothing on the timeline yet" in block(messages[0], EMPTY_ID)["text"]["text"]


def test_the_fallback_text_numbers_pages_only_when_there_are_several() -> None:
    incident = make_incident(title="a <b>")

    assert timeline_text(1, 1, incident) == "Timeline of incident #12: a &lt;b&gt;"
    assert timeline_text(2, 3, incident) == "Timeline of incident #12: a &lt;b&gt; (2/3)"
