"""Parse what people type after `/incident` into a typed request."""

from __future__ import annotations

import re

from bot.commands.action_items import parse_item_command, parse_item_list
from bot.commands.help import UsageError
from bot.domain.limits import MAX_INCIDENT_TITLE, MAX_UPDATE
from bot.domain.mrkdwn import escape_mrkdwn, typed_text, user_id
from bot.domain.requests import (
    AddNote,
    AssignRole,
    ChangeService,
    ChangeSeverity,
    ChangeStatus,
    ChangeTags,
    Command,
    Declare,
    DeclareDrill,
    LinkRecurrence,
    ListDrills,
    ListIncidents,
    ListNearMisses,
    OpenDeclareForm,
    OpenNearMissForm,
    PostmortemRequest,
    PostUpdate,
    Reopen,
    SearchArchive,
    SetTime,
    ShowHelp,
    ShowPatterns,
    ShowRoles,
    ShowRunbooks,
    ShowServices,
    ShowStats,
    ShowTimeline,
)
from bot.domain.roles import parse_role
from bot.domain.severity import Severity, looks_like_severity, parse_severity
from bot.domain.status import Status
from bot.errors import UserFacingError

NO_ARGUMENTS = ("list", "roles", "reopen", "services", "runbook", "runbooks", "near-misses")


def parse_incident_command(text: str, *, item_prefix: str = "INC") -> Command:
    """Turn the slash command's text into a request, or raise UsageError saying what's wrong."""
    words = text.split()
    if not words:
        return OpenDeclareForm(title="")
    verb, args = words[0].lower(), words[1:]
    # Free text keeps its line breaks: everything after the verb, as typed.
    rest = typed_text(re.split(r"\s+", text.strip(), maxsplit=1)[1] if args else "").strip()
    if verb in NO_ARGUMENTS and args:
        raise UsageError(f"`/incident {verb}` takes nothing after it.", form=f"/incident {verb}")
    match verb:
        case "help" | "-h" | "--help" | "?":
            return ShowHelp()
        case "list":
            return ListIncidents()
        case "roles":
            return ShowRoles()
        case "role":
            return _parse_role(args)
        case "sev" | "severity":
            return _parse_severity_change(args)
        case "status":
            return _parse_status(args, _after_first_word(rest))
        case "mitigated" | "mitigate":
            return ChangeStatus(Status.MITIGATED, _note(rest))
        case "resolve" | "resolved":
            return ChangeStatus(Status.RESOLVED, _note(rest))
        case "reopen":
            return Reopen()
        case "services":
            return ShowServices()
        case "service":
            return _parse_service(args, _after_first_word(rest))
        case "tag" | "tags":
            return _parse_tags(args, _after_first_word(rest))
        case "runbook" | "runbooks":
            return ShowRunbooks()
        case "stats" | "metrics" if len(args) <= 1:
            return ShowStats(args[0] if args else "")
        case "stats" | "metrics":
            raise UsageError("Give one window, e.g. `/incident stats 90d`.", form="/incident stats")
        case "near-miss" | "nearmiss":
            return OpenNearMissForm(validate_title(rest, required=False))
        case "near-misses":
            return ListNearMisses()
        case "patterns" if len(args) <= 1:
            return ShowPatterns(args[0] if args else "")
        case "patterns":
            raise UsageError(
                "Give one window, e.g. `/incident patterns 90d`.", form="/incident patterns"
            )
        case "search" | "find" if rest:
            return SearchArchive(rest)
        case "search" | "find":
            raise UsageError(
                "What should I look for? e.g. `/incident search database timeout sev:1`.",
                form="/incident search",
            )
        case "drill" | "drills" | "gameday" | "game-day":
            return _parse_drill(args)
        case "recurrence-of" | "recurrence" if len(args) == 1:
            return LinkRecurrence(args[0])
        case "recurrence-of" | "recurrence":
            raise UsageError(
                "Name the earlier incident, e.g. `/incident recurrence-of 12`.",
                form="/incident recurrence-of",
            )
        case "started" | "detected":
            if not rest:
                raise UsageError(
                    f"When? Give a time, e.g. `/incident {verb} 13:52`.", form=f"/incident {verb}"
                )
            return SetTime(field=verb, when=rest)
        case "update":
            return PostUpdate(_update_text(rest))
        case "note":
            return _parse_note(rest)
        case "action":
            raw = re.split(r"\s+", text.strip(), maxsplit=1)[1] if args else ""
            return parse_item_command(raw, item_prefix)
        case "actions":
            return parse_item_list(args)
        case "postmortem" | "pm":
            return _parse_postmortem(args, _after_first_word(rest))
        case "timeline" if not args:
            return ShowTimeline()
        case "timeline" if [a.lower() for a in args] == ["export"]:
            return ShowTimeline(export=True)
        case "timeline":
            raise UsageError(
                f"{_quoted(rest)} is not a timeline option.", form="/incident timeline"
            )
    return _parse_declare(words)


