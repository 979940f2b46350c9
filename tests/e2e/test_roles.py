"""Roles: by command and by modal; invite, in-place card and topic, notice, DM with duties."""

from __future__ import annotations

from bot.slack.ids import ActionId, BlockId, CallbackId
from emulator import SlackEmulator
from tests.conftest import RunningBot
from tests.helpers import (
    block_text,
    card_of,
    declare,
    dm_texts,
    ephemeral_for,
    in_channel,
    stored_incidents,
)


async def test_assigning_a_role_invites_edits_card_and_topic_in_place_and_dms_duties(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    card_ts = card_of(channel).ts
    before = len(channel.messages)

    await in_channel(emu, channel, "role tech <@U0BOB|bob>")

    await emu.wait_for(lambda: any("Tech Lead" in t for t in dm_texts(emu, "U0BOB")))
    assert "U0BOB" in channel.members
    card = card_of(channel)
    assert card.ts == card_ts and card.edited
    assert "*Tech Lead*\n<@U0BOB>" in block_text(card.blocks)
    [notice] = [m.text for m in channel.messages[before:]]
    assert notice == "👤 <@U0BOB> is now Tech Lead. (set by <@U0ALICE>)"
    [dm] = dm_texts(emu, "U0BOB")
    assert "leads the investigation, directs debugging, proposes mitigations" in dm
    [incident] = await stored_incidents(bot.runtime)
    assert incident.current_roles == {"ic": "U0ALICE", "tech": "U0BOB"}


async def test_reassigning_is_a_handover_recorded_with_both_people(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "role commander <@U0CAROL|carol>")
    await emu.wait_for(
        lambda: any(
            m.text.startswith("🔁 <@U0CAROL> takes over as Incident Commander from <@U0ALICE>")
            for m in channel.messages
        )
    )
    assert "IC <@U0CAROL>" in channel.topic
    [incident] = await stored_incidents(bot.runtime)
    ic = [(r.user_id, r.ended_at is None) for r in incident.roles if r.role == "ic"]
    assert ic == [("U0ALICE", False), ("U0CAROL", True)]


async def test_roles_lists_who_holds_what(emu: SlackEmulator, bot: RunningBot) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "roles")
    answer = await ephemeral_for(emu)
    assert "• *Incident Commander*: <@U0ALICE>" in answer.text
    assert "• *Scribe*: _unassigned_" in answer.text


async def test_the_assign_roles_modal_assigns_them_all_at_once(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    await emu.click_button(channel.id, card_of(channel).ts, ActionId.ASSIGN_ROLES)
    await emu.wait_for(lambda: len(emu.views) == 1)
    [view] = emu.views.values()
    assert view.view["callback_id"] == CallbackId.ASSIGN_ROLES

    def picked(user: str | None) -> dict[str, object]:
        return {"value": {"type": "users_select", "selected_user": user}}

    await emu.submit_view(
        view.id,
        values={
            f"{BlockId.ROLE_PREFIX}ic": picked("U0ALICE"),
            f"{BlockId.ROLE_PREFIX}tech": picked("U0BOB"),
            f"{BlockId.ROLE_PREFIX}comms": picked("U0CAROL"),
            f"{BlockId.ROLE_PREFIX}scribe": picked("U0BOB"),
        },
    )
    await emu.wait_for(lambda: len(dm_texts(emu, "U0BOB")) == 2)
    assert {"U0BOB", "U0CAROL"} <= channel.members
    [incident] = await stored_incidents(bot.runtime)
    assert incident.current_roles == {
        "ic": "U0ALICE",
        "tech": "U0BOB",
        "comms": "U0CAROL",
        "scribe": "U0BOB",
    }
    notices = [m.text for m in channel.messages if m.text.startswith("👤")]
    assert len(notices) == 1 and notices[0].count("👤") == 3


async def test_nonsense_role_commands_are_explained(emu: SlackEmulator, bot: RunningBot) -> None:
    channel = await declare(emu)
    cases = [
        ("role pilot <@U0BOB|bob>", "`pilot` is not a role. Roles: ic, tech, comms, scribe."),
        ("role tech bob", "`bob` is not a person. Mention them, e.g. `@bob`."),
        ("role ic <@U0ALICE|alice>", "<@U0ALICE> is already Incident Commander."),
        ("role tech <@U0NOBODY|ghost>", "`U0NOBODY` is not a member of this workspace."),
        ("role tech <@U0BOT|incident>", "A bot can't hold an incident role; pick a person."),
    ]
    for count, (text, expected) in enumerate(cases, start=1):
        await in_channel(emu, channel, text)
        answer = await ephemeral_for(emu, count=count)
        assert answer.text.startswith(expected), answer.text
    [incident] = await stored_incidents(bot.runtime)
    assert incident.current_roles == {"ic": "U0ALICE"}


async def test_in_channel_commands_outside_an_incident_channel_get_a_hint(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    general = emu.channel_by_name("incidents")
    assert general is not None
    for count, text in enumerate(["role tech <@U0BOB|bob>", "sev 1", "resolve", "update x"], 1):
        await in_channel(emu, general, text)
        answer = await ephemeral_for(emu, count=count)
        assert "This works inside an incident's channel" in answer.text
        assert "`/incident list`" in answer.text


async def test_the_roles_form_refuses_a_bot_in_the_form_itself(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    await emu.click_button(channel.id, card_of(channel).ts, ActionId.ASSIGN_ROLES)
    await emu.wait_for(lambda: len(emu.views) == 1)
    [view] = emu.views.values()
    response = await emu.submit_view(
        view.id,
        values={
            f"{BlockId.ROLE_PREFIX}ic": {
                "value": {"type": "users_select", "selected_user": "U0ALICE"}
            },
            f"{BlockId.ROLE_PREFIX}scribe": {
                "value": {"type": "users_select", "selected_user": "U0BOT"}
            },
        },
    )
    assert response.json() == {
        "response_action": "errors",
        "errors": {
            f"{BlockId.ROLE_PREFIX}scribe": "A bot can't hold an incident role; pick a person."
        },
    }
    [incident] = await stored_incidents(bot.runtime)
    assert incident.current_roles == {"ic": "U0ALICE"}
