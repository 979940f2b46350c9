"""The blameless check: sentences that blame people rather than systems, with a better question.

Rule-based and deliberately precise: a false positive teaches authors to ignore the check, so
a sentence is flagged only when a person is the subject of a failure, when it judges with
hindsight, or when it uses a blame word. A person doing something neutrally is not flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """A sentence to reconsider: quoted as written, why, and the systemic question to ask."""

    sentence: str
    why: str
    suggestion: str


_ALLOWED = "Ask what allowed this to happen: which check, alert or safeguard didn't catch it?"
_PERSON_KIND = ("names a person as the cause of a failure", _ALLOWED)
_GROUP_KIND = ("names a team or role as the cause of a failure", _ALLOWED)
_HINDSIGHT_KIND = (
    "judges a past decision with hindsight",
    "Ask what information was missing at the time, and how the system could surface it.",
)
_HUMAN_ERROR_KIND = (
    "stops at human error as the cause",
    "Ask which process or tool made this error easy to make, and what would make it hard.",
)
_BLAME_KIND = (
    "judges or blames people instead of describing what happened",
    "Describe what happened, then ask what in the process or tooling made it the easy path.",
)

_I = re.IGNORECASE

# --- Splitting -------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*•‣◦>]+|\d+[.)])\s+")
_BREAK = re.compile(r"(?<=[.!?])\s+|\s+•\s+")

# --- Failure phrases, from the narrowest (safe after any capitalised word) to the widest -----

_NOT = r"(?:didn't|did\s+not|didnt|never|not|hadn't|had\s+not|failed\s+to|neglected\s+to)"
_ATTENTION = (
    r"(?:notic|review|follow|read\b|bother|double-check|look|realis|realiz"
    r"|pa(?:y|id)\s+attention)\w*"
)
_DILIGENCE = r"(?:check|test|verif|validat|escalat|communicat|ask)\w*"
_SEEING = r"(?:see|seen|saw|catch|caught|run|ran|respond|repl|ack|updat|wait)\w*"
_BAD_CHANGE = (
    r"(?:pushed|shipped|merged|deployed|committed|wrote)\s+(?:a\s+|some\s+)?"
    r"(?:bad|broken|buggy|faulty|untested|unreviewed|wrong|incorrect)\s+"
    r"(?:code|changes?|commits?|config(?:uration)?|migrations?|fix|patch|PR|version)"
)
_WITHOUT = (
    r"(?:deployed|shipped|merged|pushed|released|rolled\s+out)\s+(?:\S+\s+){0,4}?without\s+"
    r"(?:testing|tests|review|reviewing|a\s+review|checking|approval|running|waiting)"
)
_TRAIT = (
    r"(?:was|were|is|are|had\s+been|has\s+been|being)\s+(?:\w+\s+)?"
    r"(?:careless|lazy|sloppy|negligent|reckless|incompetent|inattentive|to\s+blame|at\s+fault)"
    r"|(?:wasn't|weren't|was\s+not|were\s+not)\s+(?:paying\s+attention|careful|thorough)"
)
_HUMAN_OBJECT = (
    r"ignored\s+(?:(?:the|an?|all|our|their|his|her|several|multiple)\s+)?(?:[\w-]+\s+)?"
    r"(?:alerts?|warnings?|pages?|runbook|process|procedure|checklist|review|feedback|"
    r"tickets?|instructions?|messages?|docs|documentation|advice|guidance|policy)"
)
_STRICT = (
    rf"forgot|forgotten|neglected|(?:messed|screwed|botched)\s+up|botched"
    rf"|made\s+(?:(?:a|an|another|several|some)\s+)?(?:\w+\s+)?(?:mistake|error|blunder|typo)s?"
    rf"|{_BAD_CHANGE}|{_WITHOUT}|{_TRAIT}|{_HUMAN_OBJECT}|{_NOT}\s+(?:bother\s+to\s+)?{_ATTENTION}"
)
_HUMAN = rf"{_STRICT}|{_NOT}\s+(?:bother\s+to\s+)?{_DILIGENCE}"
_ANY = (
    rf"{_HUMAN}|{_NOT}\s+{_SEEING}|failed\s+to|missed|ignored"
    r"|broke(?:n)?(?!\s+(?:down|up|out|even|ground|the\s+news)\b)"
    r"(?!(?:\s+[\w-]+){0,3}\s+(?:into|apart)\b)"
    r"|caused\s+(?:the|this|that|an?)\s+(?:\w+\s+)?"
    r"(?:outage|incident|failure|problem|issue|downtime|bug|breakage|regression)"
)
_FILLER = (
    r"(?:\s+(?:also|then|just|simply|accidentally|mistakenly|apparently|clearly|obviously|again"
    r"|completely|totally|probably|unfortunately|had|has|have))*\s+"
)


def _after(phrases: str) -> re.Pattern[str]:
    return re.compile(rf"{_FILLER}(?:{phrases})(?![\w-])", _I)


_STRICT_AFTER = _after(_STRICT)
_HUMAN_AFTER = _after(_HUMAN)
_ANY_AFTER = _after(_ANY)

# --- Who can be the subject -----------------------------------------------------------------

# A Slack mention, with or without its label, or a typed "@name".
_MENTION = (
    r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>"
    r"|(?<![\w<@])@(?!here\b|channel\b|everyone\b)[A-Za-z][\w-]*"
)
_MENTION_RE = re.compile(_MENTION)
_ROLE = (
    r"(?:team|teams|engineers?|developers?|devs?|on-?call|on-?callers?|ops|SREs?|operators?"
    r"|reviewers?|responders?|admins?|administrators?|authors?|staff|hires?|employees?"
    r"|contractors?|IC|incident\s+commander)"
)
_GROUP_SUBJECT = re.compile(
    rf"\b(?:the|our|an?|that|this|one|some)\s+(?:[\w-]+\s+){{0,2}}{_ROLE}(?![\w-])", _I
)
_PRONOUN = re.compile(r"\b(?:he|she|they|someone|somebody|whoever)\b", _I)
# A capitalised word opening the sentence (after an optional "At 14:32," clause) may be a name.
_OPENING_WORD = re.compile(r"^(?:[^,]{0,40},\s+)?([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?=\s)")
# Capitalised words that open sentences without being anyone's name.
_OPENERS = """The This That These Those It Its There Here Then When While After Before During Once
    Because Since Although If So But And Or Also Nothing Nobody Everyone Everybody Anyone
    Something Everything One Each Every All Some Our Their His Her Your My We You He She They
    Who Which What Why How Where No Not Later Finally Meanwhile Eventually Initially
    Unfortunately"""
_SYSTEMS = """Postgres Postgresql Redis Kafka Kubernetes Terraform Jenkins Nginx Consul Vault
    Docker Envoy Istio Grafana Prometheus Datadog Sentry Elasticsearch Cloudflare"""
_NOT_A_NAME = frozenset(_OPENERS.split())
_SYSTEM_WORDS = frozenset(_SYSTEMS.split())

# --- Judgements anywhere in the sentence ----------------------------------------------------

_SHOULD = r"\b(?:should(?:'ve|\s+have|n't\s+have|\s+not\s+have)|ought\s+to\s+have)\s+"
_HINDSIGHT_MENTAL = re.compile(
    _SHOULD + r"(?:known|noticed|realised|realized|spotted|seen|foreseen|anticipated|thought"
    r"|remembered|looked|asked|read|followed|escalated|waited|double-checked"
    r"|been\s+(?:more\s+)?careful|paid\s+(?:more\s+)?attention)\b",
    _I,
)
_HINDSIGHT_ACTION = re.compile(
    _SHOULD + r"(?:caught|checked|tested|verified|reviewed|validated|prevented|stopped)\b", _I
)
_SYSTEM_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|our|this|that|its|their|your|these|those)\s+(?:[\w-]+\s+){1,3}"
    r"|\b(?:it|this|that|which)\s+)$",
    _I,
)
_HUMAN_ERROR = re.compile(
    r"\b(?:(?:human|operator|pilot|engineer|developer|personnel)\s+(?:errors?|mistakes?)"
    r"|user\s+error(?!s))\b"
    r"(?!\s+(?:rates?|counts?|budgets?|messages?|pages?|spikes?|logs?|codes?|responses?))",
    _I,
)
_BLAME_WORD = re.compile(
    r"\b(?:careless(?:ly|ness)?|negligen(?:t|tly|ce)|sloppy|sloppily|sloppiness"
    r"|incompeten(?:t|tly|ce)|reckless(?:ly|ness)?|blam(?:e|ed|es|ing)|at\s+fault"
    r"|(?:his|her|their|my|our|your)\s+fault)(?![\w-])",
    _I,
)
_POSSESSIVE_FAULT = re.compile(r"(\S+)'s\s+fault\b", _I)
_NEGATED = re.compile(
    r"(?:\bno\s+one|\bnobody|\bnot|n't|\bwithout|\bnever|\bno)\s+(?:[\w']+\s+){0,3}$", _I
)


def check(text: str, *, names: Iterable[str] = ()) -> list[Finding]:
    """Find the sentences that blame people; `names` are the people involved (first names count)."""
    known = _names_pattern(names)
    findings = []
    for sentence in _sentences(text):
        kind = _judge(sentence.replace("’", "'"), known)
        if kind is not None:
            findings.append(Finding(sentence, *kind))
    return findings


def check_sections(
    sections: Mapping[str, str], *, names: Iterable[str] = ()
) -> list[tuple[str, Finding]]:
    """Check each section in order; pair every finding with its section's key."""
    people = list(names)
    return [(key, f) for key, text in sections.items() for f in check(text, names=people)]


