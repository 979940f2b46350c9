"""The blameless check flags blame the way a reviewer would, names its kind with a question that
fits, and stays quiet on neutral acts, software subjects, prevention wording and triage."""

from __future__ import annotations

import pytest

from bot.domain.blameless import KINDS, Finding, check, check_sections
from tests.unit.blameless_prose import sentences as prose
from tests.unit.blameless_table import BLAMEFUL, BLAMELESS

# The question each kind's suggestion must ask.
ASKS = {
    "slip": "what made the wrong command easy to run",
    "mistake-marker": "what made the wrong target look like the right one",
    "blame-cause": "which check let it reach production",
    "hindsight": "what would have made this visible at the time",
    "be-more-careful": "what guardrail would catch this",
    "human-error": "which step or tool made this error easy to make",
    "judgement": "what people saw and did at the time",
}

# The issue's own examples, each held to its kind sentence by sentence.
CORE = [
    ("<@U1> pushed bad code", "slip"),
    ("Sarah didn't notice the alert", "slip"),
    ("the team was careless", "judgement"),
    ("human error", "human-error"),
    ("should have known", "hindsight"),
    ("An engineer mistakenly wiped the primary's data directory.", "mistake-marker"),
    ("Tom skipped the canary and overlooked the error budget.", "slip"),
    ("The DBA misread the replication graph.", "slip"),
    ("An SRE misconfigured the ingress and fat-fingered the port.", "slip"),
    ("The reviewer rubber-stamped the change.", "slip"),
    ("The on-call engineer slept through the page.", "slip"),
    ("Support dropped the ball on the escalation.", "slip"),
    ("The contractor never told anyone about the firewall change.", "slip"),
    ("Ops rushed the migration.", "slip"),
    ("Priya accidentally restarted the primary.", "mistake-marker"),
    ("<@U2> inadvertently deleted the bucket.", "mistake-marker"),
    ("The intern unintentionally exposed the token.", "mistake-marker"),
    ("@bob dropped the table by mistake.", "mistake-marker"),
    ("The engineer deployed the wrong branch.", "mistake-marker"),
    ("Nina used the migration tool but forgot to take a backup.", "slip"),
    ("The SRE on call noticed the alert but failed to act.", "slip"),
    ("QA missed the regression.", "slip"),
    ("Operators ignored the low-pressure alarm.", "slip"),
    ("The vendor's engineer skipped the pre-flight checks.", "slip"),
    ("The bug was introduced by a network engineer.", "blame-cause"),
    ("The bad config was pushed by <@U0ABC123>.", "blame-cause"),
    ("It was Nina's mistake.", "blame-cause"),
    ("The fault lies with the release engineer.", "blame-cause"),
    ("The root cause was manual error.", "human-error"),
    ("PEBKAC.", "human-error"),
    ("This is a people problem.", "human-error"),
    ("This should have been caught in review.", "hindsight"),
    ("The on-call engineer would have known if she had looked.", "hindsight"),
    ("If Bob had read the runbook, the outage would have been short.", "hindsight"),
    ("Engineers need to be more careful with production.", "be-more-careful"),
    ("Everyone should pay more attention to deploy warnings.", "be-more-careful"),
    ("Retrain the operator on the new console.", "be-more-careful"),
    ("Remind people to drain nodes before restarting them.", "be-more-careful"),
]

# Sentences that must stay clean, one by one: the issue's cases of what is not blame.
QUIET = [
    "Alice restarted the primary at 14:02.",
    "The operator failed to reconcile the StatefulSet.",
    "The Postgres operator missed the failover event.",
    "Add a confirmation step to reduce the chance of human error.",
    "Guardrails should catch operator mistakes before they reach production.",
    "We suspected the DBA had dropped the index; the audit log ruled it out.",
    "Was the config changed by hand?",
    "The deployment pipeline didn't catch the bug.",
    "The alert wasn't configured to page.",
    "The runbook didn't cover this case.",
    "The review process allowed the change through.",
    "The dashboard didn't surface the signal.",
    *(question for _, question in KINDS.values()),
]

ROLES = [
    "QA",
    "Support",
    "Operators",
    "The DBA",
    "An intern",
    "A contractor",
    "The vendor's engineer",
    "The SRE on call",
    "The on-call engineer",
    "<@U024BE7LH>",
    "<@U024BE7LH|sarah>",
    "<@W0AB12CD>",
    "@sarah.chen",
]


def flagged(sentence: str) -> Finding | None:
    """The one finding for a sentence, or None."""
    found = check(sentence)
    assert len(found) <= 1
    return found[0] if found else None


def test_the_table_is_big_enough_covers_every_kind_and_repeats_nothing() -> None:
    assert len(BLAMEFUL) >= 120
    assert len(BLAMELESS) >= 120
    assert {kind for _, kind in BLAMEFUL} == set(KINDS)
    written = [sentence for sentence, _ in BLAMEFUL] + BLAMELESS
    assert len(written) == len(set(written))


def test_on_the_table_recall_is_at_least_090_and_precision_at_least_095() -> None:
    caught = [sentence for sentence, _ in BLAMEFUL if flagged(sentence)]
    false_alarms = [sentence for sentence in BLAMELESS if flagged(sentence)]
    recall = len(caught) / len(BLAMEFUL)
    precision = len(caught) / (len(caught) + len(false_alarms))
    assert recall >= 0.9, f"recall {recall:.3f}"
    assert precision >= 0.95, f"precision {precision:.3f}: {false_alarms}"


