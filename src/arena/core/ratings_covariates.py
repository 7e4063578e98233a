"""Covariate-adjusted Bradley–Terry: system strengths net of per-vote covariates such as latency.

The analog of LMArena's style control: P(a beats b) = σ(s_a − s_b + β·x) with x the covariates
of side a minus those of side b. The board rates s (what a system is worth at equal covariates);
each effect reports β in rating points per unit of covariate difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from arena.core.ratings import (
    PRIOR_GAMES,
    SCALE,
    Outcome,
    PairCounts,
    Rating,
    RatingsInputError,
    board_from_logits,
    single_blas_thread,
)

__all__ = ["COEFFICIENT_PRECISION", "AdjustedBoard", "CovariateEffect", "adjusted_leaderboard"]

_TOLERANCE = 1e-9
_ROUNDING_FLOOR = 1e-6
_MAX_ITERATIONS = 200
_MAX_STEP = 2.0
COEFFICIENT_PRECISION = 1e-4
"""Gaussian prior precision on each coefficient, per standard deviation of its covariate.

A standard deviation of 100 logits: negligible where the data say anything, but it keeps a
resample in which a covariate separates winners from losers finite.
"""

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]


@dataclass(frozen=True)
class CovariateEffect:
    """Rating points a side gains per unit its covariate exceeds the other side's, with 95% CI."""

    name: str
    points: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class AdjustedBoard:
    """A covariate-adjusted leaderboard (best first) and the fitted covariate effects."""

    board: list[Rating]
    effects: list[CovariateEffect]


@dataclass(frozen=True, eq=False)
class _Design:
    """Votes as index arrays: side a, side b, score of a (tie = 0.5), covariate differences.

    Differences are divided by their standard deviation (``scales``) so Newton steps and the
    coefficient prior mean the same for every covariate, whatever its unit.
    """

    first: IndexArray
    second: IndexArray
    score: FloatArray
    differences: FloatArray
    scales: FloatArray
    n_systems: int


def adjusted_leaderboard(
    votes: Sequence[tuple[str, str, Outcome]],
    covariates: ArrayLike,
    names: Sequence[str],
    *,
    bootstrap_rounds: int = 200,
    seed: int = 0,
    anchor: str | None = None,
    preliminary_below: int = 30,
) -> AdjustedBoard:
    """Rate systems controlling for ``covariates[v, c]`` = covariate c of side a minus side b.

    Intervals come from resampling whole votes (covariates are per vote, so counts do not
    suffice). A covariate must vary within systems, or it cannot be told apart from them.
    """
    counts = PairCounts.from_votes(votes)
    design = _design(votes, counts.systems, covariates, names)
    if bootstrap_rounds < 0:
        raise RatingsInputError("bootstrap_rounds must be >= 0.")
    if anchor is not None and anchor not in counts.systems:
        raise RatingsInputError(f"Anchor system {anchor!r} is not in the votes; pick a rated one.")
    if not counts.systems:
        return AdjustedBoard([], [])
    n = design.n_systems
    rng = np.random.default_rng(seed)
    with single_blas_thread():
        point = _fit(design, np.ones(design.score.size), np.zeros(n + len(names)))
        replicates = np.array(
            [
                _fit(design, _vote_weights(design.score.size, rng), point)
                for _ in range(bootstrap_rounds)
            ]
        ).reshape(bootstrap_rounds, n + len(names))
    has_replicates = bootstrap_rounds > 0
    board = board_from_logits(
        counts, point[:n], replicates[:, :n] if has_replicates else None, anchor, preliminary_below
    )
    effects = SCALE * point[n:] / design.scales
    low, high = (
        np.percentile(SCALE * replicates[:, n:] / design.scales, [2.5, 97.5], axis=0)
        if has_replicates
        else (effects, effects)
    )
    return AdjustedBoard(
        board,
        [
            CovariateEffect(name, float(effects[c]), float(low[c]), float(high[c]))
            for c, name in enumerate(names)
        ],
    )


