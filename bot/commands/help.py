"""The help table: every subcommand with its meaning and an example, and the usage text
built from it (for `/incident help`, the answers to bad input, and the README)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserFacingError


@dataclass(frozen=True)
class Subcommand:
    """One line of `/incident help`."""

    form: str
    meaning: str
    example: str


# Every subcommand, for `/incident help` and the README (a test keeps them in step).
SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "/incident sev1|sev2|sev3 <title>", "declare an incident", "/incident sev1 payments down"
    ),
    Subcommand("/incident [<title>]", "open the declare form", "/incident payments down"),
    Subcommand("/incident list", "open incidents you can see", "/incident list"),
    Subcommand(
        "/incident role <role> <@user>",
        "assign ic, tech, comms or scribe",
        "/incident role tech @bob",
    ),
    Subcommand("/incident roles", "who holds which role", "/incident roles"),
    Subcommand("/incident sev <1|2|3>", "change the severity", "/incident sev 2"),
    Subcommand(
        "/incident status <status>",
        "investigating, identified, mitigated or resolved",
        "/incident status identified",
    ),
    Subcommand(
        "/incident mitigated [<note>]",
        "service restored, maybe by a temporary fix",
        "/incident mitigated rolled back",
    ),
    Subcommand(
        "/incident resolve [<summary>]",
        "confirmed fixed and stable",
        "/incident resolve bad deploy reverted",
    ),
    Subcommand("/incident reopen", "reopen a resolved incident", "/incident reopen"),
    Subcommand("/incident started <time>", "when impact began", "/incident started 13:52"),
    Subcommand("/incident detected <time>", "when it was noticed", "/incident detected 13:58"),
    Subcommand(
        "/incident update <text>",
        "post a status update",
        "/incident update failover done, watching",
    ),
    Subcommand(
        "/incident note [<HH:MM>] <text>",
        "add a note to the timeline, now or at a time",
        "/incident note 14:35 restarted the primary",
    ),
    Subcommand("/incident timeline", "show the whole timeline", "/incident timeline"),
    Subcommand(
        "/incident timeline export",
        "upload the timeline as a Markdown file",
        "/incident timeline export",
    ),
    Subcommand(
        "/incident postmortem", "draft the postmortem from the timeline", "/incident postmortem"
    ),
    Subcommand(
        "/incident postmortem owner <@user>",
        "hand the postmortem to someone",
        "/incident postmortem owner @carol",
    ),
    Subcommand(
        "/incident postmortem edit", "write its sections in a form", "/incident postmortem edit"
    ),
    Subcommand(
        "/incident postmortem review", "mark it ready for review", "/incident postmortem review"
    ),
    Subcommand(
        "/incident postmortem publish",
        "publish it and close the incident",
        "/incident postmortem publish",
    ),
    Subcommand(
        "/incident postmortem meeting <date> <time>",
        "schedule the review meeting",
        "/incident postmortem meeting 2025-01-20 15:00",
    ),
    Subcommand(
        "/incident action <text> [@owner] [due <date>] [P1|P2|P3]",
        "add an action item",
        "/incident action Add an alert on p99 latency @bob due friday P1",
    ),
    Subcommand(
        "/incident action <ID> start|done|wontdo <reason>|owner @user|due <date>|priority P1",
        "change an action item",
        "/incident action INC-12 done",
    ),
    Subcommand(
        "/incident actions [mine|overdue|open]",
        "list action items (this incident's, or yours, overdue or open anywhere)",
        "/incident actions mine",
    ),
    Subcommand("/incident services", "the service catalog", "/incident services"),
    Subcommand(
        "/incident service add|remove <service>",
        "mark a service impacted (pages its on-call) or not",
        "/incident service add payments",
    ),
    Subcommand(
        "/incident tag add|remove <tag>[, <tag>…]",
        "tag the incident (shown on the card, searched with tag:)",
        "/incident tag add database, third-party",
    ),
    Subcommand("/incident runbook", "this incident's runbook checklists", "/incident runbook"),
    Subcommand(
        "/incident near-miss [<title>]",
        "record what nearly broke and what stopped it (celebrated, nobody paged)",
        "/incident near-miss disk nearly full on the primary",
    ),
    Subcommand("/incident near-misses", "the latest near-misses", "/incident near-misses"),
    Subcommand(
        "/incident drill [sev1|sev2|sev3] <scenario or title>",
        "run a game day: the real process in a drill- channel, never announced as real or paged",
        "/incident drill sev2 payments database failover",
    ),
    Subcommand("/incident drill list", "the scenarios drills can play", "/incident drill list"),
    Subcommand(
        "/incident search <words> [sev:1] [service:<name>] [tag:<tag>] [since:<date>] "
        "[status:<status>]",
        "search every incident, postmortem and timeline",
        "/incident search database timeout sev:1 since:2025-01-01",
    ),
    Subcommand(
        "/incident patterns [90d|30d|YYYY-MM]",
        "the services, tags and contributing factors that come back, and the recurrences",
        "/incident patterns 90d",
    ),
    Subcommand(
        "/incident stats [7d|30d|90d|quarter|YYYY-MM]",
        "time to detect, mitigate and resolve, frequency, recurrences, action items",
        "/incident stats 90d",
    ),
    Subcommand(
        "/incident recurrence-of <N>",
        "mark this incident a recurrence of an earlier one",
        "/incident recurrence-of 12",
    ),
    Subcommand("/incident help", "show this list", "/incident help"),
)


class UsageError(UserFacingError):
    """The command could not be understood; the message ends with the usage."""

    def __init__(self, problem: str, *, form: str | None = None) -> None:
        shown = [s for s in SUBCOMMANDS if form is None or s.form.startswith(form)]
        super().__init__(f"{problem}\n\n{usage(shown)}")
        self.problem = problem


def usage(subcommands: tuple[Subcommand, ...] | list[Subcommand] = SUBCOMMANDS) -> str:
    """Render subcommands with an example each."""
    lines = [f"• `{s.form}` — {s.meaning}, e.g. `{s.example}`" for s in subcommands]
    return "*Usage*\n" + "\n".join(lines)


def help_text() -> str:
    """The list of every subcommand."""
    return "*Incident bot* — run production incidents from Slack.\n\n" + usage()
