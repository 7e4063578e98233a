"""Live leaderboard: vote-by-vote bootstrap updates stay exact resamples, fitted, and honest."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from arena.core import ratings_live
from arena.core.ratings import PairCounts, _newton, leaderboard
from arena.core.ratings_live import LiveLeaderboard
from tests.core.test_ratings import Vote, synthetic_votes

STRENGTHS = {"ash": 0.8, "birch": 0.3, "cedar": 0.0, "dogwood": -0.4, "elm": -1.0}


def _votes(n_votes: int, seed: int = 0) -> list[Vote]:
    return synthetic_votes(STRENGTHS, n_votes, seed=seed, tie_rate=0.15)


def _replicate_cells(live: LiveLeaderboard) -> tuple[np.ndarray, np.ndarray]:
    """The replicates' cell counts (B, 3P) and the data's (3P,), without the padding."""
    state = live._state
    assert state is not None
    width = 3 * state.pairs.size
    return state.cells[:, :width].astype(np.float64), state.data.astype(np.float64)


def _grow(live: LiveLeaderboard, votes: list[Vote], start: int) -> None:
    """Refresh after each vote from ``start`` on, as the arena does."""
    for end in range(start + 1, len(votes) + 1):
        live.refresh(PairCounts.from_votes(votes[:end]))
        assert live.last_refresh == "incremental"


def _assert_fitted(live: LiveLeaderboard) -> None:
    """Every replicate sits where a tight Newton fit of its cells from scratch lands."""
    state = live._state
    assert state is not None
    won = (state.half_games + state.half_margin).T
    lost = (state.half_games - state.half_margin).T
    exact = _newton(state.pairs, won, lost, np.zeros_like(state.logits), tolerance=1e-12)
    assert np.abs(exact - state.logits).max() < 1e-4


def _moment_errors(cells: np.ndarray, data: np.ndarray) -> tuple[float, float]:
    """Largest z-score of the cell means, and largest relative error of the variances,
    against multinomial(N, data / N), over cells holding at least 5 votes."""
    total = data.sum()
    p = data / total
    kept = data >= 5
    mean, variance = total * p[kept], total * p[kept] * (1 - p[kept])
    rounds = cells.shape[0]
    z = (cells[:, kept].mean(axis=0) - mean) / np.sqrt(variance / rounds)
    ratio = cells[:, kept].var(axis=0) / variance
    return float(np.abs(z).max()), float(np.abs(ratio - 1).max())


def test_vote_by_vote_replicates_are_exact_multinomial_resamples() -> None:
    votes = _votes(160)
    live = LiveLeaderboard(bootstrap_rounds=6000, seed=3)
    live.refresh(PairCounts.from_votes(votes[:40]))
    _grow(live, votes, 40)
    cells, data = _replicate_cells(live)
    assert np.all(cells.sum(axis=1) == len(votes))
    assert np.all(cells[:, data == 0] == 0)
    z, variance_error = _moment_errors(cells, data)
    # 6000 replicates: the variance estimate's own error is about √(2/6000) ≈ 2%.
    assert z < 4.0
    assert variance_error < 0.1


def test_the_moment_check_catches_replicates_that_keep_old_draws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without swapping old draws for new votes, replicates under-weigh recent votes."""
    votes = _votes(160)
    live = LiveLeaderboard(bootstrap_rounds=6000, seed=3)
    live.refresh(PairCounts.from_votes(votes[:40]))
    state = live._state
    assert state is not None
    real = state.rng

    class NoSwaps:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def binomial(self, n: int, p: float, size: int) -> np.ndarray:
            return np.zeros(size, dtype=np.int64)

    monkeypatch.setattr(state, "rng", NoSwaps())
    _grow(live, votes, 40)
    cells, data = _replicate_cells(live)
    z, variance_error = _moment_errors(cells, data)
    assert z > 4.0 or variance_error > 0.1


