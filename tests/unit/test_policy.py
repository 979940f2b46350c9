"""Severity policy: the built-in defaults, a TOML file merged over them, one line per mistake."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app.policy_file import load_policy
from bot.domain.drills import parse_duration
from bot.domain.policy import Policy, SeverityPolicy, default_policy
from bot.domain.severity import Severity
from bot.settings import SettingsError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "policy.toml"
KEY = "0123456789abcdef0123456789abcdef"

FULL = f"""
[pagerduty]
events_url = "http://127.0.0.1:9999/v2/enqueue"

[sev1]
name = "Outage"
description = "Everything is down"
response = "Everyone, now"
update_every_minutes = 15
page_usergroups = ["@oncall-primary", "S0123ABCD"]
pagerduty_routing_key = "{KEY}"
pagerduty_severity = "critical"
page_services = false
runbook = ["Open a bridge call", "Post the first update"]

[sev2]
name = "Degraded"
description = "Slow for many"
response = "Primary on-call within 30 minutes"
update_every_minutes = 45
page_usergroups = ["oncall"]
pagerduty_routing_key = "{KEY.upper()}"
pagerduty_severity = "warning"

[sev3]
name = "Annoyance"
description = "A few users, workaround exists"
response = "Next business day"
update_every_minutes = 0
page_usergroups = []
pagerduty_severity = "info"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_documented_policy() -> None:
    assert default_policy() == Policy(
        levels={
            Severity.SEV1: SeverityPolicy(
                severity=Severity.SEV1,
                name="Critical",
                description="Complete outage, all users affected",
                response="Immediate response, all hands",
                update_every_minutes=30,
                page_usergroups=(),
                pagerduty_routing_key=None,
                pagerduty_severity="critical",
                postmortem_due_business_days=2,
                page_services=True,
            ),
            Severity.SEV2: SeverityPolicy(
                severity=Severity.SEV2,
                name="Major",
                description="Degraded service, many users affected",
                response="Response within 30 minutes, primary on-call",
                update_every_minutes=60,
                page_usergroups=(),
                pagerduty_routing_key=None,
                pagerduty_severity="error",
                postmortem_due_business_days=5,
                page_services=True,
            ),
            Severity.SEV3: SeverityPolicy(
                severity=Severity.SEV3,
                name="Minor",
                description="Limited impact, a workaround exists",
                response="Next business day",
                update_every_minutes=None,
                page_usergroups=(),
                pagerduty_routing_key=None,
                pagerduty_severity="warning",
            ),
        },
        pagerduty_events_url="https://events.pagerduty.com/v2/enqueue",
    )


@pytest.mark.parametrize("path", [None, ""])
def test_no_file_gives_the_defaults(path: str | None) -> None:
    assert load_policy(path) == default_policy()


def test_a_full_file_sets_every_key(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, FULL))
    assert policy.pagerduty_events_url == "http://127.0.0.1:9999/v2/enqueue"
    assert policy.level(Severity.SEV1) == SeverityPolicy(
        severity=Severity.SEV1,
        name="Outage",
        description="Everything is down",
        response="Everyone, now",
        update_every_minutes=15,
        page_usergroups=("oncall-primary", "S0123ABCD"),
        pagerduty_routing_key=KEY,
        pagerduty_severity="critical",
        postmortem_due_business_days=2,
        page_services=False,
        runbook=("Open a bridge call", "Post the first update"),
    )
    sev2 = policy.level(Severity.SEV2)
    assert (sev2.name, sev2.update_every_minutes, sev2.page_usergroups) == (
        "Degraded",
        45,
        ("oncall",),
    )
    assert (sev2.pagerduty_routing_key, sev2.pagerduty_severity) == (KEY.upper(), "warning")
    sev3 = policy.level(Severity.SEV3)
    assert (sev3.update_every_minutes, sev3.pagerduty_severity) == (None, "info")


def test_a_partial_file_keeps_the_defaults_it_leaves_out(tmp_path: Path) -> None:
    policy = load_policy(
        write(tmp_path, f'[sev2]\nupdate_every_minutes = 20\npagerduty_routing_key = "{KEY}"\n')
    )
    defaults = default_policy()
    assert policy.level(Severity.SEV1) == defaults.level(Severity.SEV1)
    assert policy.level(Severity.SEV3) == defaults.level(Severity.SEV3)
    sev2 = policy.level(Severity.SEV2)
    assert (sev2.update_every_minutes, sev2.pagerduty_routing_key) == (20, KEY)
    assert (sev2.name, sev2.pagerduty_severity) == ("Major", "error")
    assert policy.pagerduty_events_url == defaults.pagerduty_events_url


def test_zero_turns_off_the_update_cadence(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "[sev1]\nupdate_every_minutes = 0\n"))
    assert policy.level(Severity.SEV1).update_every_minutes is None


