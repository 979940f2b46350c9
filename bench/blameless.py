"""The blameless check measured: how much blame it catches, how often it cries wolf, and how
long it takes (it runs on every save of the postmortem form).

    python -m bench.blameless [--runs 5]

Recall and precision are taken on the table in tests/unit/blameless_table.py (blameful
sentences with their kind, blameless ones), the flag rate on the prose corpus of
tests/unit/blameless_prose.py (blameless timelines, root causes and action items). Time is the
best of `--runs`: per 1,000 sentences of the corpus, and for a 3,000-word postmortem drafted
from both, checked section by section with the people's names as the bot passes them.
Exits 1 if recall < 0.9, precision < 0.95 or more than 1 flag per 1,000 prose sentences; the
times are printed against their target (≤ 50 ms for 3,000 words), not enforced.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from bot.domain.blameless import check, check_sections
from tests.unit.blameless_prose import sentences as prose
from tests.unit.blameless_table import BLAMEFUL, BLAMELESS

TARGET_MS = 50.0
POSTMORTEM_WORDS = 3000
NAMES = ["Alice Smith", "bob", "Priya", "li.wei"]
SECTIONS = ("summary", "timeline", "root_cause", "contributing_factors", "action_items")


def table_figures() -> tuple[float, float, float]:
    """(recall, precision, share of caught sentences given the kind the table names)."""
    found = [(check(sentence), kind) for sentence, kind in BLAMEFUL]
    caught = [(findings[0].kind, kind) for findings, kind in found if findings]
    false_alarms = sum(1 for sentence in BLAMELESS if check(sentence))
    recall = len(caught) / len(BLAMEFUL)
    precision = len(caught) / (len(caught) + false_alarms) if caught else 0.0
    kinds = sum(1 for got, wanted in caught if got == wanted) / len(caught) if caught else 0.0
    return recall, precision, kinds


def postmortem(words: int = POSTMORTEM_WORDS) -> dict[str, str]:
    """A postmortem of about `words` words: the corpus with some table sentences, in sections."""
    pool = [*BLAMELESS, *(sentence for sentence, _ in BLAMEFUL[::7]), *prose()]
    chosen: list[str] = []
    count = 0
    for sentence in pool:
        if count >= words:
            break
        chosen.append(sentence)
        count += len(sentence.split())
    size = len(chosen) // len(SECTIONS) + 1
    return {key: "\n".join(chosen[i * size : (i + 1) * size]) for i, key in enumerate(SECTIONS)}


def best_ms(work: Callable[[], object], runs: int) -> float:
    """The fastest of `runs` timings of `work`, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.blameless")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(arguments)

    recall, precision, kinds = table_figures()
    corpus = prose()
    flags = sum(1 for sentence in corpus if check(sentence))
    per_thousand = flags * 1000 / len(corpus)
    print(f"table: {len(BLAMEFUL)} blameful, {len(BLAMELESS)} blameless sentences")
    print(f"recall: {recall:.3f} (target ≥ 0.9)")
    print(f"precision: {precision:.3f} (target ≥ 0.95)")
    print(f"kind named as the table names it: {kinds:.3f}")
    print(
        f"prose flag rate: {flags} in {len(corpus)} sentences, {per_thousand:.2f} per 1,000 "
        "(target ≤ 1)"
    )

    corpus_ms = best_ms(lambda: [check(sentence) for sentence in corpus], args.runs)
    document = postmortem()
    words = sum(len(text.split()) for text in document.values())
    document_ms = best_ms(lambda: check_sections(document, names=NAMES), args.runs)
    print(f"ms per 1,000 sentences: {corpus_ms * 1000 / len(corpus):.1f}")
    print(
        f"ms for a 3,000-word postmortem: {document_ms:.1f} ({words} words; "
        f"target ≤ {TARGET_MS:g} ms)"
    )
    met = recall >= 0.9 and precision >= 0.95 and per_thousand <= 1
    print(f"quality targets met: {'yes' if met else 'no'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
