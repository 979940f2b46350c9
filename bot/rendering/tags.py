"""Tags as people read them: on the card, and when they change."""

from __future__ import annotations


def tag_list(tags: tuple[str, ...] | list[str]) -> str:
    """`database` · `third-party`, or _none_."""
    return " · ".join(f"`{t}`" for t in tags) or "_none_"


def tags_changed(tags: list[str], by: str, *, added: bool) -> str:
    """Told in the channel when tags are added or removed."""
    what = "Tagged" if added else "Untagged"
    return f"🏷️ {what} {tag_list(tags)} (by <@{by}>)."
