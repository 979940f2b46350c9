"""JSON log lines: the context of the work in hand, a line's own extras, and tracebacks."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

from bot import logs


def logged(emit: Any) -> list[dict[str, Any]]:
    """Lines a logger writes as JSON while `emit(logger)` runs."""
    out = io.StringIO()
    logger = logging.getLogger("tests.json-lines")
    handler = logging.StreamHandler(out)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logs.write_json_lines(logger)
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_line_carries_the_context_it_was_logged_in_and_its_own_extras() -> None:
    def emit(logger: logging.Logger) -> None:
        with logs.context(request="command", command="/incident", trigger_id=None):
            logs.bind(incident=12)
            logger.info("answered %d", 200, extra={"outcome": "ok"})
        logger.info("after")

    inside, after = logged(emit)

    assert inside["message"] == "answered 200"
    assert (inside["level"], inside["logger"]) == ("INFO", "tests.json-lines")
    assert inside["request"] == "command"
    assert inside["command"] == "/incident"
    assert (inside["incident"], inside["outcome"]) == (12, "ok")
    assert "trigger_id" not in inside  # what is not known is left out
    assert set(after) == {"time", "level", "logger", "message"}  # the context ended with it


def test_a_traceback_is_one_field_of_one_line() -> None:
    def emit(logger: logging.Logger) -> None:
        try:
            raise RuntimeError("the pool is exhausted")
        except RuntimeError:
            logger.exception("event failed")

    [line] = logged(emit)

    assert line["level"] == "ERROR"
    assert line["error"].startswith("Traceback")
    assert "RuntimeError: the pool is exhausted" in line["error"]
