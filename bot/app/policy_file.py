"""Read the severity policy file that INCIDENT_CONFIG names (the rules are in bot.domain.policy)."""

from __future__ import annotations

from pathlib import Path

from bot.domain.policy import Policy, default_policy, policy_error, read_policy


def load_policy(path: str | Path | None) -> Policy:
    """Read a TOML policy file over the defaults; None (or "") gives the defaults."""
    if path is None or str(path) == "":
        return default_policy()
    source = Path(path)
    try:
        content = source.read_bytes()
    except OSError as error:
        raise policy_error(source, f"cannot be read ({error.strerror or error})") from None
    return read_policy(source, content)
