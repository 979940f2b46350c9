"""Resolve → draft from the real timeline → edit in the form → blameless findings → publish."""

from __future__ import annotations

from datetime import date, timedelta

from bot.slack.ids import ActionId, BlockId, CallbackId
from emulator import SlackEmulator
from models import postmortems
from tests.conftest import RunningBot
from tests.helpers import (
    block_text,
    card_of,
    declare,
    ephemeral_for,
    in_channel,
    stored_incidents,
    until,
)


async def resolved_with_postmortem(emu: SlackEmulator, bot: RunningBot, severity: str = "sev1"):
    """Declare, take a note and resolve an hour later; returns the channel once drafted."""
    channel = await declare(emu, f"{severity} payments down")
    await in_channel(emu, channel, "note 14:01 first alert fired")
    await ephemeral_for(emu)
    bot.clock.advance(timedelta(hours=1, minutes=5))
    await in_channel(emu, channel, "resolve bad deploy reverted")
    await emu.wait_for(
        lambda: any("postmortem of incident #1 is drafted" in m.text for m in channel.messages)
    )
    return channel


def canvas(emu: SlackEmulator) -> str:
    """The one canvas there is, as Markdown."""
    [drawn] = emu.workspace.canvases.values()
    return drawn.markdown


async def test_resolving_a_sev1_drafts_its_postmortem_from_the_timeline_as_a_canvas(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await resolved_with_postmortem(emu, bot)

    [incident] = await stored_incidents(bot.runtime)
    assert incident.status == "postmortem"
    async with bot.runtime.deps.sessions() as session:
        postmortem = await postmortems.for_incident(session=session, incident_id=incident.id)
    assert postmortem is not None
    assert (postmortem.owner, postmortem.status) == ("U0ALICE", "draft")
    assert postmortem.due_on == date(2025, 1, 17)  # Wednesday + 2 business days
    markdown = canvas(emu)
    for heading in (
        "**INCIDENT:** #1 payments down",
        "**DURATION:** 1 h 5 min",
        "**SEVERITY:** SEV1",
        "**AUTHOR:** Alice Doe",
        "## SUMMARY",
        "## IMPACT",
        "## TIMELINE",
        "## ROOT CAUSE",
        "## CONTRIBUTING FACTORS",
        "## WHAT WENT WELL",
        "## WHAT COULD BE IMPROVED",
        "## ACTION ITEMS",
    ):
        assert heading in markdown, heading
    assert "- 14:01 – " in markdown and "first alert fired" in markdown
    assert "Users affected: ?" in markdown
    assert postmortem.link and postmortem.link.endswith(next(iter(emu.workspace.canvases)))
    assert "Edit postmortem" in block_text(card_of(channel).blocks)


async def test_a_sev3_needs_no_postmortem(emu: SlackEmulator, bot: RunningBot) -> None:
    channel = await declare(emu, "sev3 docs typo")
    await in_channel(emu, channel, "resolve")
    await emu.wait_for(lambda: channel.messages[-1].text == "Incident #1 resolved")
    [incident] = await stored_incidents(bot.runtime)
    assert incident.status == "resolved"
    assert emu.workspace.canvases == {}


async def test_editing_saves_the_sections_rechecks_blame_and_redrafts_in_place(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await resolved_with_postmortem(emu, bot)
    emu.ephemerals.clear()
    await in_channel(emu, channel, "postmortem edit")
    await emu.wait_for(lambda: len(emu.views) == 1)
    [view] = emu.views.values()
    assert view.view["callback_id"] == CallbackId.EDIT_POSTMORTEM
    await emu.submit_view(
        view.id,
        values={
            f"{BlockId.SECTION_PREFIX}summary": {"value": "Checkout failed for 65 minutes."},
            f"{BlockId.SECTION_PREFIX}root_cause": {
                "value": "<@U0BOB> pushed bad code. The deployment pipeline didn't catch the bug."
            },
        },
    )
    answer = await ephemeral_for(emu)
    text = block_text(answer.blocks)
    assert "> &lt;@U0BOB&gt; pushed bad code" in text or "> <@U0BOB> pushed bad code" in text
    assert "pipeline didn't catch" not in text.split("Blameless check")[1].split(">")[0]
    assert "Checkout failed for 65 minutes." in canvas(emu)
    assert len(emu.workspace.canvases) == 1  # edited in place, not a second canvas


async def test_publishing_with_blame_left_asks_first_then_closes_and_announces(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await resolved_with_postmortem(emu, bot)
    from bot.services.postmortems import save_sections

    await save_sections(
        bot.runtime.deps,
        channel_id=channel.id,
        sections={"summary": "Checkout failed.", "root_cause": "Sarah didn't notice the alert."},
        by="U0ALICE",
    )
    emu.ephemerals.clear()
    await in_channel(emu, channel, "postmortem publish")
    question = await ephemeral_for(emu)
    assert "Publish anyway" in block_text(question.blocks)
    [incident] = await stored_incidents(bot.runtime)
    assert incident.status == "postmortem"

    await emu.click_ephemeral(question, ActionId.PUBLISH_ANYWAY)
    await emu.wait_for(lambda: any("postmortem is published" in m.text for m in channel.messages))
    [incident] = await stored_incidents(bot.runtime)
    assert incident.status == "closed"
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    await emu.wait_for(
        lambda: any("Postmortem published" in m.text for m in announcements.messages)
    )
    assert "Checkout failed." in announcements.messages[-1].text


async def test_where_canvases_are_not_allowed_the_postmortem_is_a_markdown_file(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    emu.inject("canvases.create", error="free_teams_cannot_create_standalone_canvases", times=5)
    channel = await resolved_with_postmortem(emu, bot)
    [stored] = [f for f in emu.workspace.files.values() if channel.id in f.channels]
    assert stored.name == "incident-1-postmortem.md"
    assert stored.content is not None and b"## ROOT CAUSE" in stored.content
    [incident] = await stored_incidents(bot.runtime)
    async with bot.runtime.deps.sessions() as session:
        postmortem = await postmortems.for_incident(session=session, incident_id=incident.id)
    assert postmortem is not None and postmortem.link is not None
    assert postmortem.link.endswith("/incident-1-postmortem.md")


async def test_owner_review_and_nonsense_postmortem_commands(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await resolved_with_postmortem(emu, bot)
    emu.ephemerals.clear()
    await in_channel(emu, channel, "postmortem owner <@U0CAROL|carol>")
    await emu.wait_for(lambda: any("now owns the postmortem" in m.text for m in channel.messages))
    await emu.wait_for(lambda: "**AUTHOR:** Carol" in canvas(emu))  # re-drafted after the notice
    await in_channel(emu, channel, "postmortem review")
    await emu.wait_for(lambda: any("ready for review" in m.text for m in channel.messages))
    await in_channel(emu, channel, "postmortem review")
    assert (await ephemeral_for(emu)).text == "The postmortem is in review, not a draft."
    await in_channel(emu, channel, "postmortem meeting 2020-01-01 10:00")
    assert (await ephemeral_for(emu, count=2)).text.startswith("`2020-01-01 10:00` has passed")
    general = emu.channel_by_name("incidents")
    assert general is not None
    await in_channel(emu, general, "postmortem")
    assert "This works inside an incident's channel" in (await ephemeral_for(emu, count=3)).text


async def test_a_reopened_incident_keeps_its_postmortem_waiting(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await resolved_with_postmortem(emu, bot)
    await in_channel(emu, channel, "reopen")
    await emu.wait_for(lambda: "Investigating" in channel.topic)
    emu.ephemerals.clear()
    await in_channel(emu, channel, "postmortem publish")
    answer = await ephemeral_for(emu)
    assert answer.text == (
        "Incident #1 is investigating: its postmortem waits until it is resolved again."
    )
    [incident] = await stored_incidents(bot.runtime)
    assert incident.status == "investigating"


async def test_the_canvas_is_readable_by_the_incident_channel(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await resolved_with_postmortem(emu, bot)
    [drawn] = emu.workspace.canvases.values()
    assert drawn.access == {channel.id: "read"}


async def test_the_canvas_is_edited_by_its_id_even_when_only_its_link_was_kept(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await resolved_with_postmortem(emu, bot)
    [incident] = await stored_incidents(bot.runtime)
    async with bot.runtime.deps.sessions.begin() as session:
        postmortem = await postmortems.for_incident(session=session, incident_id=incident.id)
        assert postmortem is not None and postmortem.canvas_id and postmortem.link
        canvas_id = postmortem.canvas_id
        assert postmortem.link.endswith(f"/docs/T0TEAM/{canvas_id}")
        postmortem.canvas_id = None  # as a replica from before the IDs were kept left it

    await in_channel(emu, channel, "postmortem owner <@U0BOB|bob>")
    await emu.wait_for(lambda: emu.calls_to("canvases.edit"))

    assert len(emu.calls_to("canvases.create")) == 1
    assert [c.args["canvas_id"] for c in emu.calls_to("canvases.edit")] == [canvas_id]
    assert "**AUTHOR:** Bob Roe" in canvas(emu)

    async def canvas_id_stored_again() -> bool:
        async with bot.runtime.deps.sessions() as session:
            found = await postmortems.for_incident(session=session, incident_id=incident.id)
        return found is not None and found.canvas_id == canvas_id

    await until(canvas_id_stored_again)
