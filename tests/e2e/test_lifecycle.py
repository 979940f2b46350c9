"""Status lifecycle with timestamps, severity changes, start and detection times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.slack.ids import ActionId, BlockId
from emulator import SlackEmulator
from tests.conftest import RunningBot
from tests.helpers import block, block_text, card_of, declare, ephemeral_for, in_channel
from tests.helpers import stored_incidents as incidents


def buttons(channel_card_blocks: list[dict[str, object]] | None) -> list[str]:
    """Labels of the card's buttons."""
    actions = block(channel_card_blocks, BlockId.CARD_ACTIONS)
    return [e["text"]["text"] for e in actions["elements"]]  # type: ignore[index]


async def test_every_transition_is_stamped_shown_in_place_and_recorded(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    assert buttons(card_of(channel).blocks) == [
        "Assign roles",
        "Post update",
        "Add action item",
        "Cause identified",
        "Mitigated",
        "Resolve",
    ]
    steps = [
        ("status identified", "identified", timedelta(minutes=10)),
        ("mitigated rolled back the deploy", "mitigated", timedelta(minutes=25)),
        ("resolve bad deploy reverted", "postmortem", timedelta(minutes=50)),
    ]
    for text, status, after in steps:
        bot.clock.set(datetime(2025, 1, 15, 14, 2, tzinfo=UTC) + after)
        await in_channel(emu, channel, text)
        await emu.wait_for(lambda status=status: status.capitalize() in channel.topic)

    [incident] = await incidents(bot.runtime)
    declared = incident.declared_at
    assert incident.status == "postmortem"  # SEV2 requires one: resolved, then the postmortem
    assert incident.identified_at == declared + timedelta(minutes=10)
    assert incident.mitigated_at == declared + timedelta(minutes=25)
    assert incident.resolved_at == declared + timedelta(minutes=50)
    card = card_of(channel)
    assert "*Status*\nPostmortem" in block_text(card.blocks)
    assert "mitigated 2025-01-15 14:27 UTC" in block_text(card.blocks)
    assert buttons(card.blocks) == [
        "Assign roles",
        "Post update",
        "Add action item",
        "Edit postmortem",
        "Publish postmortem",
        "Reopen",
    ]
    await emu.wait_for(
        lambda: any("resolved* after 50 min" in block_text(m.blocks) for m in channel.messages)
    )
    assert any(
        m.text.startswith("Status: Identified → *Mitigated* (by <@U0ALICE>)\n> rolled back")
        for m in channel.messages
    )
    async with bot.runtime.deps.sessions() as session:
        from models import timeline

        entries = await timeline.for_incident(session=session, incident_id=incident.id)
    moves = [(e.kind, e.data.get("to"), e.actor) for e in entries]
    assert moves == [
        ("declared", None, "U0ALICE"),
        ("status_changed", "identified", "U0ALICE"),
        ("status_changed", "mitigated", "U0ALICE"),
        ("resolved", "resolved", "U0ALICE"),
        ("postmortem_started", None, "U0ALICE"),
    ]


async def test_the_resolution_summary_goes_to_the_announcement_thread_with_the_duration(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    bot.clock.advance(timedelta(hours=1, minutes=23))
    await in_channel(emu, channel, "resolve failover to the secondary")
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    post = announcements.messages[0]
    await emu.wait_for(lambda: len(post.replies) == 1)
    summary = block_text(post.replies[0].blocks)
    assert "Incident #1 resolved* after 1 h 23 min" in summary
    assert "*Summary*: failover to the secondary" in summary
    await emu.wait_for(lambda: "*Postmortem*" in block_text(post.blocks))
    assert "Join the incident channel" not in block_text(post.blocks)


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        ("resolve", "resolve", "Incident #1 is already resolved and its postmortem is under way."),
        (
            "resolve",
            "mitigated",
            "Incident #1 is resolved and its postmortem is under way; it can't become mitigated. "
            "If it is back, `/incident reopen` it first.",
        ),
        (None, "reopen", "Incident #1 is investigating, not resolved; there is nothing to reopen."),
        (None, "status investigating", "Incident #1 is already investigating."),
        (None, "status closed", "`closed` follows the postmortem; it is not set by hand."),
        (None, "status fixed", "`fixed` is not a status. Use one of: investigating, identified"),
        (None, "sev 2", "Incident #1 is already SEV2."),
        (None, "sev 7", "`7` is not a severity."),
        (None, "started 25:99", "I can't read `25:99` as a time."),
        (None, "started 2099-01-01 10:00", "`2099-01-01 10:00` is in the future"),
    ],
)
async def test_transitions_that_make_no_sense_are_explained_not_made(
    emu: SlackEmulator, bot: RunningBot, first: str | None, then: str, expected: str
) -> None:
    channel = await declare(emu)
    if first:
        await in_channel(emu, channel, first)
        await emu.wait_for(lambda: "Postmortem" in channel.topic)
        await emu.wait_for(lambda: "drafted from the timeline" in channel.messages[-1].text)
    before = [(m.ts, m.text) for m in channel.messages]
    [incident_before] = await incidents(bot.runtime)

    await in_channel(emu, channel, then)

    answer = await ephemeral_for(emu)
    assert answer.text.startswith(expected), answer.text
    assert [(m.ts, m.text) for m in channel.messages] == before
    [incident_after] = await incidents(bot.runtime)
    assert (incident_after.status, incident_after.severity, incident_after.started_at) == (
        incident_before.status,
        incident_before.severity,
        incident_before.started_at,
    )


