"""Triage by impacted service, through the emulator, with the example catalog in both forms
(the policy's [services.*] tables and a Backstage catalog-info.yaml): the right on-call paged
once, the owner told, the runbook worked step by step, every alert resolved at the end."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.factory import Runtime
from bot.slack.ids import ActionId, BlockId
from emulator import Channel, Message, SlackEmulator
from emulator.pagerduty import FakePagerDuty
from emulator.state import User, Usergroup
from models import ImpactedService, Runbook, timeline
from tests.conftest import RunningBot
from tests.e2e.test_declare_modal import form_values, opened_form
from tests.helpers import (
    block,
    block_text,
    card_of,
    declare,
    ephemeral_for,
    in_channel,
    incident_channel,
    slash,
    until,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SERVICES_MARKER = "# --- Services"
SEV1_KEY = "0123456789abcdef0123456789abcdef"
PAYMENTS_KEY = "0123456789abcdef0123456789abc001"
SEARCH_KEY = "0123456789abcdef0123456789abc002"
PAYMENTS_RUNBOOK = "https://wiki.example.com/runbooks/payments"
GROUPS = [
    Usergroup("S0PRIMARY", "oncall-primary", "Primary on-call", ["U0BOB"]),
    Usergroup("S0123ABCD", "sre", "SRE", ["U0BOB"]),
    Usergroup("S0PAYONCALL", "payments-oncall", "Payments on-call", ["U0CAROL"]),
    Usergroup("S0PAYTEAM", "payments-team", "Payments team", ["U0CAROL"]),
    Usergroup("S0SEARCHONCALL", "search-oncall", "Search on-call", ["U0DAVE"]),
    Usergroup("S0SEARCHTEAM", "search-team", "Search team", ["U0DAVE"]),
]


@pytest.fixture
async def pagerduty() -> AsyncIterator[FakePagerDuty]:
    """PagerDuty's Events API, served locally."""
    async with FakePagerDuty() as fake:
        yield fake


@pytest.fixture(params=["policy", "backstage"])
def catalog_form(request: pytest.FixtureRequest) -> str:
    """Where the services come from: the policy file or a Backstage catalog."""
    return str(request.param)


@pytest.fixture
def bot_overrides(
    emu: SlackEmulator, pagerduty: FakePagerDuty, catalog_form: str, tmp_path: Path
) -> dict[str, object]:
    """The example policy (PagerDuty pointed at the fake) and, in Backstage form, the example
    catalog instead of the policy's services; the user groups they name exist."""
    emu.workspace.users["U0DAVE"] = User("U0DAVE", "dave", "Dave Loe", email="dave@example.com")
    for group in GROUPS:
        emu.workspace.usergroups[group.id] = group
    text = (EXAMPLES / "policy.toml").read_text(encoding="utf-8")
    text = text.replace("https://events.pagerduty.com/v2/enqueue", pagerduty.url)
    overrides: dict[str, object] = {}
    if catalog_form == "backstage":
        text = text.split(SERVICES_MARKER)[0]
        overrides["SERVICE_CATALOG"] = str(EXAMPLES / "catalog-info.yaml")
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    overrides["INCIDENT_CONFIG"] = str(path)
    return overrides


async def entries(runtime: Runtime, kind: str) -> list[tuple[str | None, dict[str, Any]]]:
    """Who made each entry of this kind on incident #1's timeline, and its data."""
    async with runtime.deps.sessions() as session:
        found = await timeline.for_incident(session=session, incident_id=1)
    return [(e.actor, e.data) for e in found if e.kind == kind]


async def impacted(runtime: Runtime) -> list[str]:
    """The services incident #1 impacts, as the database holds them."""
    async with runtime.deps.sessions() as session:
        rows = await session.execute(
            select(ImpactedService.service).order_by(ImpactedService.added_at)
        )
        return list(rows.scalars())


def triggers(pagerduty: FakePagerDuty) -> dict[str, str]:
    """Each PagerDuty alert triggered: dedup key → routing key."""
    return {
        e["dedup_key"]: e["routing_key"] for e in pagerduty.events if e["event_action"] == "trigger"
    }


def runbook_message(channel: Channel, title: str) -> Message:
    """The channel's checklist for one service or severity."""
    [found] = [
        m
        for m in channel.messages
        if any(
            b.get("block_id") == BlockId.RUNBOOK_HEAD and f"Runbook: {title}*" in b["text"]["text"]
            for b in m.blocks or []
        )
    ]
    return found


