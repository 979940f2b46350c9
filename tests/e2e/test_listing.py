"""`/incident list` and the App Home tab: open incidents, newest first, private ones to members."""

from __future__ import annotations

from datetime import timedelta

from bot.slack.ids import BlockId
from emulator import SlackEmulator, View
from tests.conftest import RunningBot
from tests.helpers import (
    block,
    block_text,
    declare,
    declare_private,
    ephemeral_for,
    in_channel,
    slash,
    stored_incidents,
)


async def listed_to(emu: SlackEmulator, user: str = "U0ALICE", count: int = 1) -> str:
    """Type `/incident list` in #incidents as `user` and return the private answer."""
    await slash(emu, "list", user=user)
    return (await ephemeral_for(emu, user, count)).text


async def home_of(emu: SlackEmulator, user: str) -> View:
    """Open the App Home tab as `user` and wait for the bot to publish it."""
    published = len(emu.calls_to("views.publish"))
    await emu.user_opens_home(user)
    await emu.wait_for(lambda: len(emu.calls_to("views.publish")) > published)
    [home] = [v for v in emu.views.values() if v.type == "home" and v.user == user]
    return home


async def test_listing_with_nothing_open_says_so(emu: SlackEmulator, bot: RunningBot) -> None:
    assert await listed_to(emu) == "No open incidents. 🎉"


