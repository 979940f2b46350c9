"""What people type after /incident."""

from __future__ import annotations

import pytest

from bot.commands import UsageError, parse_incident_command
from bot.requests import Declare, OpenDeclareForm, ShowHelp
from bot.severity import Severity


@pytest.mark.parametrize(
    ("text", "severity", "title"),
    [
        ("sev1 payments down", Severity.SEV1, "payments down"),
        ("SEV1 payments down", Severity.SEV1, "payments down"),
        ("SEV-2 api slow", Severity.SEV2, "api slow"),
        ("critical db gone", Severity.SEV1, "db gone"),
        ("Major search slow", Severity.SEV2, "search slow"),
        ("minor docs typo", Severity.SEV3, "docs typo"),
        ("payments down sev3", Severity.SEV3, "payments down"),
    ],
)
def test_a_severity_word_and_a_title_declare(text: str, severity: Severity, title: str) -> None:
    assert parse_incident_command(text) == Declare(severity=severity, title=title)


def test_a_title_alone_or_nothing_opens_the_form() -> None:
    assert parse_incident_command("payments down") == OpenDeclareForm(title="payments down")
    assert parse_incident_command("   ") == OpenDeclareForm(title="")


def test_help() -> None:
    assert parse_incident_command("help") == ShowHelp()


@pytest.mark.parametrize("text", ["sev9 x", "sev0 x", "sev x", "p1 outage", "SEV-4 x"])
def test_something_meant_as_a_severity_but_wrong_is_explained(text: str) -> None:
    with pytest.raises(UsageError, match="is not a severity"):
        parse_incident_command(text)
