"""Paging per the severity policy: on-call user groups and PagerDuty, on declare and on raise."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app.factory import Runtime
from emulator import Channel, SlackEmulator
from emulator.pagerduty import FakePagerDuty
from emulator.state import Usergroup
from models import timeline
from tests.conftest import RunningBot
from tests.helpers import card_of, declare, ephemeral_for, in_channel, stored_incidents, until

KEY = "0123456789abcdef0123456789abcdef"

# SEV1 pages on-call and PagerDuty, SEV2 only on-call, SEV3 no one.
POLICY = f"""
[pagerduty]
events_url = "{{url}}"

[sev1]
page_usergroups = ["oncall"]
pagerduty_routing_key = "{KEY}"
pagerduty_severity = "critical"

[sev2]
page_usergroups = ["@oncall"]

[sev3]
page_usergroups = []
"""

SEV1_PAGE = (
    "📟 Paging <!subteam^S0ONCALL> for SEV1 Critical: Immediate response, all hands. "
    "You've been added to this channel."
)
SEV2_PAGE = (
    "📟 Paging <!subteam^S0ONCALL> for SEV2 Major: Response within 30 minutes, primary on-call. "
    "You've been added to this channel."
)
PAGERDUTY_ALERTED = "📟 PagerDuty alerted (critical) for incident #1."


@pytest.fixture
async def pagerduty() -> AsyncIterator[FakePagerDuty]:
    """PagerDuty's Events API, served locally."""
    async with FakePagerDuty() as fake:
        yield fake


@pytest.fixture
def policy() -> str:
    """The severity policy file's text; `{url}` becomes the fake PagerDuty's events URL."""
    return POLICY


@pytest.fixture
def bot_overrides(pagerduty: FakePagerDuty, policy: str, tmp_path: Path) -> dict[str, object]:
    """Run the bot with the policy file, sending PagerDuty events to the fake."""
    path = tmp_path / "policy.toml"
    path.write_text(policy.replace("{url}", pagerduty.url), encoding="utf-8")
    return {"INCIDENT_CONFIG": str(path)}


async def pages_become(runtime: Runtime, expected: list[tuple[str, dict[str, str]]]) -> None:
    """Wait until the timeline holds exactly these pages (they are recorded after the post)."""

    async def recorded() -> bool:
        return await pages_recorded(runtime) == expected

    try:
        await until(recorded, timeout=5)
    except AssertionError:
        assert await pages_recorded(runtime) == expected


async def pages_recorded(runtime: Runtime) -> list[tuple[str | None, dict[str, Any]]]:
    """Who sent each page recorded on incident #1's timeline, and to whom."""
    async with runtime.deps.sessions() as session:
        entries = await timeline.for_incident(session=session, incident_id=1)
    return [(e.actor, e.data) for e in entries if e.kind == "page_sent"]


def texts(channel: Channel) -> list[str]:
    """What was said in the channel, card excluded."""
    return [m.text for m in channel.messages if m.ts not in channel.pins]


ONCALL_PAGED = {"target": "usergroup", "usergroup": "S0ONCALL"}
PAGERDUTY_PAGED = {"target": "pagerduty", "routing_key": KEY}


