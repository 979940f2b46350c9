"""`/incident help`."""

from __future__ import annotations

from bot.commands import usage


def help_text() -> str:
    """The list of every subcommand."""
    return "*Incident bot* — run production incidents from Slack.\n\n" + usage()