def _parse_drill(words: list[str]) -> DeclareDrill | ListDrills:
    if [w.lower() for w in words] == ["list"]:
        return ListDrills()
    if not words:
        raise UsageError(
            "Name the drill: a scenario of the library (`/incident drill list`) or a title, "
            "e.g. `/incident drill sev2 payments database failover`.",
            form="/incident drill",
        )
    severity, rest = _take_severity(words)
    name = validate_title(typed_text(" ".join(rest)), required=True)
    return DeclareDrill(severity=severity, name=name)


def _parse_declare(words: list[str]) -> Declare | OpenDeclareForm:
    severity, rest = _take_severity(words)
    title = validate_title(typed_text(" ".join(rest)), required=severity is not None)
    if severity is None:
        return OpenDeclareForm(title=title)
    return Declare(severity=severity, title=title)


def _take_severity(words: list[str]) -> tuple[Severity | None, list[str]]:
    for index in (0, len(words) - 1):
        severity = parse_severity(words[index])
        if severity is not None:
            return severity, words[:index] + words[index + 1 :]
    if looks_like_severity(words[0]):
        raise UsageError(f"{_quoted(words[0])} is not a severity. {SEVERITY_CHOICES}")
    return None, words


SEVERITY_CHOICES = "Use sev1 (critical), sev2 (major) or sev3 (minor)."


def _parse_role(args: list[str]) -> AssignRole:
    form = "/incident role"
    if len(args) != 2:
        raise UsageError("Name a role and a person, e.g. `/incident role tech @bob`.", form=form)
    role = parse_role(args[0])
    if role is None:
        raise UsageError(
            f"{_quoted(args[0])} is not a role. Roles: ic, tech, comms, scribe.", form=form
        )
    user = user_id(args[1])
    if user is None:
        raise UsageError(
            f"{_quoted(args[1])} is not a person. Mention them, e.g. `@bob`.", form=form
        )
    return AssignRole(role=role, user=user)


def _parse_severity_change(args: list[str]) -> ChangeSeverity:
    severity = (
        parse_severity("sev" + args[0]) or parse_severity(args[0]) if len(args) == 1 else None
    )
    if severity is None:
        shown = _quoted(" ".join(args)) if args else "Nothing"
        raise UsageError(f"{shown} is not a severity. {SEVERITY_CHOICES}", form="/incident sev")
    return ChangeSeverity(severity)


SETTABLE_STATUSES = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MITIGATED, Status.RESOLVED)


