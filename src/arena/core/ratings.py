"""Bradley–Terry ratings with bootstrap confidence intervals: the math behind every leaderboard.

Votes are compressed into pair-outcome counts, so fitting costs O(systems²), not O(votes).
Ties (including "both bad") count as half a win for each side, as in LMArena's ``compute_bt``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csc_array
from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]  # no type hints

__all__ = [
    "CENTRE",
    "PRIOR_GAMES",
    "SCALE",
    "EloHistory",
    "Outcome",
    "PairCounts",
    "Rating",
    "RatingsInputError",
    "WinMatrix",
    "board_from_logits",
    "elo_history",
    "fit_bradley_terry",
    "head_to_head",
    "leaderboard",
    "predicted_win_rates",
    "single_blas_thread",
]

Outcome = Literal["a", "b", "tie", "both_bad"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)

SCALE = 400.0 / math.log(10.0)
"""Rating points per logit: 400 points is a 10:1 odds ratio, as in Elo."""
CENTRE = 1000.0
"""Mean rating of every connected component (or the anchor's rating)."""
PRIOR_GAMES = 1.0
"""Each system plays this many virtual tied games against a system of logit 0.

The prior keeps a system with no wins (or no losses) finite: with L real losses it lands about
``SCALE * ln(2 L)`` points below its opponents instead of at minus infinity. Its pull on a system
with hundreds of real games is a small fraction of a rating point.
"""

_NEWTON_TOLERANCE = 1e-10
_BOOTSTRAP_TOLERANCE = 1e-5
_NEWTON_ROUNDING_FLOOR = 1e-6
_VOTE_SAMPLING_FACTOR = 8
_BOOTSTRAP_CHUNK_ELEMENTS = 4_000_000
_VOTE_SAMPLING_CHUNK = 4_000_000
_NEWTON_MAX_ITERATIONS = 100
_NEWTON_MAX_STEP = 2.0

FloatArray = NDArray[np.float64]


class RatingsInputError(ValueError):
    """Votes or counts that cannot be rated; the message says what to fix."""


@dataclass(frozen=True, eq=False)
class PairCounts:
    """Aggregated comparison data for n systems.

    ``wins[i, j]`` is how often ``systems[i]`` beat ``systems[j]``; ``ties`` is symmetric and
    includes "both bad" outcomes.
    """

    systems: tuple[str, ...]
    wins: FloatArray
    ties: FloatArray

    def __post_init__(self) -> None:
        n = len(self.systems)
        if len(set(self.systems)) != n:
            raise RatingsInputError("PairCounts.systems has duplicate names; give each once.")
        for name, matrix in (("wins", self.wins), ("ties", self.ties)):
            if matrix.shape != (n, n):
                raise RatingsInputError(
                    f"PairCounts.{name} has shape {matrix.shape}; expected ({n}, {n})."
                )
            if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
                raise RatingsInputError(f"PairCounts.{name} must hold finite counts >= 0.")
            if np.any(np.diagonal(matrix) != 0):
                raise RatingsInputError(f"PairCounts.{name} has a system compared with itself.")
        if not np.array_equal(self.ties, self.ties.T):
            raise RatingsInputError("PairCounts.ties must be symmetric.")

    @classmethod
    def from_votes(cls, votes: Iterable[tuple[str, str, Outcome]]) -> PairCounts:
        """Aggregate (system_a, system_b, outcome) votes; systems are listed in sorted order."""
        tally = Counter(votes)
        for a, b, outcome in tally:
            _score(a, b, outcome)
        systems = tuple(sorted({name for a, b, _ in tally for name in (a, b)}))
        index = {name: i for i, name in enumerate(systems)}
        wins = np.zeros((len(systems), len(systems)))
        ties = np.zeros_like(wins)
        for (a, b, outcome), count in tally.items():
            i, j = index[a], index[b]
            if outcome == "a":
                wins[i, j] += count
            elif outcome == "b":
                wins[j, i] += count
            else:
                ties[i, j] += count
                ties[j, i] += count
        return cls(systems, wins, ties)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, int, int, int]]) -> PairCounts:
        """Build from (system_a, system_b, wins_a, wins_b, ties) rows, as the DB pair table holds.

        Rows for the same pair (in either order) are added up; every named system is kept,
        even one whose counts are all zero.
        """
        materialized = list(rows)
        systems = tuple(sorted({name for a, b, *_ in materialized for name in (a, b)}))
        index = {name: i for i, name in enumerate(systems)}
        wins = np.zeros((len(systems), len(systems)))
        ties = np.zeros_like(wins)
        for a, b, wins_a, wins_b, tied in materialized:
            if a == b:
                raise RatingsInputError(f"System {a!r} is compared with itself; drop that row.")
            if min(wins_a, wins_b, tied) < 0:
                raise RatingsInputError(f"Pair ({a!r}, {b!r}) has a negative count.")
            i, j = index[a], index[b]
            wins[i, j] += wins_a
            wins[j, i] += wins_b
            ties[i, j] += tied
            ties[j, i] += tied
        return cls(systems, wins, ties)

    @property
    def games(self) -> FloatArray:
        """Symmetric (n, n) matrix of comparisons between each pair."""
        return self.wins + self.wins.T + self.ties

    @property
    def total(self) -> float:
        """Number of votes counted."""
        return float(self.wins.sum() + self.ties.sum() / 2)


