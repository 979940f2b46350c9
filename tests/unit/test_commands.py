"""What people type after /incident."""

from __future__ import annotations

import pytest

from bot.commands.help import UsageError
from bot.commands.parse import parse_incident_command
from bot.domain.requests import (
    AddNote,
    AssignRole,
    ChangeSeverity,
    ChangeStatus,
    Declare,
    OpenDeclareForm,
    PostUpdate,
    SetTime,
    ShowHelp,
    ShowTimeline,
)
from bot.domain.roles import Role
from bot.domain.severity import Severity
from bot.domain.status import Status


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


def test_free_text_keeps_its_line_breaks() -> None:
    assert parse_incident_command("update line one\n• two\n• three") == PostUpdate(
        "line one\n• two\n• three"
    )
    assert parse_incident_command("resolve fixed\nfor real") == ChangeStatus(
        Status.RESOLVED, "fixed\nfor real"
    )
    assert parse_incident_command("status mitigated rolled\nback") == ChangeStatus(
        Status.MITIGATED, "rolled\nback"
    )


@pytest.mark.parametrize("text", ["reopen now", "list all", "roles please"])
def test_words_after_a_command_that_takes_none_are_refused(text: str) -> None:
    with pytest.raises(UsageError, match="takes nothing after it"):
        parse_incident_command(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("note 14:35 restarted the primary", AddNote("restarted the primary", "14:35")),
        ("note cache warmed", AddNote("cache warmed")),
        ("timeline", ShowTimeline()),
        ("timeline export", ShowTimeline(export=True)),
        ("role tech <@U0BOB|bob>", AssignRole(Role.TECH_LEAD, "U0BOB")),
        ("role commander <@U0BOB>", AssignRole(Role.COMMANDER, "U0BOB")),
        ("sev 1", ChangeSeverity(Severity.SEV1)),
        ("started 13:52", SetTime("started", "13:52")),
    ],
)
def test_in_channel_commands(text: str, expected: object) -> None:
    assert parse_incident_command(text) == expected