def test_the_shipped_example_loads() -> None:
    policy = load_policy(EXAMPLE)
    assert policy.level(Severity.SEV1).page_usergroups == ("oncall-primary", "S0123ABCD")
    assert policy.level(Severity.SEV1).pagerduty_routing_key == KEY
    assert policy.level(Severity.SEV3).update_every_minutes is None
    assert policy.pagerduty_events_url == "https://events.pagerduty.com/v2/enqueue"
    # Apart from what it shows as examples, the file restates the built-in policy.
    for severity in Severity:
        shown, built_in = policy.level(severity), default_policy().level(severity)
        assert (shown.name, shown.description, shown.response) == (
            built_in.name,
            built_in.description,
            built_in.response,
        )
        assert shown.update_every_minutes == built_in.update_every_minutes
        assert shown.pagerduty_severity == built_in.pagerduty_severity


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[sev4]\nname = 'x'\n", "[sev4]", "is not a known table"),
        ("sev1 = 'x'\n", "sev1", "must be a table"),
        ("[sev1]\ncolour = 'red'\n", "sev1.colour", "is not a known key"),
        ("[sev1]\nname = ''\n", "sev1.name", "must be a non-empty string"),
        ("[sev1]\ndescription = '   '\n", "sev1.description", "must be a non-empty string"),
        ("[sev2]\nresponse = 3\n", "sev2.response", "must be a non-empty string"),
        ("[sev2]\nupdate_every_minutes = -5\n", "sev2.update_every_minutes", "positive whole"),
        ("[sev2]\nupdate_every_minutes = 1.5\n", "sev2.update_every_minutes", "positive whole"),
        ("[sev2]\nupdate_every_minutes = '30'\n", "sev2.update_every_minutes", "positive whole"),
        ("[sev2]\nupdate_every_minutes = true\n", "sev2.update_every_minutes", "positive whole"),
        ("[sev1]\npage_usergroups = 'oncall'\n", "sev1.page_usergroups", "must be a list"),
        ("[sev1]\npage_usergroups = [1]\n", "sev1.page_usergroups", "must be a list"),
        ("[sev1]\npage_usergroups = ['']\n", "sev1.page_usergroups", "not a user group"),
        ("[sev1]\npage_usergroups = ['on call']\n", "sev1.page_usergroups", "not a user group"),
        ("[sev1]\npagerduty_routing_key = 'short'\n", "sev1.pagerduty_routing_key", "32-char"),
        ("[sev1]\npagerduty_routing_key = ''\n", "sev1.pagerduty_routing_key", "32-char"),
        ("[sev3]\npagerduty_severity = 'high'\n", "sev3.pagerduty_severity", "must be one of"),
        ("[sev3]\npagerduty_severity = ''\n", "sev3.pagerduty_severity", "non-empty"),
        ("[pagerduty]\nevents_url = 'ftp://x/y'\n", "pagerduty.events_url", "http(s) URL"),
        ("[pagerduty]\nevents_url = ''\n", "pagerduty.events_url", "http(s) URL"),
        ("[pagerduty]\nurl = 'https://x'\n", "pagerduty.url", "is not a known key"),
        ("[sev1\nname = 'x'\n", "", "is not valid TOML"),
        ("[drills]\nannounce = 'loud'\n", "drills.announce", '"line" (one line marked'),
        ("[drills]\npage_usergroups = ['on call']\n", "drills.page_usergroups", "not a user"),
        ("[drills]\nrehearse = true\n", "drills.rehearse", "is not a known key"),
        ("[drills]\nscenarios = 'x'\n", "drills.scenarios", "[[drills.scenarios]]"),
        ("[[drills.scenarios]]\nseverity = 'sev2'\n", "drills.scenarios[0].name", "non-empty"),
        (
            "[[drills.scenarios]]\nname = 'x'\nseverity = 'sev9'\n",
            "drills.scenarios[0].severity",
            '"sev1", "sev2" or "sev3"',
        ),
        (
            "[[drills.scenarios]]\nname = 'x'\nsteps = []\n",
            "drills.scenarios[0].steps",
            "is not a known key",
        ),
        (
            "[[drills.scenarios]]\nname = 'x'\ninjects = [{at = 'soon', text = 'y'}]\n",
            "drills.scenarios[0].injects[0].at",
            '"90s", "5m", "1h30m"',
        ),
        (
            "[[drills.scenarios]]\nname = 'x'\ninjects = [{at = '25h', text = 'y'}]\n",
            "drills.scenarios[0].injects[0].at",
            "a time after the start",
        ),
        (
            "[[drills.scenarios]]\nname = 'x'\ninjects = [{at = '5m'}]\n",
            "drills.scenarios[0].injects[0]",
            '{at = "5m", text = "what happens"}',
        ),
        (
            "[[drills.scenarios]]\nname = 'Fire'\n[[drills.scenarios]]\nname = 'fire'\n",
            "drills.scenarios",
            "name the same scenario twice",
        ),
    ],
)
def test_a_mistake_is_one_line_naming_the_variable_file_and_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert message.startswith(f"INCIDENT_CONFIG {path}: {key}")
    assert problem in message
    assert "\n" not in message


def test_the_example_drill_library_loads_with_its_injects_in_time_order() -> None:
    drills = load_policy(EXAMPLE).drills
    assert (drills.announce, drills.page_usergroups) == ("line", ("gameday",))
    scenario = drills.scenario("  payments   FAILOVER ")
    assert scenario is not None and scenario.severity is Severity.SEV2
    assert [inject.at for inject in scenario.injects] == [
        timedelta(minutes=5),
        timedelta(minutes=15),
    ]
    assert drills.scenario("payments") is None
    assert default_policy().drills.scenarios == ()


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("90s", timedelta(seconds=90)),
        ("5m", timedelta(minutes=5)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("2H", timedelta(hours=2)),
        ("", None),
        ("m", None),
        ("-5m", None),
        ("5 minutes", None),
    ],
)
def test_an_inject_time_reads_as_hours_minutes_seconds(text: str, at: timedelta | None) -> None:
    assert parse_duration(text) == at


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(SettingsError) as caught:
        load_policy(path)
    assert (
        str(caught.value) == f"INCIDENT_CONFIG {path}: cannot be read (No such file or directory)"
    )


def test_a_directory_or_binary_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot be read"):
        load_policy(tmp_path)
    binary = tmp_path / "policy.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SettingsError, match="is not UTF-8 text"):
        load_policy(binary)
