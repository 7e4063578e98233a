"""Covariate-adjusted BT: agreement with an independent fit and recovery of a latency effect."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from arena.core.ratings import (
    CENTRE,
    PRIOR_GAMES,
    SCALE,
    Outcome,
    PairCounts,
    RatingsInputError,
    leaderboard,
)
from arena.core.ratings_covariates import adjusted_leaderboard

Vote = tuple[str, str, Outcome]
STRENGTHS = {"fast": 0.0, "mid": 0.3, "slow": 0.8, "sluggish": 0.5}
LATENCY = {"fast": 0.4, "mid": 1.0, "slow": 2.5, "sluggish": 2.0}
EFFECT_PER_SECOND = -0.6


def latency_votes(n_votes: int, seed: int) -> tuple[list[Vote], np.ndarray]:
    """BT votes where each side's latency (per battle, around its system's mean) costs odds."""
    rng = np.random.default_rng(seed)
    names = list(STRENGTHS)
    votes: list[Vote] = []
    differences = np.empty((n_votes, 1))
    for v in range(n_votes):
        a, b = (names[i] for i in rng.choice(len(names), size=2, replace=False))
        latency_a = LATENCY[a] * rng.lognormal(0, 0.5)
        latency_b = LATENCY[b] * rng.lognormal(0, 0.5)
        differences[v, 0] = latency_a - latency_b
        margin = STRENGTHS[a] - STRENGTHS[b] + EFFECT_PER_SECOND * differences[v, 0]
        outcome: Outcome = "a" if rng.random() < 1 / (1 + math.exp(-margin)) else "b"
        votes.append((a, b, outcome))
    return votes, differences


def reference_fit(votes: list[Vote], differences: np.ndarray) -> tuple[dict[str, float], float]:
    """Independent per-vote logistic fit with the same virtual-tie prior, by L-BFGS."""
    names = sorted(STRENGTHS)
    index = {name: i for i, name in enumerate(names)}
    first = np.array([index[a] for a, _, _ in votes])
    second = np.array([index[b] for _, b, _ in votes])
    score = np.array([{"a": 1.0, "b": 0.0}.get(outcome, 0.5) for *_, outcome in votes])
    n, x = len(names), differences[:, 0]

    def loss(parameters: np.ndarray) -> tuple[float, np.ndarray]:
        s, beta = parameters[:n], parameters[n]
        margin = s[first] - s[second] + beta * x
        value = np.sum(score * np.logaddexp(0, -margin) + (1 - score) * np.logaddexp(0, margin))
        value += PRIOR_GAMES * np.sum(0.5 * np.logaddexp(0, -s) + 0.5 * np.logaddexp(0, s))
        residual = score - 1 / (1 + np.exp(-margin))
        gradient_s = np.bincount(second, residual, n) - np.bincount(first, residual, n)
        gradient_s += PRIOR_GAMES * (1 / (1 + np.exp(-s)) - 0.5)
        return float(value), np.append(gradient_s, -np.sum(residual * x))

    result = minimize(
        loss, np.zeros(n + 1), jac=True, method="L-BFGS-B", options={"gtol": 1e-11, "ftol": 1e-15}
    )
    assert result.success, result.message
    s = result.x[:n] - result.x[:n].mean()
    return {name: CENTRE + SCALE * s[index[name]] for name in names}, SCALE * result.x[n]


def test_matches_an_independent_fit_within_a_hundredth_of_a_point() -> None:
    votes, differences = latency_votes(3000, seed=1)
    expected, expected_effect = reference_fit(votes, differences)
    adjusted = adjusted_leaderboard(votes, differences, ["latency_s"], bootstrap_rounds=0)
    for row in adjusted.board:
        assert row.rating == pytest.approx(expected[row.system], abs=0.01)
    (effect,) = adjusted.effects
    assert effect.name == "latency_s"
    assert effect.points == pytest.approx(expected_effect, abs=0.01)


def test_controls_for_latency_and_recovers_its_effect() -> None:
    votes, differences = latency_votes(6000, seed=2)
    adjusted = adjusted_leaderboard(votes, differences, ["latency_s"], bootstrap_rounds=200)
    plain = leaderboard(PairCounts.from_votes(votes), bootstrap_rounds=0)
    assert plain[0].system == "fast"
    assert [row.system for row in adjusted.board] == ["slow", "sluggish", "mid", "fast"]
    (effect,) = adjusted.effects
    assert effect.ci_low < SCALE * EFFECT_PER_SECOND < effect.ci_high
    truth = np.array(list(STRENGTHS.values()))
    centred = dict(zip(STRENGTHS, CENTRE + SCALE * (truth - truth.mean()), strict=True))
    for row in adjusted.board:
        assert row.ci_low < centred[row.system] < row.ci_high


def test_without_covariates_it_is_the_plain_fit() -> None:
    votes, _ = latency_votes(500, seed=3)
    adjusted = adjusted_leaderboard(votes, np.empty((len(votes), 0)), [], bootstrap_rounds=0)
    plain = leaderboard(PairCounts.from_votes(votes), bootstrap_rounds=0)
    assert [row.system for row in adjusted.board] == [row.system for row in plain]
    for mine, theirs in zip(adjusted.board, plain, strict=True):
        assert mine.rating == pytest.approx(theirs.rating, abs=1e-6)
    assert adjusted.effects == []


def test_bootstrap_is_reproducible_with_a_seed() -> None:
    votes, differences = latency_votes(400, seed=4)
    first = adjusted_leaderboard(votes, differences, ["latency_s"], bootstrap_rounds=50, seed=7)
    again = adjusted_leaderboard(votes, differences, ["latency_s"], bootstrap_rounds=50, seed=7)
    assert first == again


def test_anchor_and_empty_votes() -> None:
    votes, differences = latency_votes(300, seed=5)
    anchored = adjusted_leaderboard(
        votes, differences, ["latency_s"], bootstrap_rounds=20, anchor="mid"
    )
    mid = next(row for row in anchored.board if row.system == "mid")
    assert mid.rating == pytest.approx(1000.0) and mid.ci_low == pytest.approx(1000.0)
    assert adjusted_leaderboard([], np.empty((0, 1)), ["latency_s"]).board == []


def test_bad_covariates_are_clear_errors() -> None:
    votes, differences = latency_votes(50, seed=6)
    with pytest.raises(RatingsInputError, match="1 column"):
        adjusted_leaderboard(votes, differences, ["latency_s", "tokens"])
    with pytest.raises(RatingsInputError, match="finite"):
        adjusted_leaderboard(votes, np.full((50, 1), np.nan), ["latency_s"])
    with pytest.raises(RatingsInputError, match="same difference in every vote"):
        adjusted_leaderboard(votes, np.ones((50, 1)), ["latency_s"])
    with pytest.raises(RatingsInputError, match="'nobody'"):
        adjusted_leaderboard(votes, differences, ["latency_s"], anchor="nobody")


def test_a_covariate_that_separates_the_outcomes_stays_finite() -> None:
    votes: list[Vote] = [("a", "b", "a"), ("b", "a", "a"), ("a", "b", "b"), ("b", "a", "b")] * 5
    faster_side_wins = np.array([[-1.0], [-2.0], [1.5], [0.5]] * 5)
    adjusted = adjusted_leaderboard(votes, faster_side_wins, ["latency_s"], bootstrap_rounds=30)
    (effect,) = adjusted.effects
    assert effect.points < -1000
    assert all(math.isfinite(value) for value in (effect.points, effect.ci_low, effect.ci_high))


def test_effects_are_reported_in_the_covariate_s_own_unit() -> None:
    votes, seconds = latency_votes(1500, seed=8)
    in_seconds = adjusted_leaderboard(votes, seconds, ["latency"], bootstrap_rounds=0)
    in_milliseconds = adjusted_leaderboard(votes, seconds * 1000, ["latency"], bootstrap_rounds=0)
    per_second = in_seconds.effects[0].points
    assert in_milliseconds.effects[0].points * 1000 == pytest.approx(per_second, rel=1e-6)
    for a, b in zip(in_seconds.board, in_milliseconds.board, strict=True):
        assert a.rating == pytest.approx(b.rating, abs=1e-6)


def test_random_votes_and_covariates_always_fit() -> None:
    rng = np.random.default_rng(0)
    names = ["a", "b", "c", "d", "e"]
    outcomes: list[Outcome] = ["a", "b", "tie", "both_bad"]
    for case in range(40):
        n_votes = int(rng.integers(5, 300))
        votes: list[Vote] = []
        for _ in range(n_votes):
            i, j = rng.choice(len(names), size=2, replace=False)
            votes.append((names[i], names[j], outcomes[rng.integers(0, 4)]))
        covariates = rng.normal(0.0, 10.0 ** rng.integers(-3, 4), (n_votes, 2))
        adjusted = adjusted_leaderboard(
            votes, covariates, ["x", "y"], bootstrap_rounds=int(rng.integers(0, 15)), seed=case
        )
        assert all(
            math.isfinite(row.rating) and row.ci_low <= row.ci_high for row in adjusted.board
        )
        assert all(math.isfinite(effect.points) for effect in adjusted.effects)