def _design(
    votes: Sequence[tuple[str, str, Outcome]],
    systems: tuple[str, ...],
    covariates: ArrayLike,
    names: Sequence[str],
) -> _Design:
    differences = np.asarray(covariates, dtype=np.float64)
    if differences.ndim == 1:
        differences = differences[:, None]
    if differences.ndim != 2 or differences.shape[0] != len(votes):
        raise RatingsInputError(
            f"covariates have shape {differences.shape}; expected one row per vote "
            f"({len(votes)}) and one column per covariate."
        )
    if differences.shape[1] != len(names):
        raise RatingsInputError(
            f"covariates have {differences.shape[1]} column(s) but {len(names)} name(s); "
            "give one name per column."
        )
    if not np.all(np.isfinite(differences)):
        raise RatingsInputError("covariates must be finite numbers; drop or impute missing ones.")
    for column, name in enumerate(names):
        if votes and np.all(differences[:, column] == differences[0, column]):
            raise RatingsInputError(
                f"Covariate {name!r} has the same difference in every vote, so its effect "
                "cannot be estimated; drop it."
            )
    index = {name: i for i, name in enumerate(systems)}
    scales = differences.std(axis=0) if votes else np.ones(differences.shape[1])
    return _Design(
        first=np.array([index[a] for a, _, _ in votes], dtype=np.intp),
        second=np.array([index[b] for _, b, _ in votes], dtype=np.intp),
        score=np.array([{"a": 1.0, "b": 0.0}.get(outcome, 0.5) for *_, outcome in votes]),
        differences=differences / scales,
        scales=scales,
        n_systems=len(systems),
    )


def _vote_weights(n_votes: int, rng: np.random.Generator) -> FloatArray:
    """How often each vote appears in one bootstrap resample (multinomial over votes)."""
    return np.bincount(rng.integers(0, n_votes, n_votes), minlength=n_votes).astype(np.float64)


def _fit(design: _Design, weights: FloatArray, start: FloatArray) -> FloatArray:
    """MAP (system logits, standardized coefficients) by damped Newton on the weighted votes."""
    parameters = start.copy()
    previous = np.inf
    for _ in range(_MAX_ITERATIONS):
        gradient, hessian = _gradient_and_hessian(design, weights, parameters)
        step = np.linalg.solve(hessian, gradient)
        largest = float(np.abs(step).max())
        parameters += step * min(1.0, _MAX_STEP / max(largest, 1e-300))
        if largest < _TOLERANCE or _ROUNDING_FLOOR > largest > 0.5 * previous:
            return parameters
        previous = largest
    raise RuntimeError(
        f"Covariate-adjusted fit did not converge for {design.n_systems} systems; "
        "report the votes and covariates that caused it."
    )


def _gradient_and_hessian(
    design: _Design, weights: FloatArray, parameters: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Gradient and negative Hessian of the log-posterior (votes, virtual ties, weak β prior)."""
    n, first, second, x = design.n_systems, design.first, design.second, design.differences
    strengths, coefficients = parameters[:n], parameters[n:]
    margin = strengths[first] - strengths[second] + x @ coefficients
    p, q = expit(margin), expit(-margin)
    residual = weights * (design.score * q - (1.0 - design.score) * p)
    curvature = weights * p * q
    prior_p, prior_q = expit(strengths), expit(-strengths)
    gradient_s = (
        np.bincount(first, residual, n)
        - np.bincount(second, residual, n)
        + 0.5 * PRIOR_GAMES * (prior_q - prior_p)
    )
    pair_curvature = np.bincount(first * n + second, curvature, n * n).reshape(n, n)
    hessian_ss = -(pair_curvature + pair_curvature.T)
    hessian_ss[np.diag_indices(n)] = (
        np.bincount(first, curvature, n)
        + np.bincount(second, curvature, n)
        + PRIOR_GAMES * prior_p * prior_q
    )
    weighted_x = curvature[:, None] * x
    hessian_sc = np.zeros((n, x.shape[1]))
    for c in range(x.shape[1]):
        hessian_sc[:, c] = np.bincount(first, weighted_x[:, c], n) - np.bincount(
            second, weighted_x[:, c], n
        )
    hessian_cc = x.T @ weighted_x + COEFFICIENT_PRECISION * np.eye(x.shape[1])
    hessian = np.block([[hessian_ss, hessian_sc], [hessian_sc.T, hessian_cc]])
    gradient_c = x.T @ residual - COEFFICIENT_PRECISION * coefficients
    return np.concatenate([gradient_s, gradient_c]), hessian
