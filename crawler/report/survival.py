"""Kaplan–Meier survival: how long documents stay available, with live documents censored.

Implemented here rather than taken from a library: the estimator is a dozen lines of
arithmetic, and lifelines (the maintained Python implementation) would bring pandas, scipy and
matplotlib into the crawler for it. tests/test_survival.py checks it against the textbook
example (Freireich's 6-MP remission times, Kaplan and Meier's own worked numbers).

    curve = kaplan_meier([(245.0, True), (761.0, False), …])   # (days, gone?) per document
    share_gone(curve, 365)                                      # 1 − S(365), or None past follow-up
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """S(t) from `time` on, after `events` of the `at_risk` documents went at `time`."""

    time: float
    survival: float
    at_risk: int
    events: int


@dataclass(frozen=True)
class Curve:
    steps: tuple[Step, ...]  # starts with Step(0, 1.0, n, 0)
    followup: float  # the longest observed time (event or censored); S is unknown beyond it
    subjects: int
    events: int

    def at(self, time: float) -> float | None:
        """S(time): the survival of the last step at or before `time`; None past the follow-up."""
        if time > self.followup or not self.steps:
            return None
        value = 1.0
        for step in self.steps:
            if step.time > time:
                break
            value = step.survival
        return value


def kaplan_meier(observations: Iterable[tuple[float, bool]]) -> Curve:
    """The product-limit estimate from (time, event) pairs; event False means censored.

    At a time where documents both go and are censored, the censored ones count as at risk
    (the usual convention: censoring is taken to happen just after the events)."""
    times = sorted(observations)
    n = len(times)
    events_at = Counter(t for t, event in times if event)
    leaving_at = Counter(t for t, _ in times)
    steps = [Step(0.0, 1.0, n, 0)]
    survival, at_risk = 1.0, n
    for t in sorted(leaving_at):
        d = events_at.get(t, 0)
        if d:
            survival *= 1 - d / at_risk
            steps.append(Step(t, survival, at_risk, d))
        at_risk -= leaving_at[t]
    return Curve(tuple(steps), times[-1][0] if times else 0.0, n, sum(events_at.values()))


def share_gone(curve: Curve, days: float) -> float | None:
    """1 − S(days): the estimated share of documents gone within `days` of first being seen."""
    value = curve.at(days)
    return None if value is None else 1 - value
