"""`python -m bot export <incident>`: print an incident's timeline as Markdown or JSON.

It only reads: no migrations, no Slack settings needed. With SLACK_BOT_TOKEN set, people are
named by users.info; without it (or when Slack refuses) they appear as their user IDs.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable

from sqlalchemy.exc import SQLAlchemyError

from bot.errors import SlackRefusal
from bot.rendering.markdown import incident_json, timeline_markdown, user_ids
from bot.settings import Settings
from bot.slack.gateway import SlackGateway, make_client
from models import incidents, timeline
from models.database import make_engine, make_sessions

FORMATS = ("markdown", "json")
_NUMBER = re.compile(r"^#?(\d+)$")


async def run_export(settings: Settings, reference: str, output_format: str) -> int:
    """Print the incident `reference` names on stdout; 1 with one line on stderr if none."""
    engine = make_engine(settings.database_url)
    try:
        async with make_sessions(engine)() as session:
            incident = await incidents.by_reference(session=session, reference=reference)
            if incident is None:
                print(_not_found(reference), file=sys.stderr)
                return 1
            entries = await timeline.for_incident(session=session, incident_id=incident.id)
    except SQLAlchemyError as error:
        problem = str(getattr(error, "orig", None) or type(error).__name__)
        print(f"Cannot read incidents from DATABASE_URL: {problem}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    if output_format == "json":
        print(json.dumps(incident_json(incident, entries), indent=2, ensure_ascii=False))
        return 0
    names = await display_names(settings, user_ids(incident, entries))
    print(timeline_markdown(incident, entries, settings.zone, names), end="")
    return 0


async def display_names(settings: Settings, users: Iterable[str]) -> dict[str, str]:
    """Ask Slack for each person's name once; whoever Slack won't name stays an ID."""
    if not settings.slack_bot_token:
        return {}
    gateway = SlackGateway(
        make_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    )
    names: dict[str, str] = {}
    for user in sorted(set(users)):
        try:
            profile = await gateway.user(user)
        except SlackRefusal as refusal:
            print(f"Slack did not name {user} ({refusal.error}); showing its ID.", file=sys.stderr)
            if refusal.error in ("user_not_found", "ratelimited"):
                continue
            break  # a bad token or no connection: every other call would fail the same way
        name = profile.get("real_name") or profile.get("profile", {}).get("real_name")
        name = name or profile.get("name")
        if isinstance(name, str) and name:
            names[user] = name
    return names


def _not_found(reference: str) -> str:
    number = _NUMBER.match(reference.strip())
    what = f"#{number.group(1)}" if number else f"with channel {reference.strip()}"
    return f"No incident {what}. Try `python -m bot export 12` or a channel name."