def _sentences(text: str) -> list[str]:
    pieces: list[str] = []
    for line in text.splitlines():
        body = _BULLET.sub("", line)
        pieces.extend(piece.strip() for piece in _BREAK.split(body))
    return [piece for piece in pieces if piece]


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    forms: set[str] = set()
    for name in names:
        full = " ".join(name.lstrip("@").split())
        for form in (full, full.partition(" ")[0]):
            if len(form) >= 2:
                forms |= {form, form[0].upper() + form[1:]}
    if not forms:
        return None
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w@])(?:{alternatives})(?![\w-])")


def _judge(sentence: str, known: re.Pattern[str] | None) -> tuple[str, str] | None:
    """The one kind of blame the sentence shows, most specific first, or None."""
    if _hindsight(sentence):
        return _HINDSIGHT_KIND
    if _unnegated(_HUMAN_ERROR, sentence):
        return _HUMAN_ERROR_KIND
    subjects: list[tuple[re.Pattern[str] | None, re.Pattern[str], tuple[str, str]]] = [
        (_MENTION_RE, _ANY_AFTER, _PERSON_KIND),
        (known, _ANY_AFTER, _PERSON_KIND),
        (_PRONOUN, _HUMAN_AFTER, _PERSON_KIND),
        (_GROUP_SUBJECT, _ANY_AFTER, _GROUP_KIND),
    ]
    for subject, failure, kind in subjects:
        if subject and any(failure.match(sentence, s.end()) for s in subject.finditer(sentence)):
            return kind
    opening = _OPENING_WORD.match(sentence)
    if opening and _could_be_a_name(opening[1]) and _STRICT_AFTER.match(sentence, opening.end()):
        return _PERSON_KIND
    if _unnegated(_BLAME_WORD, sentence) or _person_at_fault(sentence, known):
        return _BLAME_KIND
    return None


