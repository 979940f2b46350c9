"""`/incident timeline` arrives complete within Slack's limits; the export is a Markdown file."""

from __future__ import annotations

from datetime import timedelta

from emulator import SlackEmulator
from models import incidents, timeline
from tests.conftest import RunningBot
from tests.helpers import block_text, declare, ephemeral_for, in_channel, until


async def test_a_600_entry_timeline_arrives_whole_in_as_many_private_messages_as_it_needs(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    async with bot.runtime.deps.sessions.begin() as session:
        incident = await incidents.get_by_channel(session=session, channel_id=channel.id)
        assert incident is not None
        start = incident.declared_at
        for n in range(600):
            text = f"step {n:03d} " + ("x" * 4000 if n % 10 == 7 else "checked <!channel> logs")
            await timeline.add(
                session=session,
                incident_id=incident.id,
                kind="note",
                occurred_at=start + timedelta(minutes=3 * n),  # crosses midnight twice
                actor="U0BOB",
                text=text,
            )
    before = len(channel.messages)

    await in_channel(emu, channel, "timeline")

    async def all_arrived() -> bool:
        joined = "".join(block_text(e.blocks) for e in emu.ephemerals)
        return "step 599" in joined

    await until(all_arrived, timeout=20)
    pages = [e for e in emu.ephemerals if e.user == "U0ALICE"]
    assert len(pages) > 1
    for page in pages:
        assert len(page.blocks or []) <= 50
        for block in page.blocks or []:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
    joined = "".join(block_text(p.blocks) for p in pages)
    positions = [joined.index(f"step {n:03d}") for n in range(600)]
    assert positions == sorted(positions)
    assert joined.count("x") == 60 * 4000  # every long note, whole, across sections and pages
    assert "2025-01-16" in joined or "16 January 2025" in joined
    assert emu.pings == []
    assert len(channel.messages) == before  # private: nothing posted in the channel


async def test_someone_who_has_not_joined_the_channel_reads_it_through_the_response_url(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "note 14:01 first alert fired")
    await ephemeral_for(emu)
    assert "U0BOB" not in channel.members  # looking at a public channel without joining it

    await in_channel(emu, channel, "timeline", user="U0BOB")

    page = await ephemeral_for(emu, "U0BOB")
    assert page.source == "response_url"
    assert "first alert fired" in block_text(page.blocks)
    assert [c for c in emu.calls_to("chat.postEphemeral") if c.response.get("ok")] == []


async def test_the_timeline_export_uploads_markdown_in_the_channel(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "note 14:01 first alert fired")
    await ephemeral_for(emu)
    await in_channel(emu, channel, "timeline export")
    await emu.wait_for(lambda: any(m.files for m in channel.messages))
    [stored] = [f for f in emu.workspace.files.values() if channel.id in f.channels]
    assert stored.name == "incident-1-timeline.md"
    assert stored.content is not None
    markdown = stored.content.decode()
    assert markdown.startswith("# Incident #1: payments down")
    assert "first alert fired" in markdown
    assert "Alice Doe" in markdown  # names resolved once, not per entry
    assert len(emu.calls_to("users.info")) == len({"U0ALICE"})