def test_on_the_table_nine_in_ten_findings_name_the_kind_a_reviewer_would() -> None:
    found = [(flagged(sentence), kind) for sentence, kind in BLAMEFUL]
    named = [(finding.kind, kind) for finding, kind in found if finding is not None]
    right = sum(1 for got, wanted in named if got == wanted)
    assert right / len(named) >= 0.9


def test_the_prose_corpus_is_large_and_flagged_at_most_once_per_thousand() -> None:
    corpus = prose()
    assert len(corpus) >= 2000
    assert len(set(corpus)) == len(corpus)
    flags = [sentence for sentence in corpus if check(sentence)]
    assert len(flags) <= len(corpus) / 1000, flags


def test_the_prose_corpus_is_the_same_every_time() -> None:
    assert prose() == prose()


@pytest.mark.parametrize(("sentence", "kind"), CORE)
def test_the_issues_examples_are_flagged_once_with_their_kind(sentence: str, kind: str) -> None:
    finding = flagged(sentence)
    assert finding is not None
    assert finding.sentence == sentence
    assert finding.kind == kind
    assert finding.suggestion == KINDS[kind][1]


@pytest.mark.parametrize("sentence", QUIET)
def test_what_is_not_blame_passes_clean(sentence: str) -> None:
    assert check(sentence) == []


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kinds_suggestion_asks_its_own_question(kind: str) -> None:
    assert ASKS[kind] in KINDS[kind][1].lower()


def test_every_finding_on_the_table_carries_the_suggestion_of_its_kind() -> None:
    for sentence, _ in BLAMEFUL:
        for finding in check(sentence):
            assert finding.kind in KINDS
            assert ASKS[finding.kind] in finding.suggestion.lower()
            assert finding.why == finding.why.strip() and "{" not in finding.why


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_checks_own_suggestions_are_blameless(kind: str) -> None:
    _, suggestion = KINDS[kind]
    assert check(suggestion) == []
    assert check(f"Action item: {suggestion}") == []


@pytest.mark.parametrize("who", ROLES)
def test_mentions_roles_and_teams_are_people_who_can_slip_or_act(who: str) -> None:
    [finding] = check(f"{who} forgot to renew the certificate.")
    assert finding.kind == "slip"
    assert check(f"{who} renewed the certificate at 14:02.") == []


def test_the_subject_is_carried_across_but_and_then() -> None:
    assert flagged("<@U1> ran the backfill, then skipped the verification step.") is not None
    assert flagged("Kim opened the console and then misread the region.") is not None
    assert check("Bob restarted the primary but the replica failed to catch up.") == []
    assert check("<@U1> restarted the job, which then failed to connect.") == []


def test_software_subjects_keep_people_verbs_to_themselves() -> None:
    for sentence in (
        "The cert-manager controller failed to renew the certificate.",
        "The Kubernetes operator ignored the annotation.",
        "The connection manager failed to release idle connections.",
        "The cleanup job accidentally deleted the active partitions.",
        "Terraform didn't check the state lock.",
    ):
        assert check(sentence) == [], sentence


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


def test_names_of_the_people_involved_are_recognised_by_first_name_and_handle() -> None:
    names = ["Sarah Chen", "bob", "li.wei"]
    [finding] = check("Sarah Chen ignored the runbook.", names=names)
    assert finding.kind == "slip" and "person" in finding.why
    assert len(check("Sarah didn't check the dashboard.", names=names)) == 1
    assert len(check("bob broke staging.", names=names)) == 1
    assert len(check("Later, Bob missed the handover.", names=names)) == 1
    assert len(check("li failed to drain the node.", names=names)) == 1


def test_a_name_is_needed_before_a_capitalised_word_counts_with_ambiguous_verbs() -> None:
    assert check("Sarah didn't check the dashboard.") == []
    assert check("Postgres didn't failover", names=["Sarah Chen"]) == []
    assert check("Terraform didn't check the state lock.", names=["Sarah Chen"]) == []


def test_a_finding_made_the_old_way_still_works() -> None:
    finding = Finding("sentence", "why", "suggestion")
    assert (finding.sentence, finding.why, finding.suggestion) == ("sentence", "why", "suggestion")


def test_sections_are_checked_in_their_own_order() -> None:
    sections = {
        "what_happened": "Bob restarted the primary. <@U1> pushed bad code.",
        "impact": "Checkout was down for 12 minutes.",
        "contributing_factors": "human error\nThe team was careless.",
        "actions": "Add a canary stage.",
    }
    found = check_sections(sections)
    assert [(key, f.sentence, f.kind) for key, f in found] == [
        ("what_happened", "<@U1> pushed bad code.", "slip"),
        ("contributing_factors", "human error", "human-error"),
        ("contributing_factors", "The team was careless.", "judgement"),
    ]


def test_names_reach_every_section() -> None:
    found = check_sections({"b": "Kim forgot.", "a": "Avery broke prod."}, names=iter(["Avery"]))
    assert [key for key, _ in found] == ["b", "a"]


def test_empty_text_has_no_findings() -> None:
    assert check("") == []
    assert check_sections({}) == []
