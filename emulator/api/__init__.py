"""Web API method implementations, registered by name in METHODS."""

from emulator.api import (
    bookmarks,
    chat,
    conversations,
    files,
    history,
    items,
    users,
    views,
    workspace,
)
from emulator.api.registry import METHODS, ApiError, Call, method

__all__ = [
    "METHODS",
    "ApiError",
    "Call",
    "bookmarks",
    "chat",
    "conversations",
    "files",
    "history",
    "items",
    "method",
    "users",
    "views",
    "workspace",
]