async def test_declaring_a_sev2_invites_on_call_and_mentions_their_group(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev2 payments down")

    assert channel.members == {"U0BOT", "U0ALICE", "U0BOB"}
    assert texts(channel) == [SEV2_PAGE]
    [page] = [m for m in channel.messages if m.text == SEV2_PAGE]
    assert emu.pings == [(channel.id, page.ts, "<!subteam^S0ONCALL>")]
    await pages_become(bot.runtime, [("U0ALICE", ONCALL_PAGED)])
    assert pagerduty.events == []


async def test_declaring_a_sev1_also_triggers_a_pagerduty_alert(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev1 checkout <broken> & slow")

    dedup_key = f"incident-1-{channel.id}"
    assert pagerduty.events == [
        {
            "routing_key": KEY,
            "event_action": "trigger",
            "dedup_key": dedup_key,
            "payload": {
                "summary": "[SEV1] #1 checkout <broken> & slow",
                "source": "Slack incident bot",
                "severity": "critical",
                "custom_details": {"channel": channel.name, "status": "investigating"},
            },
        }
    ]
    assert pagerduty.incidents() == {dedup_key: "triggered"}
    assert texts(channel) == [SEV1_PAGE, PAGERDUTY_ALERTED]
    assert "U0BOB" in channel.members
    await pages_become(
        bot.runtime,
        [
            ("U0ALICE", ONCALL_PAGED),
            ("U0ALICE", PAGERDUTY_PAGED),
        ],
    )


async def test_declaring_a_sev3_pages_no_one(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev3 typo on pricing page")

    assert channel.members == {"U0BOT", "U0ALICE"}
    assert texts(channel) == []
    assert emu.pings == []
    assert emu.calls_to("usergroups.users.list") == []
    assert pagerduty.events == []
    await pages_become(bot.runtime, [])


async def test_raising_the_severity_pages_whoever_the_new_level_calls_for(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev3 search slow")

    await in_channel(emu, channel, "sev 2", user="U0CAROL")
    await emu.wait_for(lambda: SEV2_PAGE in texts(channel))
    assert "U0BOB" in channel.members
    assert texts(channel)[0].startswith("Severity raised: SEV3")  # the notice, then the page
    assert texts(channel)[1] == SEV2_PAGE
    assert pagerduty.events == []

    await in_channel(emu, channel, "sev 1")
    await emu.wait_for(lambda: PAGERDUTY_ALERTED in texts(channel))

    assert texts(channel)[3:5] == [SEV1_PAGE, PAGERDUTY_ALERTED]
    assert [ping for _, _, ping in emu.pings] == ["<!subteam^S0ONCALL>"] * 2
    [trigger] = pagerduty.events
    assert trigger["payload"]["summary"] == "[SEV1] #1 search slow"
    assert trigger["dedup_key"] == f"incident-1-{channel.id}"
    await pages_become(
        bot.runtime,
        [
            ("U0CAROL", ONCALL_PAGED),
            ("U0ALICE", ONCALL_PAGED),
            ("U0ALICE", PAGERDUTY_PAGED),
        ],
    )
    [incident] = await stored_incidents(bot.runtime)
    assert incident.severity == "sev1"


async def test_lowering_the_severity_pages_no_one(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev1 checkout broken")
    said, pinged, sent = len(texts(channel)), len(emu.pings), len(pagerduty.events)

    await in_channel(emu, channel, "sev 2")
    await emu.wait_for(lambda: len(texts(channel)) > said)
    await in_channel(emu, channel, "sev 3")
    await emu.wait_for(lambda: len(texts(channel)) > said + 1)

    assert [t.split(":")[0] for t in texts(channel)[said:]] == [
        "Severity lowered",
        "Severity lowered",
    ]
    assert len(emu.pings) == pinged and len(pagerduty.events) == sent
    assert len(await pages_recorded(bot.runtime)) == 2
    [incident] = await stored_incidents(bot.runtime)
    assert incident.severity == "sev3"


async def test_resolving_resolves_the_pagerduty_alert(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev1 checkout broken")
    dedup_key = f"incident-1-{channel.id}"

    await in_channel(emu, channel, "resolve bad deploy reverted")
    await emu.wait_for(lambda: "Incident #1 resolved" in texts(channel))

    assert pagerduty.events[-1] == {
        "routing_key": KEY,
        "event_action": "resolve",
        "dedup_key": dedup_key,
    }
    assert pagerduty.incidents() == {dedup_key: "resolved"}
    assert not any(t.startswith("⚠️") for t in texts(channel))


async def test_resolving_an_incident_pagerduty_never_heard_of_sends_it_nothing(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev2 payments down")

    await in_channel(emu, channel, "resolve card processor back")
    await emu.wait_for(lambda: "Incident #1 resolved" in texts(channel))

    assert pagerduty.events == []


@pytest.mark.parametrize(
    "policy",
    [POLICY.replace('["@oncall"]', '["nosuchteam", "oncall"]')],
    ids=["unknown-handle"],
)
async def test_an_unknown_user_group_is_said_in_the_channel_and_the_rest_still_pages(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev2 payments down")

    assert texts(channel) == [
        "⚠️ Could not page nosuchteam: no user group has that handle; check the severity "
        "policy file. Page them by hand.",
        SEV2_PAGE,
    ]
    assert "U0BOB" in channel.members
    await pages_become(bot.runtime, [("U0ALICE", ONCALL_PAGED)])
    [incident] = await stored_incidents(bot.runtime)
    assert incident.status == "investigating" and incident.card_pinned
    assert incident.setup_problems == []
    assert card_of(channel).ts == incident.card_ts


async def test_a_pagerduty_rejection_is_said_in_the_channel_and_the_incident_goes_on(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    pagerduty.fail_next(400)
    channel = await declare(emu, "sev1 checkout broken")

    [warning] = [t for t in texts(channel) if t.startswith("⚠️")]
    assert warning.startswith("⚠️ Could not page PagerDuty: PagerDuty rejected the trigger event")
    assert warning.endswith("Page them by hand.")
    assert texts(channel) == [SEV1_PAGE, warning]
    assert pagerduty.incidents() == {}
    await pages_become(bot.runtime, [("U0ALICE", ONCALL_PAGED)])

    await in_channel(emu, channel, "resolve false alarm")
    await emu.wait_for(lambda: "Incident #1 resolved" in texts(channel))
    assert pagerduty.events == []
    [incident] = await stored_incidents(bot.runtime)
    assert incident.status == "postmortem" and incident.card_pinned  # resolved; SEV1 needs one


async def test_pagerduty_busy_for_a_moment_is_retried_until_it_takes_the_alert(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    pagerduty.fail_next(503, times=2)
    channel = await declare(emu, "sev1 checkout broken")

    assert texts(channel) == [SEV1_PAGE, PAGERDUTY_ALERTED]
    assert pagerduty.incidents() == {f"incident-1-{channel.id}": "triggered"}


async def test_pagerduty_down_through_every_retry_is_said_in_the_channel(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    pagerduty.fail_next(500, times=3)
    channel = await declare(emu, "sev1 checkout broken")

    [warning] = [t for t in texts(channel) if t.startswith("⚠️")]
    assert "did not accept the trigger event after 3 attempts (HTTP 500" in warning
    assert warning.endswith("Page them by hand.")
    assert len(pagerduty.events) == 0 and pagerduty.incidents() == {}
    await pages_become(bot.runtime, [("U0ALICE", ONCALL_PAGED)])
    [incident] = await stored_incidents(bot.runtime)
    assert incident.status == "investigating" and incident.card_pinned


async def test_a_pagerduty_failure_is_said_in_well_formed_sentences(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    pagerduty.fail_next(500, times=3)
    channel = await declare(emu, "sev1 checkout broken")

    assert texts(channel)[1] == (
        "⚠️ Could not page PagerDuty: PagerDuty did not accept the trigger event after 3 "
        "attempts (HTTP 500: Internal error). Page them by hand."
    )


@pytest.mark.parametrize(
    "policy", [POLICY.replace('["@oncall"]', '["payments-oncall"]')], ids=["group-with-declarer"]
)
async def test_paging_a_group_that_includes_the_declarer_still_invites_everyone_else(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    emu.workspace.usergroups["S0PAY"] = Usergroup(
        "S0PAY", "payments-oncall", "Payments on-call", ["U0ALICE", "U0CAROL"]
    )
    channel = await declare(emu, "sev2 payments down")

    assert any(t.startswith("📟 Paging <!subteam^S0PAY>") for t in texts(channel))
    assert channel.members == {"U0BOT", "U0ALICE", "U0CAROL"}


async def test_raising_the_severity_of_a_resolved_incident_pages_no_one(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev3 search slow")
    await in_channel(emu, channel, "resolve index rebuilt")
    await emu.wait_for(lambda: "Incident #1 resolved" in texts(channel))

    await in_channel(emu, channel, "sev 1")
    await emu.wait_for(
        lambda: (
            any(t.startswith("Severity raised") for t in texts(channel))
            or any(e.user == "U0ALICE" for e in emu.ephemerals)
        )
    )

    assert emu.pings == []
    assert pagerduty.events == []
    assert "U0BOB" not in channel.members
    answer = await ephemeral_for(emu)
    assert answer.text.startswith("Incident #1 is resolved; `/incident reopen` it first")
    [incident] = await stored_incidents(bot.runtime)
    assert incident.severity == "sev3" and await pages_recorded(bot.runtime) == []