@dataclass(frozen=True)
class Rating:
    """One leaderboard row; ratings are comparable only within the same ``component``."""

    system: str
    rating: float
    ci_low: float
    ci_high: float
    rank: int
    votes: int
    wins: float
    losses: float
    ties: float
    win_rate: float
    preliminary: bool
    component: int


@dataclass(frozen=True, eq=False)
class WinMatrix:
    """``values[i, j]``: chance (or observed share) that ``systems[i]`` beats ``systems[j]``."""

    systems: tuple[str, ...]
    values: FloatArray


@dataclass(frozen=True, eq=False)
class EloHistory:
    """Online Elo ratings ``ratings[t, i]`` of ``systems[i]`` after ``steps[t]`` votes."""

    systems: tuple[str, ...]
    steps: NDArray[np.int64]
    ratings: FloatArray


def fit_bradley_terry(counts: PairCounts) -> FloatArray:
    """Maximum a posteriori BT logits (natural log-odds units, not centred), one per system.

    Maximizes the log-likelihood of the counts, ties as half a win, plus the ``PRIOR_GAMES``
    virtual ties per system, so every system's logit is finite and the optimum is unique.
    """
    pairs = _Pairs.of(counts)
    won, lost = pairs.outcomes(counts)
    with single_blas_thread():
        logits: FloatArray = _newton(pairs, won[None], lost[None], np.zeros(len(counts.systems)))[0]
    return logits


def leaderboard(
    counts: PairCounts,
    *,
    bootstrap_rounds: int = 1000,
    seed: int = 0,
    anchor: str | None = None,
    preliminary_below: int = 30,
) -> list[Rating]:
    """Rate every system with a percentile bootstrap 95% interval; sorted best first.

    Each connected component of the comparison graph is rated on its own scale, centred at
    ``CENTRE`` (or with ``anchor`` at ``CENTRE`` in its component); rank counts the systems of
    the same component whose lower bound is above this system's upper bound.
    """
    _check_options(counts, bootstrap_rounds, anchor)
    if not counts.systems:
        return []
    pairs = _Pairs.of(counts)
    won, lost = pairs.outcomes(counts)
    with single_blas_thread():
        point = _newton(pairs, won[None], lost[None], np.zeros(len(counts.systems)))[0]
        replicates = None
        if bootstrap_rounds > 0 and pairs.size > 0:
            replicates = _bootstrap(counts, pairs, point, bootstrap_rounds, seed)
    return board_from_logits(counts, point, replicates, anchor, preliminary_below)


def board_from_logits(
    counts: PairCounts,
    point: FloatArray,
    replicates: FloatArray | None,
    anchor: str | None,
    preliminary_below: int,
) -> list[Rating]:
    """Leaderboard rows from fitted logits and (B, n) bootstrap replicates, best first.

    Shared by every fit (plain and covariate-adjusted): per-component centring or anchoring,
    2.5/97.5 percentile intervals, rank by interval overlap within the component.
    """
    component = _components(counts)
    ratings = _to_rating_scale(point[None], component, counts, anchor)[0]
    low, high = ratings.copy(), ratings.copy()
    if replicates is not None:
        scaled = _to_rating_scale(replicates, component, counts, anchor)
        low, high = np.percentile(scaled, [2.5, 97.5], axis=0)
    return _rows(counts, component, ratings, low, high, preliminary_below)


