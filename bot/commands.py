"""Parse what people type after `/incident` into a typed request."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserFacingError
from bot.escape import escape_mrkdwn
from bot.severity import Severity, looks_like_severity, parse_severity

MAX_TITLE = 150

# Every subcommand, for `/incident help` and the README (a test keeps them in step).
SUBCOMMANDS: tuple[tuple[str, str], ...] = (
    ("/incident sev1|sev2|sev3 <title>", "declare an incident: opens its channel"),
    ("/incident <title>", "open the declare form with the title filled in"),
    ("/incident", "open the declare form (title, severity, description, private)"),
    ("/incident help", "show this list"),
)


@dataclass(frozen=True)
class Declare:
    """Declare straight away."""

    severity: Severity
    title: str


@dataclass(frozen=True)
class OpenDeclareForm:
    """Open the declare modal, prefilled with what was typed."""

    title: str
    severity: Severity | None = None


@dataclass(frozen=True)
class ShowHelp:
    """List the subcommands."""


Command = Declare | OpenDeclareForm | ShowHelp


class UsageError(UserFacingError):
    """The command could not be understood; the message ends with the usage."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"{problem}\n\n{usage()}")


def usage() -> str:
    """Render the subcommand list."""
    lines = [f"• `{form}` — {meaning}" for form, meaning in SUBCOMMANDS]
    return "*Usage*\n" + "\n".join(lines)


def parse_incident_command(text: str) -> Command:
    """Turn the slash command's text into a request, or raise UsageError saying what's wrong."""
    words = text.split()
    if not words:
        return OpenDeclareForm(title="")
    if len(words) == 1 and words[0].lower() in ("help", "-h", "--help", "?"):
        return ShowHelp()
    severity, rest = _take_severity(words)
    title = validate_title(" ".join(rest), required=severity is not None)
    if severity is None:
        return OpenDeclareForm(title=title)
    return Declare(severity=severity, title=title)


def _take_severity(words: list[str]) -> tuple[Severity | None, list[str]]:
    for index in (0, len(words) - 1):
        severity = parse_severity(words[index])
        if severity is not None:
            return severity, words[:index] + words[index + 1 :]
    if looks_like_severity(words[0]):
        raise UsageError(
            f"`{escape_mrkdwn(words[0])}` is not a severity. "
            "Use sev1 (critical), sev2 (major) or sev3 (minor)."
        )
    return None, words


def validate_title(title: str, *, required: bool = True) -> str:
    """Collapse whitespace and check the title is present and short enough."""
    title = " ".join(title.split())
    if required and not title:
        raise UsageError("The incident needs a title, e.g. `/incident sev1 payments down`.")
    if len(title) > MAX_TITLE:
        raise UsageError(
            f"That title is {len(title)} characters; keep it to {MAX_TITLE} or fewer and put "
            "the details in the description (`/incident` with no text opens a form for both)."
        )
    return title