def _hindsight(sentence: str) -> bool:
    if _HINDSIGHT_MENTAL.search(sentence):
        return True
    for match in _HINDSIGHT_ACTION.finditer(sentence):
        before = sentence[: match.start()]
        # "The pipeline should have caught it" is about a system; "the reviewer…" is not.
        if _SYSTEM_BEFORE.search(before) and not _GROUP_SUBJECT.search(before[-40:]):
            continue
        opening = _OPENING_WORD.match(before)
        if opening and opening.end() == len(before.rstrip()) and _looks_like_a_system(opening[1]):
            continue
        return True
    return False


def _unnegated(pattern: re.Pattern[str], sentence: str) -> bool:
    """A match not just after a negation: "nobody is to blame" blames nobody."""
    return any(not _NEGATED.search(sentence[: m.start()]) for m in pattern.finditer(sentence))


def _person_at_fault(sentence: str, known: re.Pattern[str] | None) -> bool:
    for match in _POSSESSIVE_FAULT.finditer(sentence):
        owner = match[1]
        if _MENTION_RE.fullmatch(owner) or (known and known.fullmatch(owner)):
            return True
        if _GROUP_SUBJECT.search(sentence[: match.end(1)][-40:]) or (
            owner[0].isupper() and _could_be_a_name(owner)
        ):
            return True
    return False


def _could_be_a_name(word: str) -> bool:
    """Rule out sentence openers ("The", "Nothing") and words that read as systems."""
    return word not in _NOT_A_NAME and not _looks_like_a_system(word)


def _looks_like_a_system(word: str) -> bool:
    """CI, PagerDuty, S3, Monitoring, Postgres: not how people's names look."""
    return (
        word in _SYSTEM_WORDS
        or any(c.isdigit() for c in word)
        or any(c.isupper() for c in word[1:])
        or word.endswith("ing")
    )
