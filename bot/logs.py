"""Log lines that say what they belong to: the Slack request, the event, the incident, the job.

Where work starts (an HTTP request, an event taken from the inbox, a job run) its edge puts what
it knows in a context variable, and every line logged under it carries that, so no function
passes it on. `LOG_FORMAT=json` writes one JSON object a line: time, level, logger, message,
that context, what the line itself adds (`outcome`, `status`…) and a traceback as `error`.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_FIELDS: ContextVar[dict[str, Any] | None] = ContextVar("log_fields", default=None)
# A record's own attributes; any other attribute came from a call's `extra=`.
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


def fields() -> dict[str, Any]:
    """What the current context knows of the work in hand."""
    return dict(_FIELDS.get() or {})


@contextlib.contextmanager
def context(**known: Any) -> Iterator[None]:
    """Add fields (those not None) to every line logged inside the block, in this task and in
    the tasks it starts."""
    token = _FIELDS.set({**(_FIELDS.get() or {}), **_present(known)})
    try:
        yield
    finally:
        _FIELDS.reset(token)


def bind(**known: Any) -> None:
    """Add fields (those not None) to every line logged from here to the end of the enclosing
    `context` block (the request, event or job being handled)."""
    _FIELDS.set({**(_FIELDS.get() or {}), **_present(known)})


def _present(known: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in known.items() if value is not None}


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """Draw the record, its context and its extras as JSON."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(fields())
        line.update(
            (key, value)
            for key, value in record.__dict__.items()
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_")
        )
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["error"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def write_json_lines(logger: logging.Logger | None = None) -> None:
    """Make the handlers of a logger (the root one by default) write JSON lines."""
    for handler in (logger or logging.getLogger()).handlers:
        handler.setFormatter(JsonLines())
