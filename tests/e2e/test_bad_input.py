"""Bad input gets a clear private answer with usage, and leaves nothing half-done."""

from __future__ import annotations

import pytest

from bot.slack.ids import BlockId
from emulator import SlackEmulator
from tests.conftest import RunningBot
from tests.helpers import block, ephemeral_for, incident_channel, slash, stored_incidents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sev9 x", "`sev9` is not a severity. Use sev1 (critical), sev2 (major) or sev3 (minor)."),
        ("sev1", "The incident needs a title, e.g. `/incident sev1 payments down`."),
        ("SEV-1   ", "The incident needs a title"),
        ("sev1 " + "x" * 4000, "That title is 4000 characters; keep it to 150 or fewer"),
        ("sev<!channel> db", "`sev@channel` is not a severity"),
        ("sev&lt;!channel&gt; db", "`sev&lt;!channel&gt;` is not a severity"),
    ],
)
async def test_bad_commands_get_an_explanation_with_usage_and_create_nothing(
    emu: SlackEmulator, bot: RunningBot, text: str, expected: str
) -> None:
    await slash(emu, text)
    answer = await ephemeral_for(emu)
    assert expected in answer.text
    assert "*Usage*" in answer.text
    assert "/incident sev1|sev2|sev3 <title>" in answer.text
    assert emu.calls_to("conversations.create") == []
    assert await stored_incidents(bot.runtime) == []
    assert emu.pings == []


@pytest.mark.parametrize(
    ("sent", "title", "channel_name"),
    [
        # What Slack sends when someone types `@channel *bold* @bob @here & <link>`.
        (
            "<!channel> *bold* <@U0BOB|bob> <!here> &amp; <https://evil.example|click>",
            "@channel *bold* @bob @here & click",
            "incident-2025-01-15-channel-bold-bob-here-click",
        ),
        # What Slack sends when someone types the markup itself: `<!channel> <@U0BOB>`.
        (
            "&lt;!channel&gt; &lt;@U0BOB&gt;",
            "<!channel> <@U0BOB>",
            "incident-2025-01-15-channel-u0bob",
        ),
    ],
)
async def test_a_title_full_of_mentions_and_markup_never_pings_or_forges_a_mention(
    emu: SlackEmulator, bot: RunningBot, sent: str, title: str, channel_name: str
) -> None:
    await slash(emu, f"sev2 {sent}")
    channel = await incident_channel(emu, channel_name)
    await ephemeral_for(emu)

    card = channel.messages[0]
    assert block(card.blocks, BlockId.CARD_HEADER)["text"]["text"] == title
    assert "<!" not in card.text and "<@U0BOB" not in card.text
    assert "<!" not in channel.topic and "<@U0BOB" not in channel.topic
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    await emu.wait_for(lambda: len(announcements.messages) == 1)
    assert emu.pings == []
    for message in [card, announcements.messages[0]]:
        assert emu.mentions(message.channel, message.ts) <= {"U0ALICE"}
    [incident] = await stored_incidents(bot.runtime)
    assert incident.title == title


async def test_a_title_with_nothing_usable_for_a_name_gets_the_incident_number(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, "sev3 🔥🔥🔥")
    channel = await incident_channel(emu, "incident-2025-01-15-1")
    answer = await ephemeral_for(emu)
    assert f"<#{channel.id}>" in answer.text


async def test_accents_are_transliterated_in_the_channel_name(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, "critical Zahlungsausfall: Straße gesperrt — café")
    await incident_channel(emu, "incident-2025-01-15-zahlungsausfall-strasse-gesperrt-cafe")


async def test_a_taken_name_even_by_an_archived_channel_gets_the_next_suffix(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    emu.add_channel("incident-2025-01-15-payments-down", archived=True)
    emu.add_channel("incident-2025-01-15-payments-down-2")
    await slash(emu, "sev1 payments down")
    channel = await incident_channel(emu, "incident-2025-01-15-payments-down-3")
    await ephemeral_for(emu)
    [incident] = await stored_incidents(bot.runtime)
    assert incident.channel_id == channel.id
    assert [c.response["error"] for c in emu.calls_to("conversations.create")[:2]] == [
        "name_taken",
        "name_taken",
    ]


async def test_a_very_long_title_keeps_the_channel_name_within_80_characters(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    title = "checkout " * 16
    await slash(emu, f"sev2 {title}")
    await ephemeral_for(emu)
    [incident] = await stored_incidents(bot.runtime)
    assert incident.channel_name is not None
    assert len(incident.channel_name) <= 80
    assert not incident.channel_name.endswith("-")
    assert emu.channel_by_name(incident.channel_name) is not None
