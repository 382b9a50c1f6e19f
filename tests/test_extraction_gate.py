"""The extraction gate, in the manner of trafilatura's tests/eval_gate.py.

Our extractor is scored over the gold corpus pages (tests/data/corpus/gold) and the seed-text layout
pages (tests/layouts.py) with tests/extraction_scoring.py; the aggregate scores per group and
metric are pinned in tests/extraction_baseline.json, together with a fingerprint of the inputs
(sha256 over the gold files, the rendered layout pages with their expectations, and the scoring
version).

- A score below its pinned value fails the test: a rule change made extraction worse.
- A score above it passes; the test prints that the baseline can be raised.
- A changed fingerprint fails the test: the pages or the scoring changed, so the pinned figures no
  longer describe them. Check the new figures, then re-pin deliberately:

      python benchmarks/extraction_eval.py --pin

  and commit tests/extraction_baseline.json with the change that moved it.
"""

from __future__ import annotations

import json

import pytest
from extraction_scoring import BASELINE, all_cases, fingerprint, flat, grouped, ours, score_cases

TOLERANCE = 1e-6
REPIN = "python benchmarks/extraction_eval.py --pin"


@pytest.fixture(scope="module")
def cases():
    return all_cases()


@pytest.fixture(scope="module")
def baseline():
    return json.loads(BASELINE.read_text(encoding="utf-8"))


def test_inputs_match_the_pinned_fingerprint(cases, baseline):
    now = fingerprint(cases)
    assert now == baseline["fingerprint"], (
        f"The extraction gate's inputs changed (fingerprint {now[:12]}…, pinned "
        f"{baseline['fingerprint'][:12]}…): gold pages, layout pages or scoring differ from the "
        f"ones the baseline was pinned on. Look at the new figures, then re-pin with `{REPIN}`."
    )


def test_no_score_below_its_pinned_value(cases, baseline, capsys):
    scores = flat(grouped(score_cases(cases, ours())))
    pinned = baseline["scores"]
    missing = sorted(set(pinned) - set(scores))
    assert missing == [], f"scores no longer computed: {missing}; re-pin with `{REPIN}`"
    dropped = {
        name: f"{scores[name]:.4f} < pinned {value:.4f}"
        for name, value in pinned.items()
        if scores[name] < value - TOLERANCE
    }
    assert dropped == {}, f"extraction got worse: {dropped}"
    raised = {name: scores[name] for name in pinned if scores[name] > pinned[name] + TOLERANCE}
    if raised:
        with capsys.disabled():
            print(f"\nextraction improved on {sorted(raised)}: raise the baseline with `{REPIN}`")


def test_acceptance_floors_are_pinned(baseline):
    """The issues' acceptance, as pinned: perfect on the gold pages (no must_not_contain string,
    body start/end, every metadata field, every paragraph), on the layout pages (every paragraph,
    no leak) and on the fidelity pages (every paragraph or its credit, titles as published, every
    body image, the image-only page archived as a document, no leak)."""
    scores = baseline["scores"]
    for name in (
        "gold/body_first",
        "gold/body_last",
        "gold/boilerplate_clean",
        "gold/metadata",
        "gold/paragraph_recall",
        "layouts/paragraph_recall",
        "layouts/boilerplate_clean",
        "fidelity/paragraph_recall",
        "fidelity/metadata.title",
        "fidelity/boilerplate_clean",
        "fidelity/images",
        "fidelity/image_only",
    ):
        assert scores[name] == 1.0, name
