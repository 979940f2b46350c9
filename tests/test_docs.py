"""Docs and manifest kept honest: every subcommand documented, every action and event handled,
every Web API method the bot calls covered by a scope the manifest asks for, every series of
GET /metrics in the README."""

from __future__ import annotations

import json
from pathlib import Path

from bot.commands.help import SUBCOMMANDS, help_text
from bot.metrics import Metrics
from bot.settings import Settings
from bot.slack.ids import ActionId
from emulator import SlackEmulator
from tests.conftest import RunningBot
from tests.helpers import declare

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = json.loads((ROOT / "manifest.json").read_text())
README = (ROOT / "README.md").read_text()
REFERENCE = ROOT / "emulator" / "reference" / "methods"


def test_every_subcommand_is_in_help_and_the_readme() -> None:
    for sub in SUBCOMMANDS:
        assert f"`{sub.form}` — {sub.meaning}, e.g. `{sub.example}`" in help_text()
        assert f"`{sub.form}`" in README, f"README lacks {sub.form}"


def test_every_setting_is_in_the_readme() -> None:
    for field in Settings.model_fields.values():
        assert f"`{field.alias}`" in README


def test_every_series_of_get_metrics_is_in_the_readme() -> None:
    for family in Metrics().registry.collect():
        if family.name.startswith("incident_bot_"):
            name = family.name + ("_total" if family.type == "counter" else "")
            assert f"| `{name}` |" in README, f"README's Metrics and logs lacks {name}"


def test_every_action_id_has_a_listener() -> None:
    text = "".join(p.read_text() for p in (ROOT / "handlers").glob("*.py"))
    for action in ActionId:
        assert f"ActionId.{action.name}" in text, f"no listener for {action}"


def test_every_manifest_event_has_a_listener() -> None:
    text = "".join(p.read_text() for p in (ROOT / "handlers").glob("*.py"))
    for event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
        listened = event.split(".")[0]  # message.channels and message.groups are "message"
        assert f'app.event("{listened}")' in text, f"no listener for {event}"


def test_the_manifest_posts_everything_to_the_one_endpoint() -> None:
    command = MANIFEST["features"]["slash_commands"][0]
    assert command["command"] == "/incident"
    urls = {
        command["url"],
        MANIFEST["settings"]["event_subscriptions"]["request_url"],
        MANIFEST["settings"]["interactivity"]["request_url"],
    }
    assert urls == {"https://YOUR-HOST/slack/events"}


async def test_every_method_the_bot_calls_is_granted_by_a_manifest_scope(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev1 payments down")
    message = await emu.user_posts(channel.id, "U0ALICE", "error rate 40%")
    await emu.user_reacts(channel.id, message.ts, "U0ALICE", "pushpin")
    for text in ("role tech <@U0BOB|bob>", "update rolling back", "action Add a canary", "resolve"):
        await emu.slash_command("/incident", text, user="U0ALICE", channel=channel.id)
    await emu.wait_for(lambda: bool(emu.workspace.canvases))
    await emu.wait_for(lambda: len(emu.calls_to("canvases.access.set")) == 1)
    await emu.user_opens_home("U0ALICE")
    await emu.wait_for(lambda: bool(emu.calls_to("views.publish")))
    granted = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    for method in {call.method for call in emu.calls}:
        scopes = json.loads((REFERENCE / f"{method}.json").read_text())["scope"].get("bot")
        if scopes:
            assert granted & set(scopes), f"{method} needs one of {scopes}"
