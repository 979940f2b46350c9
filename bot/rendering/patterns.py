"""The patterns as people read them: what came back, and the incidents behind each (private
ones counted, never numbered)."""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.catalog import Catalog
from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.patterns import Pattern, Patterns, Seen

MAX_NUMBERS = 8


def behind(incidents: tuple[Seen, ...] | list[Seen]) -> str:
    """`#3, #7, #12 and 1 private`."""
    numbers = [f"#{s.number}" for s in incidents if not s.is_private]
    shown = ", ".join(numbers[:MAX_NUMBERS]) + (" …" if len(numbers) > MAX_NUMBERS else "")
    private = sum(1 for s in incidents if s.is_private)
    if private:
        shown += f"{' and ' if shown else ''}{private} private"
    return shown


def _lines(title: str, patterns: list[Pattern], name: Callable[[str], str] = str) -> list[str]:
    if not patterns:
        return [f"*{title}:* nothing came back twice."]
    lines = [f"*{title}*"]
    for pattern in patterns:
        count = len(pattern.incidents)
        lines.append(
            f"• {escape_mrkdwn(name(pattern.what))} — {count} incidents "
            f"({behind(pattern.incidents)})"
        )
    return lines


def patterns_text(patterns: Patterns, label: str, catalog: Catalog) -> str:
    """The answer to `/incident patterns`."""
    if not patterns.incidents:
        return f"No incidents in the {label}: no patterns to show."

    def service_name(slug: str) -> str:
        service = catalog.get(slug)
        return service.name if service else slug

    lines = [f"*Patterns over the {label}* ({patterns.incidents} incidents)"]
    lines += _lines("Services impacted most", patterns.services, service_name)
    lines += _lines("Tags most used", patterns.tags)
    lines += _lines("Words of contributing factors and root causes", patterns.words)
    if patterns.recurrences:
        pairs = ", ".join(
            f"#{s.number} recurs #{s.recurrence_of}" if not s.is_private else "a private one"
            for s in patterns.recurrences[:MAX_NUMBERS]
        )
        lines.append(f"*Recurring ({len(patterns.recurrences)}):* {pairs}")
    else:
        lines.append("*Recurring:* none linked.")
    return "\n".join(lines)
