"""The searchable archive through the emulator: incidents with published postmortems found by
the words of their root cause, narrowed by severity, service and tag; a private incident found
by its channel's members only; tags on the card; bad queries answered."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.app.search_cli import run_search
from bot.domain.severity import Severity
from bot.services.declare import Declaration, declare_incident
from bot.slack.ids import BlockId, CallbackId
from emulator import Channel, SlackEmulator
from tests.conftest import RunningBot
from tests.e2e.test_drills import bot_overrides, pagerduty  # noqa: F401 (fixtures)
from tests.helpers import (
    block_text,
    card_of,
    declare,
    ephemeral_for,
    in_channel,
    slash,
)

ROOT_CAUSES = {
    "sev1 payments down": "The connection pool to the primary database was exhausted by a retry "
    "storm after the card processor timed out.",
    "sev2 search results empty": "A mapping change reindexed the cluster without the synonym "
    "filter; the replica shards served empty results.",
    "sev2 checkout slow": "Database failover left the connection pool pointing at the old "
    "primary for twelve minutes.",
}


async def with_published_postmortem(
    emu: SlackEmulator, bot: RunningBot, declared: str, tags: str
) -> Channel:
    """Declare, tag, resolve, write the postmortem in its form and publish it."""
    channel = await declare(emu, declared)
    await in_channel(emu, channel, f"tag add {tags}")
    await emu.wait_for(lambda: any("🏷️ Tagged" in m.text for m in channel.messages))
    bot.clock.advance(timedelta(minutes=30))
    await in_channel(emu, channel, "resolve fixed")
    await emu.wait_for(
        lambda: any("is drafted from the timeline" in m.text for m in channel.messages)
    )
    emu.views.clear()
    await in_channel(emu, channel, "postmortem edit")
    await emu.wait_for(lambda: len(emu.views) == 1)
    [view] = emu.views.values()
    assert view.view["callback_id"] == CallbackId.EDIT_POSTMORTEM
    await emu.submit_view(
        view.id,
        values={
            f"{BlockId.SECTION_PREFIX}summary": {"value": f"{declared[5:]} for half an hour."},
            f"{BlockId.SECTION_PREFIX}root_cause": {"value": ROOT_CAUSES[declared]},
        },
    )
    emu.ephemerals.clear()
    await in_channel(emu, channel, "postmortem publish")
    await emu.wait_for(lambda: any("postmortem is published" in m.text for m in channel.messages))
    emu.ephemerals.clear()
    return channel


async def found(emu: SlackEmulator, query: str, user: str = "U0ALICE") -> str:
    """What `/incident search <query>` answers, as text."""
    emu.ephemerals.clear()
    await slash(emu, f"search {query}", user=user)
    answer = await ephemeral_for(emu, user=user)
    return block_text(answer.blocks) or answer.text


async def test_postmortems_are_found_by_their_words_and_narrowed_by_filters(
    emu: SlackEmulator, bot: RunningBot, capsys: pytest.CaptureFixture[str]
) -> None:
    payments = await with_published_postmortem(emu, bot, "sev1 payments down", "database, pool")
    await with_published_postmortem(emu, bot, "sev2 search results empty", "elasticsearch")
    await with_published_postmortem(emu, bot, "sev2 checkout slow", "database")
    assert "*Tags*\n`database` · `pool`" in block_text(card_of(payments).blocks)

    # The root cause's words, stemmed ("exhausted" finds "exhaust"); both pool incidents.
    pool = await found(emu, "connection pool")
    assert pool.startswith("*2 incidents match “connection pool”*")
    assert pool.index("*#3* checkout slow") > 0 and pool.index("*#1* payments down") > 0
    assert "*connection* *pool*" in pool  # the snippet shows the words in bold
    assert (await found(emu, "exhaust retry storm")).startswith("*1 incident match")
    # Narrowed: by severity, by service (checkout is an alias of payments), by tag, by date.
    by_severity = await found(emu, "connection pool sev:1")
    assert "*#1* payments down" in by_severity and "#3" not in by_severity
    by_service = await found(emu, "results service:search")
    assert "*#2* search results empty" in by_service
    assert "No incident matches" in await found(emu, "synonym service:payments")
    by_tag = await found(emu, "primary tag:database")
    assert "*2 incidents match" in by_tag
    assert "No incident matches" in await found(emu, "primary tag:elasticsearch")
    assert "No incident matches" in await found(emu, "pool since:2025-02-01")
    assert "*2 incidents match" in await found(emu, "pool since:2025-01-15 status:closed")

    # The same from the command line, as JSON.
    settings = bot.runtime.deps.settings
    assert await run_search(settings, ["pool", "sev:1"], as_user=None, output_format="json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["query"] == "pool sev:1" and result["total"] == 1
    [hit] = result["hits"]
    assert (hit["incident"], hit["title"], hit["severity"], hit["status"]) == (
        1,
        "payments down",
        "sev1",
        "closed",
    )
    assert hit["declared_at"] == "2025-01-15T14:02:00+00:00"
    assert hit["channel_id"] == payments.id and hit["is_drill"] is False
    assert "pool" in hit["snippet"] and hit["score"] > 0


async def test_a_private_incident_is_found_by_its_members_only(
    emu: SlackEmulator, bot: RunningBot, capsys: pytest.CaptureFixture[str]
) -> None:
    await with_published_postmortem(emu, bot, "sev1 payments down", "database")
    # SEV3: nobody is paged into it, so alice is its only member.
    incident = await declare_incident(
        bot.runtime.deps,
        Declaration(
            severity=Severity.SEV3,
            title="customer data exposed",
            declarer="U0ALICE",
            is_private=True,
        ),
    )
    assert incident.channel_id is not None
    secret = emu.channels[incident.channel_id]
    assert secret.is_private and secret.members == {"U0BOT", "U0ALICE"}
    await in_channel(emu, secret, "note the export bucket was public since the migration")
    await ephemeral_for(emu)

    alice = await found(emu, "bucket migration")  # in the private channel
    assert "*#2* customer data exposed" in alice and "🔒 private" in alice
    bob = await found(emu, "bucket migration", user="U0BOB")
    assert bob.startswith("No incident matches")
    assert "customer data" not in bob

    settings = bot.runtime.deps.settings
    assert await run_search(settings, ["bucket"], as_user=None, output_format="json") == 0
    assert json.loads(capsys.readouterr().out) == {"query": "bucket", "total": 0, "hits": []}
    assert await run_search(settings, ["bucket"], as_user="U0ALICE", output_format="json") == 0
    assert json.loads(capsys.readouterr().out)["total"] == 1


async def test_bad_queries_get_a_clear_answer(emu: SlackEmulator, bot: RunningBot) -> None:
    answers = {
        "the and of": "That search has only common words.",
        "pool sev:9": "`sev:9` is not a severity: use `sev:1`, `sev:2` or `sev:3`.",
        "pool since:yesterdayish": "`since:yesterdayish` is not a date: write it as",
        "pool service:paymnts": "No service is named 'paymnts' in the catalog. Did you mean "
        "`service:payments`?",
        "pool colour:red": "`colour:` is not a search filter",
        "pool status:done": "`status:done` is not a status",
    }
    for query, answer in answers.items():
        emu.ephemerals.clear()
        await slash(emu, f"search {query}")
        told = await ephemeral_for(emu)
        assert told.text.startswith(answer), (query, told.text)
    emu.ephemerals.clear()
    await slash(emu, "search")
    assert (await ephemeral_for(emu)).text.startswith("What should I look for?")


async def test_tags_are_added_removed_and_refused_when_malformed(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev2 queue backlog")
    await in_channel(emu, channel, "tag add Kafka #third-party kafka")
    await emu.wait_for(lambda: any("🏷️ Tagged" in m.text for m in channel.messages))
    assert "`kafka` · `third-party`" in block_text(card_of(channel).blocks)
    await in_channel(emu, channel, "tag remove kafka")
    await emu.wait_for(lambda: any("🏷️ Untagged `kafka`" in m.text for m in channel.messages))
    await emu.wait_for(lambda: "`kafka`" not in block_text(card_of(channel).blocks))
    emu.ephemerals.clear()
    await in_channel(emu, channel, "tag add not/ok")
    told = await ephemeral_for(emu)
    assert told.text.startswith("`not/ok` is not a tag")
    emu.ephemerals.clear()
    await in_channel(emu, channel, "tag remove kafka")
    assert (await ephemeral_for(emu)).text == "#1 has no tag `kafka`."


async def test_patterns_show_what_comes_back_with_the_incidents_behind(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await with_published_postmortem(emu, bot, "sev1 payments down", "database, pool")
    await with_published_postmortem(emu, bot, "sev2 search results empty", "elasticsearch")
    checkout = await with_published_postmortem(emu, bot, "sev2 checkout slow", "database")
    await in_channel(emu, checkout, "recurrence-of 1")
    await emu.wait_for(
        lambda: any("🔁 Incident #3 is a recurrence" in m.text for m in checkout.messages)
    )
    emu.ephemerals.clear()
    await slash(emu, "patterns")
    lines = (await ephemeral_for(emu)).text.splitlines()
    assert lines[0] == "*Patterns over the last 90 days* (3 incidents)"
    assert "• Payments — 2 incidents (#3, #1)" in lines
    assert "• database — 2 incidents (#3, #1)" in lines
    words = lines[lines.index("*Words of contributing factors and root causes*") + 1 :]
    assert {"• connection — 2 incidents (#3, #1)", "• pool — 2 incidents (#3, #1)"} <= set(words)
    assert lines[-1] == "*Recurring (1):* #3 recurs #1"

    emu.ephemerals.clear()
    await slash(emu, "patterns 13x")
    assert "13x" in (await ephemeral_for(emu)).text


async def test_the_postmortem_form_sets_the_tags(emu: SlackEmulator, bot: RunningBot) -> None:
    channel = await with_published_postmortem(emu, bot, "sev1 payments down", "database")
    # Another incident's form: its tags written, then found by them.
    other = await declare(emu, "sev1 queue backlog")
    bot.clock.advance(timedelta(minutes=30))
    await in_channel(emu, other, "resolve drained")
    await emu.wait_for(
        lambda: any("is drafted from the timeline" in m.text for m in other.messages)
    )
    emu.views.clear()
    await in_channel(emu, other, "postmortem edit")
    await emu.wait_for(lambda: len(emu.views) == 1)
    [view] = emu.views.values()
    [tags] = [b for b in view.view["blocks"] if b["block_id"] == BlockId.POSTMORTEM_TAGS]
    assert "initial_value" not in tags["element"]
    await emu.submit_view(
        view.id,
        values={
            f"{BlockId.SECTION_PREFIX}root_cause": {"value": "The consumer lagged behind."},
            BlockId.POSTMORTEM_TAGS: {"value": "Kafka, third-party"},
        },
    )
    saved = await ephemeral_for(emu)
    assert "Blameless check" in block_text(saved.blocks)
    await emu.wait_for(lambda: "`kafka` · `third-party`" in block_text(card_of(other).blocks))
    assert "*#2* queue backlog" in await found(emu, "consumer tag:kafka")
    assert "*Tags*\n`database`" in block_text(card_of(channel).blocks)
