"""`/incident list` and the App Home tab: open incidents, newest first, private ones to members."""

from __future__ import annotations

from datetime import timedelta

from bot.ids import BlockId
from bot.services.declare import Declaration, declare_incident
from bot.severity import Severity
from emulator import Channel, SlackEmulator, View
from tests.conftest import RunningBot
from tests.helpers import (
    block,
    block_text,
    declare,
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


async def declare_private(bot: RunningBot, emu: SlackEmulator, title: str) -> Channel:
    """Declare a private incident as alice (what the declare form does with "private" ticked)."""
    incident = await declare_incident(
        bot.runtime.deps,
        Declaration(severity=Severity.SEV1, title=title, declarer="U0ALICE", is_private=True),
    )
    assert incident.channel_id is not None
    channel = emu.channels[incident.channel_id]
    assert channel.is_private and channel.members == {"U0BOT", "U0ALICE"}
    return channel


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
