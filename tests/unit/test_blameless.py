"""The blameless check flags people blamed for failures; systems and neutral acts pass clean."""

from __future__ import annotations

import pytest

from bot.domain.blameless import Finding, check, check_sections

# The issue's pairs: a blameful sentence, the word its reason must contain, and the blameless
# rewrite that must pass clean.
PAIRS = [
    ("<@U1> pushed bad code", "person", "The deployment pipeline didn't catch the bug"),
    ("Sarah didn't notice the alert", "person", "The alert wasn't configured to page"),
    ("the team was careless", "team", "The runbook didn't cover this case"),
    ("human error", "human error", "The review process allowed the change through"),
    ("should have known", "hindsight", "The dashboard didn't surface the signal"),
]

# (sentence, a word the reason must contain)
BLAMEFUL = [
    *[(blameful, why) for blameful, why, _ in PAIRS],
    ("<@U024BE7LH|sarah> forgot to renew the certificate.", "person"),
    ("@bob ignored the paging alert.", "person"),
    ("He didn't check the dashboard before deploying.", "person"),
    ("She forgot to update the runbook.", "person"),
    ("They neglected to run the migration in staging.", "person"),
    ("Mike messed up the config file.", "person"),
    ("Priya made a mistake in the rollout plan.", "person"),
    ("Dana failed to follow the runbook.", "person"),
    ("Tom screwed up the DNS change.", "person"),
    ("<@U2> broke the build on Friday.", "person"),
    ("<@U3> caused the outage by restarting the wrong node.", "person"),
    ("<@U4> deployed without running the tests.", "person"),
    ("<@U5> was negligent.", "person"),
    ("<@U6> pushed untested changes straight to production.", "person"),
    ("At 14:32, <@U7> had not reviewed the diff.", "person"),
    ("he never tested the rollback", "person"),
    ("The on-call engineer missed the page.", "team"),
    ("The engineer forgot to drain the node.", "team"),
    ("The developers were sloppy with the migration.", "team"),
    ("The SRE team is to blame.", "team"),
    ("The new hire didn't read the deploy guide.", "team"),
    ("The root cause was operator error.", "human error"),
    ("The outage was caused by user error.", "human error"),
    ("Someone should have caught this in review.", "hindsight"),
    ("We should have noticed the disk filling up.", "hindsight"),
    ("The reviewer should have checked the diff.", "hindsight"),
    ("We should've caught it in staging.", "hindsight"),
    ("This was a careless change.", "blame"),
    ("It was Bob's fault.", "blame"),
    ("Blame lies with the database team.", "blame"),
    ("Incompetent handling of the failover made it worse.", "blame"),
]

BLAMELESS = [
    *[blameless for _, _, blameless in PAIRS],
    "The deploy failed",
    "The database ran out of connections",
    "Monitoring missed the spike",
    "Alice rolled back the deploy at 14:32",
    "Bob restarted the primary",
    "<@U1> paged the database team",
    "Postgres didn't failover",
    "The canary failed to detect the regression.",
    "Kubernetes failed to schedule the pods.",
    "Nothing in CI exercised the migration path.",
    "This is a blameless review: nobody is to blame.",
    "The config change broke the cache key format.",
    "The retry logic broke down under load.",
    "Lazy loading hid the N+1 query until peak traffic.",
    "<@U2|dana> declared the incident and took the IC role.",
    "User error rates spiked after the release.",
    "The team rolled back within ten minutes.",
    "The engineer on call followed the runbook.",
    "The pager didn't fire, so the on-call engineer wasn't notified.",
    "She escalated to the database team at 14:40.",
    "Better canary analysis could have caught this earlier.",
    "The pipeline should have caught the bug.",
    "We replaced the faulty disk controller.",
    "Sarah's change exposed a gap in the schema checks.",
    "The checklist did not mention the feature flag.",
    "Some people failed to log in during the outage.",
    "It was the load balancer's fault.",
    "The team broke the monolith into services last year.",
    "The tests should have caught the regression.",
    "The alert was ignored because it fired 40 times a day.",
    "<@U1> never got the page.",
    "The engineers didn't have access to the production console.",
    "This wasn't human error; the tooling made it easy.",
]