async def test_the_list_shows_open_incidents_newest_first_with_severity_status_ic_age_and_channel(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    payments = await declare(emu, "sev2 payments down")
    bot.clock.advance(timedelta(hours=1, minutes=5))
    search = await declare(emu, "sev1 search <b>broken</b> & slow")
    bot.clock.advance(timedelta(minutes=30))
    logins = await declare(emu, "sev3 logins flaky")
    bot.clock.advance(timedelta(minutes=10))
    emails = await declare(emu, "sev3 emails late")
    bot.clock.advance(timedelta(minutes=2))
    await in_channel(emu, payments, "status identified")
    await in_channel(emu, search, "role ic <@U0BOB|bob>")
    await in_channel(emu, logins, "mitigated")
    await in_channel(emu, emails, "resolve false alarm")
    await emu.wait_for(lambda: any(m.text == "Incident #4 resolved" for m in emails.messages))
    await emu.wait_for(lambda: any("takes over" in m.text for m in search.messages))
    await emu.wait_for(lambda: any("*Mitigated*" in m.text for m in logins.messages))
    await emu.wait_for(lambda: any("*Identified*" in m.text for m in payments.messages))
    bot.clock.advance(timedelta(minutes=20))

    answer = await listed_to(emu)

    assert answer.splitlines() == [
        "*Open incidents (3)*",
        f"• 🟡 SEV3 Minor · *#3* logins flaky · Mitigated · IC <@U0ALICE> · 32 min "
        f"· <#{logins.id}>",
        "• 🔴 SEV1 Critical · *#2* search &lt;b&gt;broken&lt;/b&gt; &amp; slow · Investigating "
        f"· IC <@U0BOB> · 1 h 2 min · <#{search.id}>",
        f"• 🟠 SEV2 Major · *#1* payments down · Identified · IC <@U0ALICE> · 2 h 7 min "
        f"· <#{payments.id}>",
    ]
    assert emu.pings == []
    statuses = {i.id: i.status for i in await stored_incidents(bot.runtime)}
    assert statuses == {1: "identified", 2: "investigating", 3: "mitigated", 4: "resolved"}


async def test_a_private_incident_is_listed_to_its_members_only(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await declare(emu, "sev2 payments down")
    bot.clock.advance(timedelta(minutes=5))
    private = await declare_private(bot.runtime, emu, "payroll data leak")

    alice_sees = await listed_to(emu, "U0ALICE")
    bob_sees = await listed_to(emu, "U0BOB")

    assert "*Open incidents (2)*" in alice_sees
    assert (
        f"*#2* payroll data leak 🔒 · Investigating · IC <@U0ALICE> · under a minute "
        f"· <#{private.id}>"
    ) in alice_sees
    assert bob_sees.splitlines()[0] == "*Open incidents (1)*"
    assert "payroll" not in bob_sees and private.id not in bob_sees
    assert "*#1* payments down" in bob_sees


async def test_someone_invited_to_a_private_incident_then_sees_it_listed(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    private = await declare_private(bot.runtime, emu, "payroll data leak")
    assert await listed_to(emu, "U0BOB") == "No open incidents. 🎉"

    await in_channel(emu, private, "role tech <@U0BOB|bob>")
    await emu.wait_for(lambda: "U0BOB" in private.members)

    assert "*#1* payroll data leak 🔒" in await listed_to(emu, "U0BOB", count=2)
    [incident] = await stored_incidents(bot.runtime)
    assert incident.is_private


async def test_home_shows_a_role_holder_their_incidents_and_roles_then_all_open_ones(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    payments = await declare(emu, "sev2 payments down")
    bot.clock.advance(timedelta(minutes=15))
    search = await declare(emu, "sev1 search broken")
    await in_channel(emu, payments, "role tech <@U0BOB|bob>")
    await in_channel(emu, payments, "role scribe <@U0BOB|bob>")
    await emu.wait_for(lambda: len([m for m in payments.messages if "👤" in m.text]) == 2)
    bot.clock.advance(timedelta(minutes=45))

    home = await home_of(emu, "U0BOB")

    blocks = home.view["blocks"]
    mine = block(blocks, f"{BlockId.HOME_MINE}_1")["text"]["text"]
    assert mine == (
        "🟠 SEV2 Major · *#1* payments down · Investigating · IC <@U0ALICE> · 1 h "
        f"· <#{payments.id}>\nYou are: Tech Lead, Scribe"
    )
    assert not any(b.get("block_id") == f"{BlockId.HOME_MINE}_2" for b in blocks)
    rows = [b["block_id"] for b in blocks if b["block_id"].startswith("home_")]
    assert rows == [
        f"{BlockId.HOME_MINE}_1",
        f"{BlockId.HOME_ALL}_2",
        f"{BlockId.HOME_ALL}_1",
        BlockId.HOME_FIGURES,
    ]
    headers = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    assert headers == [
        "Your incidents",
        "My action items (0)",
        "All open incidents (2)",
        "How we're doing (30 days)",
    ]
    assert block(blocks, f"{BlockId.HOME_ALL}_2")["text"]["text"] == (
        f"🔴 SEV1 Critical · *#2* search broken · Investigating · IC <@U0ALICE> · 45 min "
        f"· <#{search.id}>"
    )
    assert emu.pings == []


async def test_home_tells_someone_with_no_role_so_and_still_lists_everything_open(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await declare(emu, "sev2 payments down")

    home = await home_of(emu, "U0CAROL")

    text = block_text(home.view["blocks"])
    assert "You hold no role in an open incident." in text
    assert "All open incidents (1)" in text
    assert block(home.view["blocks"], f"{BlockId.HOME_ALL}_1")
    assert not any(b.get("block_id", "").startswith(BlockId.HOME_MINE) for b in home.view["blocks"])


async def test_home_with_nothing_open_says_so_in_both_sections(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    home = await home_of(emu, "U0ALICE")
    text = block_text(home.view["blocks"])
    assert "You hold no role in an open incident." in text
    assert "All open incidents (0)" in text and "No open incidents. 🎉" in text


async def test_home_hides_private_incidents_from_non_members(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await declare(emu, "sev2 payments down")
    bot.clock.advance(timedelta(minutes=1))
    await declare_private(bot.runtime, emu, "payroll data leak")

    alice = await home_of(emu, "U0ALICE")
    carol = await home_of(emu, "U0CAROL")

    alice_text = block_text(alice.view["blocks"])
    assert "All open incidents (2)" in alice_text
    assert (
        "payroll data leak 🔒"
        in block(alice.view["blocks"], f"{BlockId.HOME_MINE}_2")["text"]["text"]
    )
    assert block(alice.view["blocks"], f"{BlockId.HOME_ALL}_2")
    carol_text = block_text(carol.view["blocks"])
    assert "All open incidents (1)" in carol_text
    assert "payroll" not in carol_text


async def test_resolved_incidents_leave_the_home_tab_when_it_is_opened_again(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev2 payments down")
    first = await home_of(emu, "U0ALICE")
    assert block(first.view["blocks"], f"{BlockId.HOME_MINE}_1")

    await in_channel(emu, channel, "resolve rolled back")
    await emu.wait_for(lambda: any(m.text == "Incident #1 resolved" for m in channel.messages))
    again = await home_of(emu, "U0ALICE")

    assert again.id == first.id
    text = block_text(again.view["blocks"])
    assert "You hold no role in an open incident." in text and "All open incidents (0)" in text