async def runbook_posted(emu: SlackEmulator, channel: Channel, title: str) -> Message:
    """Wait for a checklist to be posted, and return it."""
    await emu.wait_for(
        lambda: any(f"Runbook: {title} (" in m.text for m in channel.messages), timeout=5
    )
    return runbook_message(channel, title)


def step_text(message: Message, number: int) -> str:
    """What a person reads on one step of a checklist."""
    return str(block(message.blocks, f"{BlockId.RUNBOOK_STEP_PREFIX}{number}")["text"]["text"])


async def test_declaring_payments_down_pages_payments_on_call_and_posts_its_runbook(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev1 payments down")
    checklist = await runbook_posted(emu, channel, "Payments")

    assert await impacted(bot.runtime) == ["payments"]
    # Exactly payments' PagerDuty service and the severity's, each its own alert.
    assert triggers(pagerduty) == {
        f"incident-1-{channel.id}": SEV1_KEY,
        f"incident-1-{channel.id}-payments": PAYMENTS_KEY,
    }
    [payments_alert] = [e for e in pagerduty.events if e["routing_key"] == PAYMENTS_KEY]
    assert payments_alert["payload"]["summary"] == "[SEV1] #1 payments down (Payments)"
    assert payments_alert["payload"]["severity"] == "critical"
    # Exactly payments' on-call group (and the severity's), invited; search's is not.
    groups = [data.get("usergroup") for _, data in await entries(bot.runtime, "page_sent")]
    assert sorted(g for g in groups if g) == ["S0123ABCD", "S0PAYONCALL", "S0PRIMARY"]
    assert "U0CAROL" in channel.members and "U0DAVE" not in channel.members
    pinged = {mention for chan, _, mention in emu.pings if chan == channel.id}
    assert pinged == {
        "<!subteam^S0PRIMARY>",
        "<!subteam^S0123ABCD>",
        "<!subteam^S0PAYTEAM>",
        "<!subteam^S0PAYONCALL>",
    }
    said = [m.text for m in channel.messages]
    assert (
        "🧭 *Payments* is impacted (marked by <@U0ALICE>). "
        "<!subteam^S0PAYTEAM>, it is your service." in said
    )
    assert (
        "📟 Paging <!subteam^S0PAYONCALL>, on call for *Payments*, for SEV1 Critical: "
        "Immediate response, all hands. You've been added to this channel."
    ) in said
    # The card and the announcement show the service by its name; the card links its runbook.
    assert f"*Services*\nPayments (<{PAYMENTS_RUNBOOK}|runbook>)" in block_text(
        card_of(channel).blocks
    )
    incidents = emu.channel_by_name("incidents")
    assert incidents is not None
    [announcement] = [m for m in incidents.messages if m.blocks]
    assert "Services: Payments" in block_text(announcement.blocks)
    # The checklist: one line and Done / Skip per step.
    assert [step_text(checklist, n) for n in (1, 2, 3)] == [
        "⬜ 1. Check the payments dashboard for the failing provider",
        "⬜ 2. Fail over to the secondary processor",
        "⬜ 3. Confirm checkout succeeds end to end",
    ]
    # The severity's own checklist too.
    await runbook_posted(emu, channel, "SEV1 Critical")


async def test_ticking_two_steps_redraws_the_checklist_and_puts_both_on_the_timeline(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev1 payments down")
    checklist = await runbook_posted(emu, channel, "Payments")
    ts = checklist.ts

    await emu.click_button(
        channel.id, ts, ActionId.RUNBOOK_DONE, block_id=f"{BlockId.RUNBOOK_STEP_PREFIX}1_ctl"
    )
    await emu.click_button(
        channel.id,
        ts,
        ActionId.RUNBOOK_SKIP,
        user="U0BOB",
        block_id=f"{BlockId.RUNBOOK_STEP_PREFIX}3_ctl",
    )

    await emu.wait_for(
        lambda: "1 skipped" in block_text(runbook_message(channel, "Payments").blocks)
    )
    redrawn = runbook_message(channel, "Payments")
    assert redrawn.ts == ts  # edited in place
    assert step_text(redrawn, 1) == (
        "✅ 1. Check the payments dashboard for the failing provider — done by <@U0ALICE> at 14:02"
    )
    assert step_text(redrawn, 2) == "⬜ 2. Fail over to the secondary processor"
    assert step_text(redrawn, 3) == (
        "⏭️ 3. Confirm checkout succeeds end to end — skipped by <@U0BOB> at 14:02"
    )
    controls = {b["block_id"] for b in redrawn.blocks or [] if b["type"] == "actions"}
    assert controls == {f"{BlockId.RUNBOOK_STEP_PREFIX}2_ctl"}
    assert "2 of 3 steps done (1 skipped)" in block_text(redrawn.blocks)
    steps = await entries(bot.runtime, "runbook_step")
    assert steps == [
        (
            "U0ALICE",
            {
                "runbook": "Payments",
                "step": 1,
                "state": "done",
                "text": "Check the payments dashboard for the failing provider",
            },
        ),
        (
            "U0BOB",
            {
                "runbook": "Payments",
                "step": 3,
                "state": "skipped",
                "text": "Confirm checkout succeeds end to end",
            },
        ),
    ]
    # `/incident runbook` says where each checklist stands.
    await in_channel(emu, channel, "runbook")
    answer = await ephemeral_for(emu)
    assert "📋 *Payments* — 2 of 3 steps done (1 skipped)" in answer.text
    assert "📋 *SEV1 Critical* — 0 of 2 steps done" in answer.text


async def test_a_step_ticked_twice_is_answered_and_changes_nothing(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev1 payments down")
    checklist = await runbook_posted(emu, channel, "Payments")
    stale = copy.deepcopy(checklist)  # the message as a second person's client still shows it

    await emu.click_button(channel.id, checklist.ts, ActionId.RUNBOOK_DONE)
    await emu.wait_for(lambda: "1 of 3" in block_text(runbook_message(channel, "Payments").blocks))
    channel.messages[channel.messages.index(runbook_message(channel, "Payments"))] = stale
    await emu.click_button(channel.id, checklist.ts, ActionId.RUNBOOK_SKIP, user="U0BOB")

    answer = await ephemeral_for(emu, "U0BOB")
    assert answer.text == "Step 1 was already done by <@U0ALICE>."
    assert [d["state"] for _, d in await entries(bot.runtime, "runbook_step")] == ["done"]


async def test_adding_a_second_service_pages_it_once_and_resolving_resolves_every_alert(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev1 payments down")
    await runbook_posted(emu, channel, "Payments")

    await in_channel(emu, channel, "service add elasticsearch")  # an alias of search
    await runbook_posted(emu, channel, "Search")
    await in_channel(emu, channel, "service remove search")
    await emu.wait_for(
        lambda: any("*Search* is no longer marked impacted" in m.text for m in channel.messages)
    )
    await in_channel(emu, channel, "service add Search")
    await until(lambda: _impacts(bot.runtime, ["payments", "search"]))
    await emu.wait_for(lambda: "\nSearch (<" in block_text(card_of(channel).blocks))

    search_alerts = [k for k, key in triggers(pagerduty).items() if key == SEARCH_KEY]
    assert search_alerts == [f"incident-1-{channel.id}-search"]
    assert len([e for e in pagerduty.events if e["routing_key"] == SEARCH_KEY]) == 1
    search_pages = [
        data
        for _, data in await entries(bot.runtime, "page_sent")
        if data.get("service") == "search"
    ]
    assert [p["target"] for p in search_pages] == ["usergroup", "pagerduty"]
    assert "U0DAVE" in channel.members
    owner_told = [m for m in channel.messages if "<!subteam^S0SEARCHTEAM>" in m.text]
    assert len(owner_told) == 1
    assert len([m for m in channel.messages if "Runbook: Search (" in m.text]) == 1
    assert "Payments (<" in block_text(card_of(channel).blocks)
    assert "\nSearch (<https://wiki.example.com/runbooks/search|runbook>)" in block_text(
        card_of(channel).blocks
    )
    changes = [d["service"] for _, d in await entries(bot.runtime, "service_added")]
    assert changes == ["payments", "search", "search"]

    await in_channel(emu, channel, "resolve failed over")
    await emu.wait_for(lambda: len(pagerduty.incidents()) == 3 and _all_resolved(pagerduty))
    assert pagerduty.incidents() == {
        f"incident-1-{channel.id}": "resolved",
        f"incident-1-{channel.id}-payments": "resolved",
        f"incident-1-{channel.id}-search": "resolved",
    }


def _all_resolved(pagerduty: FakePagerDuty) -> bool:
    return set(pagerduty.incidents().values()) == {"resolved"}


async def _impacts(runtime: Runtime, services: list[str]) -> bool:
    return await impacted(runtime) == services


async def test_a_typo_in_a_service_name_gets_a_did_you_mean_and_changes_nothing(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev1 payments down")
    await runbook_posted(emu, channel, "Payments")
    events, said = len(pagerduty.events), len(channel.messages)

    await in_channel(emu, channel, "service add serch")
    answer = await ephemeral_for(emu)

    assert answer.text == (
        "`serch` is not a service in the catalog. Did you mean `search`? "
        "`/incident services` lists them all."
    )
    assert await impacted(bot.runtime) == ["payments"]
    assert [d["service"] for _, d in await entries(bot.runtime, "service_added")] == ["payments"]
    assert (len(pagerduty.events), len(channel.messages)) == (events, said)

    await in_channel(emu, channel, "service add payments")
    again = await ephemeral_for(emu, count=2)
    assert again.text == "Payments is already marked impacted."


async def test_services_lists_the_catalog_without_pinging_anyone(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, "services")
    answer = await ephemeral_for(emu)

    assert answer.text.splitlines() == [
        "*Services* (2)",
        "• *Payments* (`payments`, also checkout, billing) · tier 1",
        "   owner `@payments-team` · on-call `@payments-oncall` · PagerDuty · "
        f"runbook 3-step checklist · <{PAYMENTS_RUNBOOK}|runbook>",
        "• *Search* (`search`, also elasticsearch) · tier 2",
        "   owner `@search-team` · on-call `@search-oncall` · PagerDuty · "
        "runbook 2-step checklist · <https://wiki.example.com/runbooks/search|runbook>",
    ]
    assert emu.pings == []


async def test_a_sev3_tells_the_owner_but_pages_no_one_until_it_is_raised(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await declare(emu, "sev3 search is slow")
    await runbook_posted(emu, channel, "Search")

    assert pagerduty.events == []
    assert "U0DAVE" not in channel.members
    assert (
        "🧭 *Search* is impacted (marked by <@U0ALICE>). <!subteam^S0SEARCHTEAM>, it is your "
        "service. SEV3 does not page services: raise the severity to page its on-call."
    ) in [m.text for m in channel.messages]

    await in_channel(emu, channel, "sev 2")
    await emu.wait_for(lambda: SEARCH_KEY in triggers(pagerduty).values())
    await emu.wait_for(lambda: "U0DAVE" in channel.members)
    [alert] = [e for e in pagerduty.events if e["routing_key"] == SEARCH_KEY]
    assert alert["payload"]["severity"] == "error"  # SEV2's PagerDuty severity
    # The owner was told once, and the runbook posted once.
    assert len([m for m in channel.messages if "<!subteam^S0SEARCHTEAM>" in m.text]) == 1
    assert len([m for m in channel.messages if "Runbook: Search (" in m.text]) == 1


async def test_the_declare_form_offers_the_services_prefilled_from_the_title(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    await slash(emu, "checkout errors")
    view = await opened_form(emu)
    [picker] = [b for b in view.view["blocks"] if b["block_id"] == BlockId.DECLARE_SERVICES]
    assert picker["optional"] is True
    assert [o["value"] for o in picker["element"]["options"]] == ["payments", "search"]
    assert [o["value"] for o in picker["element"]["initial_options"]] == ["payments"]

    values: dict[str, Any] = form_values(title="checkout errors", severity="sev2")
    values[BlockId.DECLARE_SERVICES] = {
        "value": {
            "type": "multi_static_select",
            "selected_options": [{"value": "payments"}, {"value": "search"}],
        }
    }
    await emu.submit_view(view.id, values=values)

    await until(lambda: _impacts(bot.runtime, ["payments", "search"]))
    channel = await incident_channel(emu, "incident-2025-01-15-checkout-errors")
    await runbook_posted(emu, channel, "Payments")
    await runbook_posted(emu, channel, "Search")
    async with bot.runtime.deps.sessions() as session:
        books = (await session.execute(select(Runbook.source).order_by(Runbook.id))).scalars()
        assert list(books) == ["service:payments", "service:search"]
