"""Channel names follow Slack's rules whatever the title."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.domain.naming import channel_name, slugify

DAY = date(2025, 1, 15)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Payments down", "payments-down"),
        ("  API -- 5xx!!  spike ", "api-5xx-spike"),
        ("Café crème brûlée", "cafe-creme-brulee"),
        ("Straße Øresund Łódź", "strasse-oresund-lodz"),
        ("🔥🔥", ""),
        ("<!channel> *bold* <@U123>", "channel-bold-u123"),
    ],
)
def test_titles_become_lowercase_ascii_slugs(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_the_name_has_prefix_date_and_slug() -> None:
    assert (
        channel_name(prefix="incident", day=DAY, title="Payments down", number=7)
        == "incident-2025-01-15-payments-down"
    )


def test_a_title_with_nothing_usable_gets_the_incident_number() -> None:
    assert channel_name(prefix="inc", day=DAY, title="🔥", number=42) == "inc-2025-01-15-42"


@pytest.mark.parametrize("attempt", [1, 2, 9, 10, 30])
def test_long_titles_are_trimmed_to_80_characters_never_ending_in_a_hyphen(attempt: int) -> None:
    title = "word " * 40
    name = channel_name(prefix="incident", day=DAY, title=title, number=1, attempt=attempt)
    assert len(name) <= 80
    assert re.fullmatch(r"[a-z0-9_-]+", name)
    assert "--" not in name
    if attempt > 1:
        assert name.endswith(f"-{attempt}")
    else:
        assert not name.endswith("-")
