"""Block Kit limit checks (the ones Slack enforces) and the ids Slack assigns to blocks."""

from __future__ import annotations

import copy
import secrets
import string
from typing import Any

MESSAGE_BLOCK_LIMIT = 50
SURFACE_BLOCK_LIMIT = 100
MESSAGE_TEXT_LIMIT = 40_000

BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "video",
        "call",
        "table",
        "context_actions",
    }
)


def _err(problems: list[str], message: str, pointer: str) -> None:
    problems.append(f"[ERROR] {message} [json-pointer:{pointer}]")


def _text(problems: list[str], obj: Any, pointer: str, limit: int, plain: bool = False) -> None:
    """Check a text composition object."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        _err(problems, "must provide an object with a string text", pointer)
        return
    kind = obj.get("type")
    if kind not in ("plain_text", "mrkdwn") or (plain and kind != "plain_text"):
        _err(problems, "must be a valid enum value", f"{pointer}/type")
    text = obj["text"]
    if not text:
        _err(problems, "must be more than 0 characters", f"{pointer}/text")
    elif len(text) > limit:
        _err(problems, f"must be less than {limit + 1} characters", f"{pointer}/text")


def _element(problems: list[str], el: Any, pointer: str, seen: set[str]) -> None:
    """Check an interactive element or image element."""
    if not isinstance(el, dict) or not isinstance(el.get("type"), str):
        _err(problems, "must provide an object with a type", pointer)
        return
    action_id = el.get("action_id")
    if action_id is not None:
        if len(str(action_id)) > 255:
            _err(problems, "must be less than 256 characters", f"{pointer}/action_id")
        if action_id in seen:
            _err(problems, "action_id must be unique within a block", f"{pointer}/action_id")
        seen.add(str(action_id))
    if el["type"] == "button":
        _text(problems, el.get("text"), f"{pointer}/text", 75, plain=True)
        if len(str(el.get("value", ""))) > 2000:
            _err(problems, "must be less than 2001 characters", f"{pointer}/value")
        if len(str(el.get("url", ""))) > 3000:
            _err(problems, "must be less than 3001 characters", f"{pointer}/url")
    if "placeholder" in el:
        _text(problems, el["placeholder"], f"{pointer}/placeholder", 150, plain=True)
    options = el.get("options")
    if isinstance(options, list):
        if len(options) > 100:
            _err(problems, "must be less than 101 items", f"{pointer}/options")
        for i, opt in enumerate(options):
            _text(problems, (opt or {}).get("text"), f"{pointer}/options/{i}/text", 75)
            if len(str((opt or {}).get("value", ""))) > 150:
                _err(problems, "must be less than 151 characters", f"{pointer}/options/{i}/value")


def _block(problems: list[str], block: Any, pointer: str) -> None:
    """Check one layout block."""
    if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
        _err(problems, "must be a known block type", f"{pointer}/type")
        return
    kind = block["type"]
    if len(str(block.get("block_id", ""))) > 255:
        _err(problems, "must be less than 256 characters", f"{pointer}/block_id")
    seen: set[str] = set()
    if kind == "section":
        if "text" not in block and "fields" not in block:
            _err(problems, "must provide text or fields", pointer)
        if "text" in block:
            _text(problems, block["text"], f"{pointer}/text", 3000)
        fields = block.get("fields") or []
        if len(fields) > 10:
            _err(problems, "must be less than 11 items", f"{pointer}/fields")
        for i, fld in enumerate(fields):
            _text(problems, fld, f"{pointer}/fields/{i}", 2000)
        if "accessory" in block:
            _element(problems, block["accessory"], f"{pointer}/accessory", seen)
    elif kind == "header":
        _text(problems, block.get("text"), f"{pointer}/text", 150, plain=True)
    elif kind in ("actions", "context"):
        elements = block.get("elements")
        limit = 25 if kind == "actions" else 10
        if not isinstance(elements, list) or not elements:
            _err(problems, "must provide at least 1 element", f"{pointer}/elements")
            return
        if len(elements) > limit:
            _err(problems, f"must be less than {limit + 1} items", f"{pointer}/elements")
        for i, el in enumerate(elements):
            if kind == "context" and isinstance(el, dict) and el.get("type") != "image":
                _text(problems, el, f"{pointer}/elements/{i}", 3000)
            else:
                _element(problems, el, f"{pointer}/elements/{i}", seen)
    elif kind == "input":
        _text(problems, block.get("label"), f"{pointer}/label", 2000, plain=True)
        _element(problems, block.get("element"), f"{pointer}/element", seen)
    elif kind == "markdown" and len(str(block.get("text", ""))) > 12000:
        _err(problems, "must be less than 12001 characters", f"{pointer}/text")


def check_blocks(
    blocks: Any, limit: int = MESSAGE_BLOCK_LIMIT, pointer: str = "/blocks"
) -> list[str]:
    """Return Slack-style problem messages for a list of blocks (empty when valid)."""
    problems: list[str] = []
    if not isinstance(blocks, list):
        _err(problems, "must be an array", pointer)
        return problems
    if len(blocks) > limit:
        _err(problems, f"must be less than {limit + 1} items", pointer)
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        _block(problems, block, f"{pointer}/{i}")
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if block_id is not None:
            if block_id in block_ids:
                _err(problems, "duplicate block_id", f"{pointer}/{i}/block_id")
            block_ids.add(block_id)
    return problems


def check_view(view: Any) -> list[str]:
    """Return Slack-style problem messages for a modal or Home tab view."""
    problems: list[str] = []
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        _err(problems, "must be a valid enum value", "/view/type")
        return problems
    if view["type"] == "modal":
        _text(problems, view.get("title"), "/view/title", 24, plain=True)
        for key in ("submit", "close"):
            if key in view:
                _text(problems, view[key], f"/view/{key}", 24, plain=True)
        has_input = any(
            isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or []
        )
        if has_input and "submit" not in view:
            _err(problems, "submit is required when an input block is present", "/view/submit")
    if len(str(view.get("private_metadata", ""))) > 3000:
        _err(problems, "must be less than 3001 characters", "/view/private_metadata")
    if len(str(view.get("callback_id", ""))) > 255:
        _err(problems, "must be less than 256 characters", "/view/callback_id")
    problems += check_blocks(view.get("blocks"), SURFACE_BLOCK_LIMIT, "/view/blocks")
    return problems


_ID_ALPHABET = string.ascii_letters + string.digits


def random_id() -> str:
    """Return a short random id like the ones Slack generates for blocks."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(4))


def with_ids(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Return a copy of blocks where, as Slack does, missing block_id/action_id get random ids."""
    if blocks is None:
        return None
    out = copy.deepcopy(blocks)
    for block in out:
        if not isinstance(block, dict):
            continue
        block.setdefault("block_id", random_id())
        elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
        elements += [block[k] for k in ("accessory", "element") if isinstance(block.get(k), dict)]
        for el in elements:
            if isinstance(el, dict) and el.get("type") not in ("image", None):
                el.setdefault("action_id", random_id())
    return out