def test_each_replicate_is_fitted_to_the_bootstrap_tolerance() -> None:
    votes = _votes(700, seed=1)
    live = LiveLeaderboard(bootstrap_rounds=300, seed=0)
    live.refresh(PairCounts.from_votes(votes[:600]))
    _grow(live, votes, 600)
    state = live._state
    assert state is not None
    won = (state.half_games + state.half_margin).T
    lost = (state.half_games - state.half_margin).T
    cells, _ = _replicate_cells(live)
    first, second, tied = np.split(cells, 3, axis=1)
    np.testing.assert_allclose(won, first + 0.5 * tied)
    np.testing.assert_allclose(lost, second + 0.5 * tied)
    _assert_fitted(live)


def test_the_board_matches_a_fresh_bootstrap_of_the_same_votes() -> None:
    votes = _votes(2500, seed=2)
    live = LiveLeaderboard(bootstrap_rounds=2000, seed=0)
    live.refresh(PairCounts.from_votes(votes[:2300]))
    _grow(live, votes, 2300)
    fresh = {row.system: row for row in leaderboard(PairCounts.from_votes(votes), seed=9)}
    for row in live.refresh(PairCounts.from_votes(votes)):
        other = fresh[row.system]
        assert row.rating == pytest.approx(other.rating, abs=1e-6)
        assert (row.votes, row.wins, row.ties, row.rank) == (
            other.votes,
            other.wins,
            other.ties,
            other.rank,
        )
        width = other.ci_high - other.ci_low
        # Two independent 2000-round bootstraps: each percentile bound has a Monte Carlo error
        # of about 1.5% of the width, so their difference stays far below 12% (5 SE); a
        # bootstrap with the wrong spread (√2 off) would move the bounds by about 20%.
        assert row.ci_low == pytest.approx(other.ci_low, abs=0.12 * width)
        assert row.ci_high == pytest.approx(other.ci_high, abs=0.12 * width)


def test_first_refresh_is_the_plain_leaderboard_and_unchanged_counts_are_cached() -> None:
    counts = PairCounts.from_votes(_votes(300))
    live = LiveLeaderboard(bootstrap_rounds=200, seed=4)
    board = live.refresh(counts)
    assert live.last_refresh == "rebuilt"
    assert board == leaderboard(counts, bootstrap_rounds=200, seed=4)
    again = PairCounts(counts.systems, counts.wins.copy(), counts.ties.copy())
    assert live.refresh(again) is board
    assert live.last_refresh == "cached"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("one more vote", "incremental"),
        ("a vote removed", "rebuilt"),
        ("a new system", "incremental"),
        ("a system gone", "rebuilt"),
        ("too many new votes", "rebuilt"),
        ("half a vote", "fresh"),
    ],
)
def test_what_each_change_costs(change: str, expected: str) -> None:
    votes = _votes(300)
    live = LiveLeaderboard(bootstrap_rounds=100, max_new_votes=20)
    live.refresh(PairCounts.from_votes(votes[:200]))
    counts = {
        "one more vote": lambda: PairCounts.from_votes(votes[:201]),
        "a vote removed": lambda: PairCounts.from_votes(votes[:199]),
        "a new system": lambda: PairCounts.from_votes([*votes[:200], ("fir", "ash", "a")]),
        "a system gone": lambda: PairCounts.from_votes([v for v in votes[:200] if "elm" not in v]),
        "too many new votes": lambda: PairCounts.from_votes(votes[:221]),
        "half a vote": lambda: _with_half_a_win(PairCounts.from_votes(votes[:200])),
    }[change]()
    board = live.refresh(counts)
    assert live.last_refresh == expected
    assert {row.system for row in board} == set(counts.systems)
    assert sum(row.votes for row in board) == pytest.approx(2 * counts.total, abs=1)


def _with_half_a_win(counts: PairCounts) -> PairCounts:
    wins = counts.wins.copy()
    wins[0, 1] += 0.5
    return PairCounts(counts.systems, wins, counts.ties)


def test_boards_without_bootstrap_material() -> None:
    live = LiveLeaderboard(bootstrap_rounds=50)
    assert live.refresh(PairCounts.from_votes([])) == []
    one = live.refresh(PairCounts.from_votes([("ash", "birch", "a")]))
    assert live.last_refresh == "rebuilt"
    assert [row.system for row in one] == ["ash", "birch"]
    two = live.refresh(PairCounts.from_votes([("ash", "birch", "a"), ("ash", "birch", "b")]))
    assert live.last_refresh == "incremental"
    assert two[0].rating == pytest.approx(two[1].rating)