def single_blas_thread() -> AbstractContextManager[object]:
    """Context manager holding BLAS/LAPACK to one thread: the fits' many small solves run
    faster so, and a web worker should not take every core for one leaderboard refresh.
    """
    return _blas_controller().limit(limits=1, user_api="blas")  # type: ignore[no-any-return]


@cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def head_to_head(counts: PairCounts) -> WinMatrix:
    """Observed share of wins (ties half) of each system against each other; NaN if never met."""
    games = counts.games
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (counts.wins + counts.ties / 2.0) / games
    return WinMatrix(counts.systems, np.where(games > 0, share, np.nan))


def predicted_win_rates(board: Sequence[Rating]) -> WinMatrix:
    """BT probability that each system beats each other, in board order.

    NaN on the diagonal and between components, whose scales are not comparable.
    """
    ratings = np.array([row.rating for row in board])
    component = np.array([row.component for row in board])
    probability = 1.0 / (1.0 + np.power(10.0, (ratings[None, :] - ratings[:, None]) / 400.0))
    comparable = (component[:, None] == component[None, :]) & ~np.eye(len(board), dtype=bool)
    return WinMatrix(tuple(row.system for row in board), np.where(comparable, probability, np.nan))


def elo_history(
    votes: Iterable[tuple[str, str, Outcome]],
    *,
    k: float = 4.0,
    initial: float = CENTRE,
    every: int = 1,
) -> EloHistory:
    """Online Elo after every ``every`` votes (and after the last), for rating-over-time charts.

    Order-dependent by design, unlike the BT fit; K=4 follows LMArena. A system is NaN until
    its first vote.
    """
    if every < 1:
        raise RatingsInputError("every must be >= 1.")
    current: dict[str, float] = {}
    snapshots: list[tuple[int, dict[str, float]]] = []
    seen = 0
    for seen, (a, b, outcome) in enumerate(votes, start=1):
        score = _score(a, b, outcome)
        rating_a, rating_b = current.get(a, initial), current.get(b, initial)
        expected = 1.0 / (1.0 + 10.0 ** ((rating_b - rating_a) / 400.0))
        current[a] = rating_a + k * (score - expected)
        current[b] = rating_b - k * (score - expected)
        if seen % every == 0:
            snapshots.append((seen, dict(current)))
    if seen % every:
        snapshots.append((seen, dict(current)))
    systems = tuple(sorted(current))
    table = [[snapshot.get(name, np.nan) for name in systems] for _, snapshot in snapshots]
    steps = np.array([step for step, _ in snapshots], dtype=np.int64)
    return EloHistory(systems, steps, np.array(table).reshape(len(snapshots), len(systems)))


def _score(a: str, b: str, outcome: str) -> float:
    if outcome not in OUTCOMES:
        raise RatingsInputError(
            f"Unknown outcome {outcome!r}; expected one of {', '.join(OUTCOMES)}."
        )
    if a == b:
        raise RatingsInputError(f"System {a!r} is compared with itself; drop that vote.")
    return {"a": 1.0, "b": 0.0}.get(outcome, 0.5)


def _check_options(counts: PairCounts, bootstrap_rounds: int, anchor: str | None) -> None:
    if bootstrap_rounds < 0:
        raise RatingsInputError("bootstrap_rounds must be >= 0.")
    if anchor is not None and anchor not in counts.systems:
        raise RatingsInputError(f"Anchor system {anchor!r} is not in the counts; pick a rated one.")