async def test_reopening_brings_a_resolved_incident_back_to_investigating(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "resolve")
    await emu.wait_for(lambda: channel.messages[-1].text == "Incident #1 resolved")
    await emu.click_button(channel.id, card_of(channel).ts, ActionId.REOPEN)
    await emu.wait_for(lambda: "Investigating" in channel.topic)
    [incident] = await incidents(bot.runtime)
    assert (incident.status, incident.resolved_at) == ("investigating", None)


async def test_the_card_buttons_move_the_status(emu: SlackEmulator, bot: RunningBot) -> None:
    channel = await declare(emu)
    await emu.click_button(channel.id, card_of(channel).ts, f"{ActionId.SET_STATUS}:mitigated")
    await emu.wait_for(lambda: "Mitigated" in channel.topic)
    assert buttons(card_of(channel).blocks)[-1] == "Resolve"
    [incident] = await incidents(bot.runtime)
    assert incident.mitigated_at == bot.clock.now()


async def test_severity_changes_edit_card_topic_and_announcement_in_place(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev3 docs typo")
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    await in_channel(emu, channel, "sev 1")
    await emu.wait_for(lambda: channel.topic.startswith("🔴 SEV1 Critical"))
    assert "🔴 SEV1 Critical" in block_text(card_of(channel).blocks)
    await emu.wait_for(lambda: "🔴 SEV1 Critical" in block_text(announcements.messages[0].blocks))
    assert len(announcements.messages) == 1
    await emu.wait_for(
        lambda: any(m.text.startswith("Severity raised: SEV3") for m in channel.messages)
    )
    await in_channel(emu, channel, "sev 2")
    await emu.wait_for(
        lambda: any(m.text.startswith("Severity lowered: SEV1") for m in channel.messages)
    )
    [incident] = await incidents(bot.runtime)
    assert incident.severity == "sev2"


async def test_start_and_detection_times_are_read_in_the_incident_time_zone(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "detected 13:58")
    await emu.wait_for(lambda: any(m.text.startswith("Detected at") for m in channel.messages))
    await in_channel(emu, channel, "started 2025-01-15 13:40")
    await emu.wait_for(lambda: any(m.text.startswith("Impact began at") for m in channel.messages))
    [incident] = await incidents(bot.runtime)
    assert incident.detected_at == datetime(2025, 1, 15, 13, 58, tzinfo=UTC)
    assert incident.started_at == datetime(2025, 1, 15, 13, 40, tzinfo=UTC)
    assert "impact began 2025-01-15 13:40 UTC" in block_text(card_of(channel).blocks)
