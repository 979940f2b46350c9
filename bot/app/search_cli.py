"""`python -m bot search <words> [filters] [--as <user ID>] [--format json|text]`: search the
archive from the command line. Without `--as`, private incidents are left out; with it, those
whose channel that person is in are searched too (Slack is asked, so a bot token is needed)."""

from __future__ import annotations

import json
import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.app.factory import build_runtime
from bot.clock import Clock
from bot.errors import SlackRefusal, UserFacingError
from bot.rendering.search import search_json
from bot.services.search import search
from bot.settings import Settings

TOKEN_NEEDED = "--as asks Slack who is in each private channel: set SLACK_BOT_TOKEN."


async def run_search(
    settings: Settings,
    words: list[str],
    *,
    as_user: str | None,
    output_format: str,
    clock: Clock | None = None,
) -> int:
    """Print what the search found; 2 with one line on a query that cannot be read."""
    if as_user is not None and not settings.slack_bot_token:
        print(TOKEN_NEEDED, file=sys.stderr)
        return 2
    runtime = build_runtime(settings, clock=clock)
    try:
        found = await search(runtime.deps, " ".join(words), user=as_user)
    except UserFacingError as error:
        print(error.message.replace("`", ""), file=sys.stderr)
        return 2
    except SlackRefusal as refusal:
        print(f"Slack refused to say who is in a private channel: {refusal.error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        problem = str(getattr(error, "orig", None) or type(error).__name__)
        print(f"Cannot read incidents from DATABASE_URL: {problem}", file=sys.stderr)
        return 1
    finally:
        await runtime.close()
    result = search_json(found.query.text, found.total, found.hits, settings.zone)
    if output_format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(f"{found.total} incidents match {found.query.text!r} (page {found.query.page})")
    for hit in result["hits"]:
        print(
            f"#{hit['incident']} {hit['title']} · {hit['severity'].upper()} · {hit['status']} · "
            f"{hit['declared_at'][:10]}{' · drill' if hit['is_drill'] else ''}\n  {hit['snippet']}"
        )
    return 0