@dataclass(frozen=True)
class _Pairs:
    """The compared pairs (first < second) of a PairCounts, with sparse per-system sums."""

    first: NDArray[np.intp]
    second: NDArray[np.intp]
    n_systems: int
    signed: csc_array  # (n, pairs): +1 where the system is first, -1 where second
    unsigned: csc_array  # (n, pairs): 1 where the system takes part

    @classmethod
    def of(cls, counts: PairCounts) -> _Pairs:
        first, second = np.nonzero(np.triu(counts.games, 1) > 0)
        return cls.between(first, second, len(counts.systems))

    @classmethod
    def between(cls, first: NDArray[np.intp], second: NDArray[np.intp], n: int) -> _Pairs:
        size = first.size
        # Column p of the (n, pairs) matrices holds rows first[p] and second[p]: CSC, built as is.
        rows = np.column_stack([first, second]).ravel()
        starts = np.arange(0, 2 * size + 1, 2)
        signs = np.tile([1.0, -1.0], size)
        signed = csc_array((signs, rows, starts), shape=(n, size))
        unsigned = csc_array((np.ones(2 * size), rows, starts), shape=(n, size))
        return cls(first, second, n, signed, unsigned)

    def net(self, values: FloatArray) -> FloatArray:
        """(B, pairs) → (B, n): sum over pairs where a system is first minus where second."""
        result: FloatArray = (self.signed @ values.T).T
        return result

    def total(self, values: FloatArray) -> FloatArray:
        """(B, pairs) → (B, n): sum over every pair a system takes part in."""
        result: FloatArray = (self.unsigned @ values.T).T
        return result

    @property
    def size(self) -> int:
        return int(self.first.size)

    def outcomes(self, counts: PairCounts) -> tuple[FloatArray, FloatArray]:
        """Effective wins and losses of ``first`` against ``second`` (ties half each), per pair."""
        half_tied = 0.5 * counts.ties[self.first, self.second]
        won = counts.wins[self.first, self.second] + half_tied
        return won, counts.wins[self.second, self.first] + half_tied


def _newton(
    pairs: _Pairs,
    won: FloatArray,
    lost: FloatArray,
    start: FloatArray,
    *,
    tolerance: float = _NEWTON_TOLERANCE,
) -> FloatArray:
    """Batched damped Newton: (B, pairs) effective wins and losses of ``first`` → (B, n) logits.

    Each replicate stops once its largest step is below ``tolerance`` (convergence is
    quadratic, so the error left is about the square of that); steps are capped at
    ``_NEWTON_MAX_STEP`` logits so far-off starts cannot overshoot.
    """
    rounds, n = won.shape[0], pairs.n_systems
    logits = np.array(np.broadcast_to(start, (rounds, n)))
    active = np.arange(rounds)
    previous = np.full(rounds, np.inf)
    for _ in range(_NEWTON_MAX_ITERATIONS):
        everyone = active.size == rounds
        current = logits if everyone else logits[active]
        won_now = won if everyone else won[active]
        lost_now = lost if everyone else lost[active]
        p, q = _sigmoids(current[:, pairs.first] - current[:, pairs.second])
        prior_p, prior_q = _sigmoids(current)
        gradient = _gradient(pairs, p, q, won_now, lost_now, prior_p, prior_q)
        p *= q
        p *= won_now + lost_now
        hessian = _hessians(pairs, p, PRIOR_GAMES * prior_p * prior_q)
        step = np.linalg.solve(hessian, gradient[..., None])[..., 0]
        largest = np.abs(step).max(axis=1)
        step *= np.minimum(1.0, _NEWTON_MAX_STEP / np.maximum(largest, 1e-300))[:, None]
        logits[active] = current + step
        # Stop at the tolerance, or at the rounding floor (huge counts): tiny steps no longer
        # shrinking quadratically.
        floor = (largest < _NEWTON_ROUNDING_FLOOR) & (largest > 0.5 * previous[active])
        previous[active] = largest
        active = active[(largest >= tolerance) & ~floor]
        if active.size == 0:
            return logits
    raise RuntimeError("Bradley–Terry fit did not converge; report the counts that caused it.")


