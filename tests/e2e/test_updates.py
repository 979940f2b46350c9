"""Status updates: in the channel and threaded under the announcement, which is edited in place."""

from __future__ import annotations

from datetime import timedelta

from bot.slack.ids import ActionId, BlockId, CallbackId
from emulator import SlackEmulator
from tests.conftest import RunningBot
from tests.helpers import (
    block,
    block_text,
    card_of,
    declare,
    declare_private,
    in_channel,
    stored_incidents,
)


async def test_an_update_goes_to_the_channel_and_the_announcement_thread(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    bot.clock.advance(timedelta(minutes=20))
    await in_channel(emu, channel, "status identified")
    await emu.wait_for(lambda: "Identified" in channel.topic)
    await in_channel(
        emu, channel, "update failover done <!channel>, watching &lt;p99&gt;", user="U0BOB"
    )

    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    post = announcements.messages[0]
    await emu.wait_for(lambda: len(post.replies) == 1)
    update = next(
        m
        for m in channel.messages
        if m.blocks and any(b.get("block_id") == BlockId.UPDATE_BODY for b in m.blocks)
    )
    for message in (update, post.replies[0]):
        assert "*Update on incident #1* · 🟠 SEV2 Major · Identified" in block_text(message.blocks)
        assert block(message.blocks, BlockId.UPDATE_BODY)["text"]["text"] == (
            "failover done @channel, watching &lt;p99&gt;"
        )
        assert "Posted by <@U0BOB>" in block_text(message.blocks)
    assert "*Identified*" in block_text(post.blocks)
    assert emu.pings == []
    [incident] = await stored_incidents(bot.runtime)
    assert incident.last_update_at == bot.clock.now()


async def test_a_private_incident_update_stays_in_its_channel(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare_private(bot.runtime, emu, "data leak")
    await in_channel(emu, channel, "update keys rotated")
    await emu.wait_for(
        lambda: any("keys rotated" in block_text(m.blocks) for m in channel.messages)
    )
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    assert announcements.messages == []


async def test_the_post_update_button_opens_a_form_whose_text_is_posted(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    await emu.click_button(channel.id, card_of(channel).ts, ActionId.POST_UPDATE)
    await emu.wait_for(lambda: len(emu.views) == 1)
    [view] = emu.views.values()
    assert view.view["callback_id"] == CallbackId.POST_UPDATE
    await emu.submit_view(view.id, values={BlockId.UPDATE_TEXT: {"value": "cache warmed"}})
    await emu.wait_for(
        lambda: any("cache warmed" in block_text(m.blocks) for m in channel.messages)
    )


async def test_an_empty_update_is_explained(emu: SlackEmulator, bot: RunningBot) -> None:
    channel = await declare(emu)
    count = len(channel.messages)
    await in_channel(emu, channel, "update   ")
    from tests.helpers import ephemeral_for

    answer = await ephemeral_for(emu)
    assert answer.text.startswith("The update needs some text")
    assert len(channel.messages) == count


async def test_a_long_update_full_of_markup_is_split_across_sections_not_refused(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    text = "a < b & c > d " * 178  # 2492 characters, about 5,000 once escaped
    await in_channel(emu, channel, f"update {text.strip()}")
    await emu.wait_for(lambda: any("Update on incident" in m.text for m in channel.messages))
    update = next(m for m in channel.messages if "Update on incident" in m.text)
    bodies = [
        b for b in update.blocks or [] if str(b.get("block_id", "")).startswith("update_body")
    ]
    assert len(bodies) == 2
    assert all(len(b["text"]["text"]) <= 3000 for b in bodies)
    assert "".join(b["text"]["text"] for b in bodies) == (
        text.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    )
