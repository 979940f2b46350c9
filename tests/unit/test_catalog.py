"""The service catalog: both file forms, the one-line errors, matching titles and typos."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app.policy_file import load_policy
from bot.domain.catalog import Catalog, Service, edit_distance
from bot.settings import SettingsError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KEY = "0123456789abcdef0123456789abc001"
COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  title: Payments
  annotations:
{annotations}
spec:
  owner: {owner}
"""


def policy_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def catalog_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog-info.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def component(annotations: dict[str, str] | None = None, owner: str = "group:default/pay") -> str:
    lines = [f"    {key}: {value}" for key, value in (annotations or {}).items()]
    return COMPONENT.format(annotations="\n".join(lines) or "    {}", owner=owner)


def error_of(policy: Path | None, catalog: Path | None = None) -> str:
    with pytest.raises(SettingsError) as raised:
        load_policy(policy, catalog)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_the_example_policy_and_the_example_backstage_catalog_give_the_same_services(
    tmp_path: Path,
) -> None:
    in_policy = load_policy(EXAMPLES / "policy.toml").catalog
    severities_only = (EXAMPLES / "policy.toml").read_text().split("# --- Services")[0]
    in_backstage = load_policy(
        policy_file(tmp_path, severities_only), EXAMPLES / "catalog-info.yaml"
    ).catalog
    assert in_policy == in_backstage
    assert list(in_policy.services) == ["payments", "search"]
    payments = in_policy.services["payments"]
    assert payments == Service(
        slug="payments",
        name="Payments",
        aliases=("checkout", "billing"),
        owner="payments-team",
        oncall="payments-oncall",
        pagerduty_routing_key=KEY,
        status_component="Payments API",
        runbook_url="https://wiki.example.com/runbooks/payments",
        runbook=(
            "Check the payments dashboard for the failing provider",
            "Fail over to the secondary processor",
            "Confirm checkout succeeds end to end",
        ),
        tier=1,
    )


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('oncal = "x"', "services.payments.oncal is not a known key (expected name, aliases"),
        ('oncall = "Payments On-Call"', "services.payments.oncall has 'Payments On-Call', not a"),
        ('pagerduty_routing_key = "short"', "services.payments.pagerduty_routing_key must be a 32"),
        ('runbook_url = "wiki/payments"', "services.payments.runbook_url must be an http(s) URL"),
        ("runbook = [1, 2]", "services.payments.runbook must be a non-empty string"),
        ('runbook = "one step"', "services.payments.runbook must be a list of steps"),
        ("tier = 9", "services.payments.tier must be a whole number from 1 to 5"),
        ('aliases = "checkout"', "services.payments.aliases must be a list of strings"),
        ('name = ""', "services.payments.name must be a non-empty string"),
    ],
)
def test_a_bad_service_in_the_policy_is_one_line_naming_file_service_and_key(
    tmp_path: Path, table: str, expected: str
) -> None:
    path = policy_file(tmp_path, f"[services.payments]\n{table}\n")
    assert error_of(path).startswith(f"INCIDENT_CONFIG {path}: {expected}")


def test_a_slug_that_is_not_one_and_a_name_claimed_twice_are_refused(tmp_path: Path) -> None:
    path = policy_file(tmp_path, '[services.Pay_Ments]\nname = "Payments"\n')
    assert "services.Pay_Ments is not a service slug" in error_of(path)
    path = policy_file(
        tmp_path,
        '[services.payments]\naliases = ["api"]\n[services.search]\naliases = ["API"]\n',
    )
    assert (
        error_of(path)
        == f"INCIDENT_CONFIG {path}: service search: 'api' already names service payments"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            component({"incident-bot/on-call": "payments-oncall"}),
            "service payments: annotation incident-bot/on-call is not a known annotation",
        ),
        (
            component({"pagerduty.com/integration-key": "nope"}),
            "service payments: pagerduty_routing_key must be a 32-character",
        ),
        (
            component({"incident-bot/oncall": "'Payments On-Call'"}),
            "service payments: oncall has 'Payments On-Call'",
        ),
        ("kind: Component\nmetadata: {}\n", "document 1 has no metadata.name"),
        ("kind: Group\nmetadata:\n  name: team\n", "has no `kind: Component` document"),
        ("kind: Component\nmetadata:\n\tname: x\n", "is not valid YAML at line 3"),
        ("- just\n- a list\n", "document 1 is not a mapping of keys"),
    ],
)
def test_a_bad_backstage_catalog_is_one_line_naming_file_and_service(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = catalog_file(tmp_path, text)
    assert error_of(None, path).startswith(f"SERVICE_CATALOG {path}: {expected}")


def test_a_missing_catalog_file_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert error_of(None, missing).startswith(f"SERVICE_CATALOG {missing}: cannot be read")


def test_backstage_owner_falls_back_to_the_group_of_spec_owner(tmp_path: Path) -> None:
    catalog = load_policy(None, catalog_file(tmp_path, component())).catalog
    assert catalog.services["payments"].owner == "pay"
    catalog = load_policy(None, catalog_file(tmp_path, component(owner="user:default/jo"))).catalog
    assert catalog.services["payments"].owner is None
    named = component({"incident-bot/owner": "payments-team"}, owner="group:default/pay")
    assert load_policy(None, catalog_file(tmp_path, named)).catalog.services["payments"].owner == (
        "payments-team"
    )


def test_a_service_in_both_the_policy_and_the_catalog_is_refused(tmp_path: Path) -> None:
    policy = policy_file(tmp_path, '[services.payments]\nname = "Payments"\n')
    catalog = catalog_file(tmp_path, component())
    assert "service payments is defined twice (in INCIDENT_CONFIG too)" in error_of(policy, catalog)


CATALOG = load_policy(EXAMPLES / "policy.toml").catalog


@pytest.mark.parametrize(
    ("title", "slugs"),
    [
        ("payments down", ("payments",)),
        ("Checkout returns 502", ("payments",)),
        ("billing and search are slow", ("payments", "search")),
        ("Elasticsearch cluster red", ("search",)),
        ("paymentsdown", ()),
        ("the research team's laptop", ()),
        ("", ()),
    ],
)
def test_the_words_of_a_title_mark_the_services_they_name(
    title: str, slugs: tuple[str, ...]
) -> None:
    assert CATALOG.named_in(title) == slugs


def test_names_with_several_words_match_as_a_phrase() -> None:
    catalog = Catalog({"api": Service(slug="api", name="Payments API")})
    assert catalog.named_in("the payments api is down") == ("api",)
    assert catalog.named_in("payments are down") == ()


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("paymnts", ["payments"]),
        ("serch", ["search"]),
        ("chekout", ["checkout"]),
        ("pay", ["payments"]),
        ("database", []),
    ],
)
def test_a_typo_is_answered_with_names_within_a_small_edit_distance(
    typed: str, matches: list[str]
) -> None:
    assert CATALOG.close_matches(typed) == matches


def test_find_takes_slug_name_or_alias_in_any_case() -> None:
    assert CATALOG.find("Payments") == CATALOG.find("BILLING") == CATALOG.services["payments"]
    assert CATALOG.find("billingx") is None


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("search", "serach") == 1
    assert edit_distance("payments", "paymnts") == 1
    assert edit_distance("", "abc") == 3