def _sigmoids(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """σ(x) and σ(−x), each accurate even where the other rounds to 1 (no overflow)."""
    small = np.exp(-np.abs(x))
    small /= 1.0 + small
    large = 1.0 - small
    positive = x >= 0
    return np.where(positive, large, small), np.where(positive, small, large)


def _gradient(
    pairs: _Pairs,
    p: FloatArray,
    q: FloatArray,
    won: FloatArray,
    lost: FloatArray,
    prior_p: FloatArray,
    prior_q: FloatArray,
) -> FloatArray:
    """Gradient of the log-posterior: won·σ(−d) − lost·σ(d) per pair, plus the virtual ties."""
    return pairs.net(won * q - lost * p) + 0.5 * PRIOR_GAMES * (prior_q - prior_p)


def _hessians(pairs: _Pairs, curvature: FloatArray, prior_curvature: FloatArray) -> FloatArray:
    """(B, n, n) negative Hessians: weighted graph Laplacians plus the prior's diagonal."""
    rounds, n = curvature.shape[0], pairs.n_systems
    hessian = np.zeros((rounds, n * n))
    hessian[:, pairs.first * n + pairs.second] = hessian[
        :, pairs.second * n + pairs.first
    ] = -curvature
    hessian[:, np.arange(n) * (n + 1)] = pairs.total(curvature) + prior_curvature
    return hessian.reshape(rounds, n, n)


def _bootstrap(
    counts: PairCounts, pairs: _Pairs, point: FloatArray, rounds: int, seed: int
) -> FloatArray:
    """(rounds, n) replicate logits, fitted a chunk of rounds at a time to bound memory."""
    return _bootstrap_draws(counts, pairs, point, rounds, np.random.default_rng(seed))[0]


def _bootstrap_draws(
    counts: PairCounts, pairs: _Pairs, point: FloatArray, rounds: int, rng: np.random.Generator
) -> tuple[FloatArray, NDArray[np.int64]]:
    """(rounds, n) replicate logits and the (rounds, 3 × pairs) resampled cells behind them."""
    won, lost = pairs.outcomes(counts)
    n = len(counts.systems)
    chunk = max(1, _BOOTSTRAP_CHUNK_ELEMENTS // max(n * n, 3 * pairs.size))
    replicates, draws = [], []
    for begin in range(0, rounds, chunk):
        cells = _resample_cells(counts, pairs, min(chunk, rounds - begin), rng)
        won_b, lost_b = _cell_outcomes(cells)
        start = _chord_step(pairs, won_b, lost_b, point, won, lost)
        replicates.append(_newton(pairs, won_b, lost_b, start, tolerance=_BOOTSTRAP_TOLERANCE))
        draws.append(cells)
    return np.concatenate(replicates), np.concatenate(draws)


def _chord_step(
    pairs: _Pairs,
    won_b: FloatArray,
    lost_b: FloatArray,
    point: FloatArray,
    won: FloatArray,
    lost: FloatArray,
) -> FloatArray:
    """One Newton step per replicate from the point fit, reusing the point fit's Hessian.

    Replicates sit O(1/√votes) from the point fit, so this shared-Hessian step lands most of
    the way at the cost of a matrix product; full Newton steps then finish each replicate.
    """
    p, q = _sigmoids(point[pairs.first] - point[pairs.second])
    prior_p, prior_q = _sigmoids(point)
    curvature = (won + lost) * p * q
    hessian = _hessians(pairs, curvature[None], PRIOR_GAMES * prior_p * prior_q)[0]
    gradient = _gradient(pairs, p, q, won_b, lost_b, prior_p, prior_q)
    step = np.linalg.solve(hessian, gradient.T).T.astype(np.float64)
    return point + step


def _components(counts: PairCounts) -> NDArray[np.int64]:
    """Component index per system: largest component (by systems, then votes) is 0."""
    games = counts.games
    linked = games > 0
    labels = np.full(len(counts.systems), -1, dtype=np.int64)
    for root in range(labels.size):
        if labels[root] >= 0:
            continue
        labels[root], frontier = root, [root]
        while frontier:
            reached = np.flatnonzero(linked[frontier.pop()] & (labels < 0))
            labels[reached] = root
            frontier.extend(reached.tolist())
    votes = games.sum(axis=1)
    order = sorted(
        set(labels.tolist()),
        key=lambda root: (-int(np.sum(labels == root)), -float(votes[labels == root].sum()), root),
    )
    renumber = np.zeros(labels.size, dtype=np.int64)
    renumber[order] = np.arange(len(order))
    return renumber[labels]


def _to_rating_scale(
    logits: FloatArray, component: NDArray[np.int64], counts: PairCounts, anchor: str | None
) -> FloatArray:
    """(B, n) logits → rating points, each component centred (or anchored) on its own."""
    centred = np.empty_like(logits)
    anchor_index = None if anchor is None else counts.systems.index(anchor)
    for label in np.unique(component):
        members = component == label
        if anchor_index is not None and component[anchor_index] == label:
            offset = logits[:, anchor_index : anchor_index + 1]
        else:
            offset = logits[:, members].mean(axis=1, keepdims=True)
        centred[:, members] = logits[:, members] - offset
    return CENTRE + SCALE * centred


def _data_cells(counts: PairCounts, pairs: _Pairs) -> FloatArray:
    """Vote counts per cell: ``first`` won, ``second`` won, tied, for every pair in turn."""
    return np.concatenate(
        [
            counts.wins[pairs.first, pairs.second],
            counts.wins[pairs.second, pairs.first],
            counts.ties[pairs.first, pairs.second],
        ]
    )


def _cell_outcomes(
    cells: NDArray[np.int32] | NDArray[np.int64] | FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """(rounds, 3 × pairs) cell counts → (rounds, pairs) effective wins and losses of ``first``."""
    first_wins, second_wins, tied = np.split(cells.astype(np.float64), 3, axis=1)
    tied *= 0.5
    return first_wins + tied, second_wins + tied


def _resample_cells(
    counts: PairCounts, pairs: _Pairs, rounds: int, rng: np.random.Generator
) -> NDArray[np.int64]:
    """(rounds, 3 × pairs) cell counts from multinomial resampling of all outcomes.

    Same distribution as FastChat's ``rng.multinomial(total, counts / total)``; for fewer votes
    than ``_VOTE_SAMPLING_FACTOR`` × cells it is cheaper to draw the votes themselves.
    """
    cells = _data_cells(counts, pairs)
    total = round(cells.sum())
    whole = np.array_equal(cells, np.round(cells))
    if whole and total <= _VOTE_SAMPLING_FACTOR * cells.size:
        return _draw_votes(cells.astype(np.int64), rounds, rng)
    drawn: NDArray[np.int64] = rng.multinomial(total, cells / cells.sum(), size=rounds)
    return drawn


def _draw_votes(
    cells: NDArray[np.int64], rounds: int, rng: np.random.Generator
) -> NDArray[np.int64]:
    """Resample all votes with replacement, in chunks of rounds to bound memory; count per cell."""
    total, size = int(cells.sum()), cells.size
    cell_of_vote = np.repeat(np.arange(size, dtype=np.int64), cells)
    chunk = max(1, _VOTE_SAMPLING_CHUNK // total)
    draws = np.empty((rounds, size), dtype=np.int64)
    for begin in range(0, rounds, chunk):
        end = min(rounds, begin + chunk)
        picked = cell_of_vote[rng.integers(0, total, size=(end - begin, total))]
        picked += np.arange(end - begin)[:, None] * size
        draws[begin:end] = np.bincount(picked.ravel(), minlength=(end - begin) * size).reshape(
            end - begin, size
        )
    return draws


def _rows(
    counts: PairCounts,
    component: NDArray[np.int64],
    ratings: FloatArray,
    low: FloatArray,
    high: FloatArray,
    preliminary_below: int,
) -> list[Rating]:
    wins = counts.wins.sum(axis=1)
    losses = counts.wins.sum(axis=0)
    ties = counts.ties.sum(axis=1)
    votes = wins + losses + ties
    same_component = component[:, None] == component[None, :]
    ranks = 1 + np.sum(same_component & (low[None, :] > high[:, None]), axis=1)
    rows = []
    for i, system in enumerate(counts.systems):
        played = float(votes[i])
        rows.append(
            Rating(
                system=system,
                rating=float(ratings[i]),
                ci_low=float(low[i]),
                ci_high=float(high[i]),
                rank=int(ranks[i]),
                votes=round(played),
                wins=float(wins[i]),
                losses=float(losses[i]),
                ties=float(ties[i]),
                win_rate=(float(wins[i]) + 0.5 * float(ties[i])) / played if played else 0.0,
                preliminary=played < preliminary_below,
                component=int(component[i]),
            )
        )
    return sorted(rows, key=lambda row: (row.component, -row.rating, row.system))