def test_the_tables_are_big_enough_and_hold_the_issues_pairs() -> None:
    assert len(BLAMEFUL) >= 25
    assert len(BLAMELESS) >= 25
    assert {(b, why) for b, why, _ in PAIRS} <= set(BLAMEFUL)
    assert {b for _, _, b in PAIRS} <= set(BLAMELESS)


@pytest.mark.parametrize(("sentence", "why"), BLAMEFUL)
def test_a_blameful_sentence_is_flagged_once_with_its_reason(sentence: str, why: str) -> None:
    [finding] = check(sentence)
    assert finding.sentence == sentence
    assert why in finding.why
    assert finding.suggestion.startswith("Ask") or finding.suggestion.startswith("Describe")


@pytest.mark.parametrize("sentence", BLAMELESS)
def test_a_blameless_sentence_passes_clean(sentence: str) -> None:
    assert check(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "asks"),
    [
        ("<@U1> pushed bad code", "what allowed this to happen"),
        ("should have known", "what information was missing"),
        ("human error", "which process or tool made this error easy"),
    ],
)
def test_the_suggestion_fits_the_kind_of_blame(sentence: str, asks: str) -> None:
    [finding] = check(sentence)
    assert asks in finding.suggestion


def test_a_mixed_paragraph_flags_exactly_the_blameful_sentences_as_written() -> None:
    text = (
        "At 14:02 the deploy went out. <@U1> pushed bad code!  The deployment pipeline "
        "didn't catch the bug.\n"
        "- Sarah didn’t notice the alert\n"
        "- The alert wasn't configured to page\n"
        "• Bob restarted the primary • The on-call engineer missed the page.\n"
        "1. Honestly, it was human error?\n"
    )
    assert [f.sentence for f in check(text)] == [
        "<@U1> pushed bad code!",
        "Sarah didn’t notice the alert",
        "The on-call engineer missed the page.",
        "Honestly, it was human error?",
    ]


def test_names_of_the_people_involved_are_recognised_by_first_name_too() -> None:
    names = ["Sarah Chen", "bob"]
    assert [f.why for f in check("Sarah Chen ignored the runbook.", names=names)] == [
        "names a person as the cause of a failure"
    ]
    assert len(check("Sarah didn't check the dashboard.", names=names)) == 1
    assert len(check("bob broke staging.", names=names)) == 1
    assert len(check("Later, Bob missed the handover.", names=names)) == 1


def test_a_name_is_needed_before_a_capitalised_word_counts_with_ambiguous_verbs() -> None:
    assert check("Sarah didn't check the dashboard.") == []
    assert check("Postgres didn't failover", names=["Sarah Chen"]) == []
    assert check("Terraform didn't check the state lock.", names=["Sarah Chen"]) == []


@pytest.mark.parametrize(
    "sentence",
    ["<@U0AB12CD|sarah.chen> forgot the flag.", "<@W0AB12CD> never tested the rollback"],
)
def test_slack_mentions_with_or_without_labels_are_people(sentence: str) -> None:
    [finding] = check(sentence)
    assert finding.sentence == sentence
    assert "person" in finding.why


def test_sections_are_checked_in_their_own_order() -> None:
    sections = {
        "what_happened": "Bob restarted the primary. <@U1> pushed bad code.",
        "impact": "Checkout was down for 12 minutes.",
        "contributing_factors": "human error\nThe team was careless.",
        "actions": "Add a canary stage.",
    }
    found = check_sections(sections)
    assert [(key, f.sentence) for key, f in found] == [
        ("what_happened", "<@U1> pushed bad code."),
        ("contributing_factors", "human error"),
        ("contributing_factors", "The team was careless."),
    ]
    assert all(isinstance(f, Finding) for _, f in found)


def test_names_reach_every_section() -> None:
    found = check_sections({"b": "Kim forgot.", "a": "Avery broke prod."}, names=iter(["Avery"]))
    assert [key for key, _ in found] == ["b", "a"]


def test_empty_text_has_no_findings() -> None:
    assert check("") == []
    assert check_sections({}) == []
