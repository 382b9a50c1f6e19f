"""Kaplan–Meier against the textbook example: Freireich et al. (1963), 6-MP arm, remission
times in weeks (censored marked +): 6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+
32+ 34+ 35+. The product-limit values below are the published ones (e.g. Kleinbaum & Klein,
Survival Analysis, table 2.2: S(6)=0.857, S(7)=0.807, S(10)=0.753, S(13)=0.690, S(16)=0.627,
S(22)=0.538, S(23)=0.448)."""

from __future__ import annotations

import pytest

from crawler.report.survival import kaplan_meier, share_gone

SIX_MP = [(6, True)] * 3 + [(6, False), (7, True), (9, False), (10, True), (10, False),
          (11, False), (13, True), (16, True), (17, False), (19, False), (20, False),
          (22, True), (23, True), (25, False), (32, False), (32, False), (34, False),
          (35, False)]  # fmt: skip
PUBLISHED = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}


def test_six_mp_matches_the_published_estimates():
    curve = kaplan_meier(SIX_MP)
    assert [s.time for s in curve.steps[1:]] == sorted(PUBLISHED)
    for step in curve.steps[1:]:
        assert step.survival == pytest.approx(PUBLISHED[step.time], abs=0.0005)
    assert [s.at_risk for s in curve.steps[1:]] == [21, 17, 15, 12, 11, 7, 6]
    assert curve.subjects == 21 and curve.events == 9 and curve.followup == 35


def test_survival_between_steps_and_past_the_follow_up():
    curve = kaplan_meier(SIX_MP)
    assert curve.at(5.9) == 1.0
    assert curve.at(8) == pytest.approx(0.807, abs=0.0005)  # flat between events
    assert curve.at(35) == pytest.approx(0.448, abs=0.0005)
    assert curve.at(35.5) is None  # nothing is known past the longest follow-up
    assert share_gone(curve, 12) == pytest.approx(1 - 0.753, abs=0.0005)
    assert share_gone(curve, 40) is None


def test_censoring_at_an_event_time_keeps_the_censored_at_risk():
    curve = kaplan_meier([(5, True), (5, False), (9, False)])
    assert curve.at(5) == pytest.approx(2 / 3)


def test_nothing_observed():
    curve = kaplan_meier([])
    assert curve.subjects == 0 and curve.at(0) == 1.0 and share_gone(curve, 1) is None
