"""Game days: the line in the announcement channel, the injects, the scenario library."""

from __future__ import annotations

from bot.domain.drills import BANNER, DrillPolicy, Inject, since_start
from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.severity import Severity
from models import Incident


def drill_line(incident: Incident) -> str:
    """What the announcement channel is told of a drill: one line, never an alarm."""
    severity = Severity(incident.severity)
    return (
        f"{BANNER} — a {severity.label} game day, *#{incident.id}* "
        f"{escape_mrkdwn(incident.title)}, is running in <#{incident.channel_id}>. "
        "Practice only: nothing is broken and nobody needs to act."
    )


def inject_message(inject: Inject, number: int, total: int) -> str:
    """A scripted event of the scenario, as it lands in the drill channel."""
    return (
        f"🎬 *Inject {number} of {total}* ({since_start(inject.at)}): {escape_mrkdwn(inject.text)}"
    )


def drill_library(drills: DrillPolicy) -> str:
    """`/incident drill list`: each scenario with its severity, injects and what it practises."""
    if not drills.scenarios:
        return (
            "No drill scenarios yet. Add `[[drills.scenarios]]` tables (name, description, "
            "severity, injects) to the policy file, or run one ad hoc: "
            "`/incident drill sev3 <title>`."
        )
    lines = [f"*Drill scenarios* ({len(drills.scenarios)}): `/incident drill <name>` runs one."]
    for scenario in drills.scenarios:
        count = len(scenario.injects)
        injects = f"{count} inject{'' if count == 1 else 's'}"
        if scenario.injects:
            injects += f" over {since_start(scenario.injects[-1].at).removeprefix('+')}"
        lines.append(
            f"• *{escape_mrkdwn(scenario.name)}* — {scenario.severity.label}, {injects}: "
            f"{escape_mrkdwn(scenario.description)}"
        )
    return "\n".join(lines)