def _parse_status(args: list[str], note: str) -> ChangeStatus:
    names = ", ".join(s.value for s in SETTABLE_STATUSES)
    if not args:
        raise UsageError(f"Which status? One of: {names}.", form="/incident status")
    word = args[0].lower()
    if word in (Status.POSTMORTEM, Status.CLOSED):
        raise UserFacingError(
            f"`{word}` follows the postmortem; it is not set by hand. "
            f"Statuses you can set: {names}."
        )
    if word not in SETTABLE_STATUSES:
        raise UsageError(
            f"{_quoted(word)} is not a status. Use one of: {names}.", form="/incident status"
        )
    return ChangeStatus(Status(word), _note(note))


def _parse_service(args: list[str], name: str) -> ChangeService:
    verb = args[0].lower() if args else ""
    if verb not in ("add", "remove") or not name.strip():
        raise UsageError(
            "Say `add` or `remove` and name the service, e.g. `/incident service add payments`.",
            form="/incident service",
        )
    return ChangeService(verb=verb, name=name.strip())


def _parse_tags(args: list[str], rest: str) -> ChangeTags:
    verb = args[0].lower() if args else ""
    tags = tuple(t for t in re.split(r"[,\s]+", rest.strip()) if t)
    if verb not in ("add", "remove") or not tags:
        raise UsageError(
            "Say `add` or `remove` and the tags, e.g. `/incident tag add database, third-party`.",
            form="/incident tag",
        )
    return ChangeTags(verb=verb, tags=tags)


def _parse_postmortem(args: list[str], rest: str) -> PostmortemRequest:
    form = "/incident postmortem"
    subcommand = args[0].lower() if args else "show"
    if subcommand in ("edit", "review", "publish") and len(args) == 1:
        return PostmortemRequest(subcommand)
    if subcommand == "show" and not args:
        return PostmortemRequest(subcommand)
    if subcommand == "owner":
        user = user_id(args[1]) if len(args) == 2 else None
        if user is None:
            raise UsageError(
                "Name the new owner, e.g. `/incident postmortem owner @carol`.", form=form
            )
        return PostmortemRequest(subcommand, user=user)
    if subcommand == "meeting" and rest.strip():
        return PostmortemRequest(subcommand, when=rest.strip())
    if subcommand == "meeting":
        raise UsageError(
            "When is it? e.g. `/incident postmortem meeting 2025-01-20 15:00`.", form=form
        )
    raise UsageError(f"{_quoted(' '.join(args))} is not a postmortem subcommand.", form=form)


def _parse_note(text: str) -> AddNote:
    first, _, rest = text.partition(" ")
    if re.fullmatch(r"\d{1,2}:\d{2}", first):
        at, text = first, rest.strip()
    else:
        at = None
    return AddNote(text=_free_text(text, "note", "restarted the primary"), at=at)


def _after_first_word(text: str) -> str:
    parts = re.split(r"\s+", text, maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def _note(text: str) -> str:
    return _update_text(text) if text else ""


def _update_text(text: str) -> str:
    return _free_text(text, "update", "failover done, watching")


def _free_text(text: str, kind: str, example: str) -> str:
    """An update's or a note's text: present, and short enough to show whole."""
    text = text.strip()
    if not text:
        raise UsageError(
            f"The {kind} needs some text, e.g. `/incident {kind} {example}`.",
            form=f"/incident {kind}",
        )
    if len(text) > MAX_UPDATE:
        raise UsageError(f"That is {len(text)} characters; keep {kind}s to {MAX_UPDATE}.")
    return text


def validate_title(title: str, *, required: bool = True) -> str:
    """Collapse whitespace and check the title is present and short enough."""
    title = " ".join(title.split())
    if required and not title:
        raise UsageError("The incident needs a title, e.g. `/incident sev1 payments down`.")
    if len(title) > MAX_INCIDENT_TITLE:
        raise UsageError(
            f"That title is {len(title)} characters; keep it to {MAX_INCIDENT_TITLE} or fewer "
            "and put the details in the description (`/incident` with no text opens a form for "
            "both)."
        )
    return title


def _quoted(word: str) -> str:
    return f"`{escape_mrkdwn(typed_text(word))}`"