def test_disconnected_boards_and_anchors_are_kept_per_component() -> None:
    votes = _votes(200) + [("oak", "pine", "a")] * 5 + [("oak", "pine", "b")] * 3
    live = LiveLeaderboard(bootstrap_rounds=200, anchor="cedar", preliminary_below=50)
    live.refresh(PairCounts.from_votes(votes[:-1]))
    board = live.refresh(PairCounts.from_votes(votes))
    assert live.last_refresh == "incremental"
    rows = {row.system: row for row in board}
    assert rows["cedar"].rating == pytest.approx(1000.0)
    assert rows["oak"].component == rows["pine"].component != rows["ash"].component
    assert rows["oak"].rating + rows["pine"].rating == pytest.approx(2000.0)
    assert rows["oak"].preliminary and not rows["ash"].preliminary


def test_a_new_system_joins_the_kept_bootstrap_exactly() -> None:
    """Newcomers enter with no draws anywhere; their first votes are then resampled as usual."""
    votes = _votes(150, seed=6)
    newcomer = [
        ("aspen", name, "a" if i % 3 else "b") for i, name in list(enumerate(STRENGTHS)) * 6
    ]
    live = LiveLeaderboard(bootstrap_rounds=4000, seed=1)
    live.refresh(PairCounts.from_votes(votes))
    everything = votes + newcomer
    for end in range(len(votes) + 1, len(everything) + 1):
        live.refresh(PairCounts.from_votes(everything[:end]))
        assert live.last_refresh == "incremental"
    state = live._state
    assert state is not None and state.systems[1] == "aspen"  # between two old systems
    cells, data = _replicate_cells(live)
    assert np.all(cells.sum(axis=1) == len(everything))
    z, variance_error = _moment_errors(cells, data)
    assert z < 4.0 and variance_error < 0.12
    _assert_fitted(live)
    fresh = leaderboard(PairCounts.from_votes(everything), bootstrap_rounds=0)
    board = live.refresh(PairCounts.from_votes(everything))
    assert [row.system for row in board] == [row.system for row in fresh]
    for row, other in zip(board, fresh, strict=True):
        assert row.rating == pytest.approx(other.rating, abs=1e-6)


def test_a_newly_compared_pair_joins_the_kept_bootstrap_exactly() -> None:
    chain: list[Vote] = [("ash", "birch", "a"), ("birch", "cedar", "b"), ("ash", "birch", "tie")]
    closing: list[Vote] = [("ash", "cedar", "a"), ("cedar", "ash", "a"), ("ash", "cedar", "tie")]
    votes = chain * 20 + closing * 10
    live = LiveLeaderboard(bootstrap_rounds=4000, seed=2)
    live.refresh(PairCounts.from_votes(votes[:60]))
    state = live._state
    assert state is not None and state.pairs.size == 2
    _grow(live, votes, 60)
    state = live._state
    assert state is not None and state.pairs.size == 3
    cells, data = _replicate_cells(live)
    assert np.all(cells.sum(axis=1) == len(votes))
    z, variance_error = _moment_errors(cells, data)
    assert z < 4.0 and variance_error < 0.12
    _assert_fitted(live)


def test_slow_replicates_are_handed_to_newton(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no chord steps allowed, every moving replicate is fitted by Newton instead."""
    monkeypatch.setattr(ratings_live, "_CHORD_STEPS", 0)
    votes = _votes(400, seed=5)
    live = LiveLeaderboard(bootstrap_rounds=200)
    live.refresh(PairCounts.from_votes(votes[:390]))
    _grow(live, votes, 390)
    _assert_fitted(live)


def test_a_failed_update_falls_back_to_a_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    votes = _votes(300, seed=7)
    live = LiveLeaderboard(bootstrap_rounds=100)
    live.refresh(PairCounts.from_votes(votes[:299]))

    def diverge(state: Any) -> None:
        raise RuntimeError("did not converge")

    monkeypatch.setattr(ratings_live, "_refit", diverge)
    board = live.refresh(PairCounts.from_votes(votes))
    assert live.last_refresh == "rebuilt"
    assert board == leaderboard(PairCounts.from_votes(votes), bootstrap_rounds=100, seed=0)
