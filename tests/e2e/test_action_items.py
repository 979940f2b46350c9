"""Action items: made by command and from the postmortem, changed by command and by buttons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.services.postmortems import postmortem_in
from bot.slack.ids import ActionId
from emulator import Channel, Message, SlackEmulator
from models import ActionItem, action_items
from tests.conftest import RunningBot
from tests.helpers import (
    block_text,
    declare,
    declare_private,
    ephemeral_for,
    in_channel,
    stored_incidents,
)


async def items(bot: RunningBot) -> list[ActionItem]:
    """Every item of the first incident."""
    [incident, *_] = await stored_incidents(bot.runtime)
    async with bot.runtime.deps.sessions() as session:
        return await action_items.for_incident(session=session, incident_id=incident.id)


async def item_post(emu: SlackEmulator, channel: Channel, number: int) -> Message:
    """The channel message that shows a new item."""
    await emu.wait_for(
        lambda: any(m.text == f"New action item INC-{number}" for m in channel.messages)
    )
    return next(m for m in channel.messages if m.text == f"New action item INC-{number}")


async def test_an_item_made_by_command_has_its_owner_due_date_and_priority(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)  # Wednesday 15 January 2025
    await in_channel(emu, channel, "action Add an alert on p99 latency <@U0BOB|bob> due friday P1")
    assert (await ephemeral_for(emu)).text == "Added INC-1."
    post = await item_post(emu, channel, 1)
    assert (
        "*INC-1* Add an alert on p99 latency · <@U0BOB> · due 2025-01-17 · P1 · not started"
        in block_text(post.blocks)
    )
    [item] = await items(bot)
    assert (item.title, item.owner, item.due_on, item.priority) == (
        "Add an alert on p99 latency",
        "U0BOB",
        date(2025, 1, 17),
        "P1",
    )
    assert (item.status, item.created_by, item.created_at) == (
        "not started",
        "U0ALICE",
        bot.clock.now(),
    )


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("action Fix it <@U0NOBODY|ghost>", "`U0NOBODY` is not a member of this workspace."),
        ("action Fix it due 2025-01-01", "2025-01-01 has passed; give a due date from today"),
        ("action Fix it due 2025-13-45", "I can't read `2025-13-45` as a date."),
        ("action INC-99 done", "There is no action item INC-99."),
        ("action", "What is the action?"),
        ("action INC-1 fly", "I can't do `fly` to an action item."),
    ],
)
async def test_bad_action_commands_get_a_clear_answer_and_change_nothing(
    emu: SlackEmulator, bot: RunningBot, text: str, answer: str
) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, text)
    assert (await ephemeral_for(emu)).text.startswith(answer)
    assert await items(bot) == []


async def test_someone_outside_the_incident_cannot_change_its_items(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "action Rotate the keys")
    await ephemeral_for(emu)
    general = emu.channel_by_name("incidents")
    assert general is not None
    await in_channel(emu, general, "action INC-1 done", user="U0BOB")
    answer = await ephemeral_for(emu, "U0BOB")
    assert answer.text.startswith("INC-1 belongs to incident #1; only its owner and the people")
    [item] = await items(bot)
    assert item.status == "not started"


async def test_every_change_by_command(emu: SlackEmulator, bot: RunningBot) -> None:
    channel = await declare(emu)
    channel.members.add("U0BOB")
    await in_channel(emu, channel, "action Add a runbook")
    assert (await ephemeral_for(emu)).text == "Added INC-1."  # made before it is changed
    steps = [
        ("action INC-1 owner <@U0BOB|bob>", lambda i: i.owner == "U0BOB"),
        ("action INC-1 due +3d", lambda i: i.due_on == date(2025, 1, 18)),
        ("action INC-1 priority p1", lambda i: i.priority == "P1"),
        ("action INC-1 start", lambda i: i.status == "in progress" and i.started_at is not None),
        ("action INC-1 done", lambda i: i.status == "done" and i.completed_at == bot.clock.now()),
    ]
    for count, (text, check) in enumerate(steps, start=2):
        await in_channel(emu, channel, text)
        answer = await ephemeral_for(emu, count=count)
        assert answer.text.startswith("Updated: *INC-1*"), answer.text
        [item] = await items(bot)
        assert check(item), text
    await in_channel(emu, channel, "action INC-1 done")
    assert (await ephemeral_for(emu, count=7)).text == "INC-1 is already done."


async def test_wont_do_keeps_its_reason(emu: SlackEmulator, bot: RunningBot) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "action Buy more disks")
    assert (await ephemeral_for(emu)).text == "Added INC-1."  # made before it is changed
    await in_channel(emu, channel, "action INC-1 wontdo covered by the storage migration")
    await ephemeral_for(emu, count=2)
    [item] = await items(bot)
    assert (item.status, item.wont_do_reason) == ("won't do", "covered by the storage migration")


async def test_the_buttons_start_finish_reassign_and_reschedule_in_place(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members.add("U0BOB")
    await in_channel(emu, channel, "action Add an alert <@U0BOB|bob> due friday")
    post = await item_post(emu, channel, 1)
    await emu.click_button(channel.id, post.ts, ActionId.ITEM_REASSIGN, value="U0CAROL")
    await emu.wait_for(lambda: "<@U0CAROL>" in block_text(post.blocks))
    await emu.click_button(channel.id, post.ts, ActionId.ITEM_DUE, value="2025-01-24")
    await emu.wait_for(lambda: "due 2025-01-24" in block_text(post.blocks))
    await emu.click_button(channel.id, post.ts, ActionId.ITEM_START)
    await emu.wait_for(lambda: "in progress" in block_text(post.blocks))
    await emu.click_button(channel.id, post.ts, ActionId.ITEM_DONE)
    await emu.wait_for(lambda: "· done ·" in block_text(post.blocks))
    assert "Done" not in [
        e.get("text", {}).get("text") for b in post.blocks or [] for e in b.get("elements", [])
    ]
    [item] = await items(bot)
    assert (item.owner, item.due_on, item.status) == ("U0CAROL", date(2025, 1, 24), "done")


async def test_lists_in_the_channel_and_anywhere(emu: SlackEmulator, bot: RunningBot) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "action Fix the alert <@U0ALICE|alice> due tomorrow")
    await in_channel(emu, channel, "action Write the runbook <@U0BOB|bob>")
    await ephemeral_for(emu, count=2)
    await in_channel(emu, channel, "actions")
    listed = block_text((await ephemeral_for(emu, count=3)).blocks)
    assert "This incident's action items* (2)" in listed
    general = emu.channel_by_name("incidents")
    assert general is not None
    await in_channel(emu, general, "actions mine")
    mine = block_text((await ephemeral_for(emu, count=4)).blocks)
    assert "Fix the alert" in mine and "Write the runbook" not in mine
    bot.clock.advance(timedelta(days=3))
    await in_channel(emu, general, "actions overdue")
    overdue = block_text((await ephemeral_for(emu, count=5)).blocks)
    assert "Fix the alert" in overdue and "(2 days overdue)" in overdue


async def test_numbers_are_never_reused(emu: SlackEmulator, bot: RunningBot) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "action First")
    await in_channel(emu, channel, "action Second")
    await ephemeral_for(emu, count=2)
    async with bot.runtime.deps.sessions.begin() as session:
        second = await action_items.get(session=session, number=2)
        assert second is not None
        await session.delete(second)
    await in_channel(emu, channel, "action Third")
    assert (await ephemeral_for(emu, count=3)).text == "Added INC-3."


async def test_postmortem_action_items_become_items_and_the_document_lists_them(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev1 payments down")
    await in_channel(emu, channel, "resolve")
    await emu.wait_for(lambda: any("drafted from the timeline" in m.text for m in channel.messages))
    await in_channel(emu, channel, "postmortem edit")
    await emu.wait_for(lambda: len(emu.views) == 1)
    [view] = emu.views.values()
    emu.ephemerals.clear()
    await emu.submit_view(
        view.id,
        values={
            "section_action_items": {
                "value": "- Add an alert on p99 @bob due friday P1\n"
                "- Write the failover runbook\n- Fix it due 2020-01-01"
            }
        },
    )
    answer = block_text((await ephemeral_for(emu)).blocks)
    assert "New action items from the postmortem: INC-1, INC-2." in answer
    assert "“Fix it due 2020-01-01”: 2020-01-01 has passed" in answer
    made = await items(bot)
    _, postmortem = await postmortem_in(bot.runtime.deps, channel.id)
    assert [(i.title, i.owner, i.postmortem_id) for i in made] == [
        ("Add an alert on p99", "U0BOB", postmortem.id),
        ("Write the failover runbook", None, postmortem.id),
    ]
    [canvas] = emu.workspace.canvases.values()
    assert (
        "- **INC-1** Add an alert on p99 — Bob Roe, due 2025-01-17, P1, not started"
        in canvas.markdown
    )


async def test_app_home_shows_my_action_items_with_their_buttons(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "action Fix the alert <@U0ALICE|alice> due friday")
    await ephemeral_for(emu)
    await emu.user_opens_home("U0ALICE")
    await emu.wait_for(lambda: any(v.type == "home" for v in emu.views.values()))
    home = next(v for v in emu.views.values() if v.type == "home")
    text = block_text(home.view["blocks"])
    assert "My action items (1)" in text and "*INC-1* Fix the alert" in text


async def test_the_overdue_dm_buttons_finish_and_reschedule_items(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    from datetime import UTC, datetime

    from scheduler.jobs import run_job

    channel = await declare(emu)
    await in_channel(emu, channel, "action Fix the alert <@U0BOB|bob> due friday")
    await in_channel(emu, channel, "action Write the runbook <@U0BOB|bob> due friday")
    await ephemeral_for(emu, count=2)
    monday = datetime(2025, 1, 27, 9, 30, tzinfo=UTC)
    bot.clock.set(monday)
    assert await run_job(bot.runtime.deps, "overdue-actions", now=monday) == 1
    dm = next(c for c in emu.channels.values() if c.is_im and "U0BOB" in c.members)
    [nudge] = dm.messages
    await emu.click_button(dm.id, nudge.ts, ActionId.ITEM_DONE, user="U0BOB")
    await emu.wait_for(lambda: "· done ·" in block_text(nudge.blocks))
    await emu.click_button(dm.id, nudge.ts, ActionId.ITEM_DUE, user="U0BOB", value="2025-02-07")
    await emu.wait_for(lambda: "due 2025-02-07" in block_text(nudge.blocks))
    first, second = await items(bot)
    assert (first.status, second.due_on) == ("done", date(2025, 2, 7))


async def test_the_card_button_adds_an_item_through_a_form_checked_before_it_closes(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    from bot.slack.ids import BlockId, CallbackId
    from tests.helpers import card_of

    channel = await declare(emu)
    await emu.click_button(channel.id, card_of(channel).ts, ActionId.ADD_ITEM)
    await emu.wait_for(lambda: len(emu.views) == 1)
    [view] = emu.views.values()
    assert view.view["callback_id"] == CallbackId.ADD_ITEM
    values = {
        BlockId.NEW_ITEM_TITLE: {"value": "Add a canary stage"},
        BlockId.NEW_ITEM_OWNER: {"value": {"type": "users_select", "selected_user": "U0BOT"}},
        BlockId.NEW_ITEM_DUE: {"value": {"type": "datepicker", "selected_date": "2025-01-01"}},
        BlockId.NEW_ITEM_PRIORITY: {
            "value": {"type": "static_select", "selected_option": {"value": "P1"}}
        },
    }
    refused = await emu.submit_view(view.id, values=values)
    assert refused.json()["errors"] == {
        BlockId.NEW_ITEM_OWNER: "A bot can't own an action item; pick a person.",
        BlockId.NEW_ITEM_DUE: (
            "2025-01-01 has passed; give a due date from today (2025-01-15) on."
        ),
    }
    assert await items(bot) == []
    values[BlockId.NEW_ITEM_OWNER] = {"value": {"type": "users_select", "selected_user": "U0BOB"}}
    values[BlockId.NEW_ITEM_DUE] = {"value": {"type": "datepicker", "selected_date": "2025-01-24"}}
    await emu.submit_view(view.id, values=values)
    post = await item_post(emu, channel, 1)
    assert "*INC-1* Add a canary stage · <@U0BOB> · due 2025-01-24 · P1" in block_text(post.blocks)


async def test_due_to_and_other_prefixes_stay_in_the_title(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "action Alert on checkout failures due to timeouts")
    await in_channel(emu, channel, "action SEC-42 rotate the leaked keys due 2025-01-20")
    await ephemeral_for(emu, count=2)
    first, second = await items(bot)
    assert (first.title, first.due_on) == ("Alert on checkout failures due to timeouts", None)
    assert (second.title, second.due_on) == ("SEC-42 rotate the leaked keys", date(2025, 1, 20))


async def test_the_owner_of_a_private_incidents_item_is_brought_into_its_channel(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare_private(bot.runtime, emu, "data leak")
    assert "U0CAROL" not in channel.members
    await in_channel(emu, channel, "action Rotate the keys <@U0CAROL|carol>")
    await ephemeral_for(emu)
    assert "U0CAROL" in channel.members


async def test_the_postmortem_is_redrawn_when_an_item_changes(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev1 payments down")
    await in_channel(emu, channel, "resolve")
    await emu.wait_for(lambda: any("drafted from the timeline" in m.text for m in channel.messages))
    await in_channel(emu, channel, "action Add a canary stage")
    await ephemeral_for(emu)
    [canvas] = emu.workspace.canvases.values()
    await emu.wait_for(lambda: "**INC-1** Add a canary stage — no owner" in canvas.markdown)
    await in_channel(emu, channel, "action INC-1 done")
    await ephemeral_for(emu, count=2)
    assert "P2, done" in canvas.markdown
