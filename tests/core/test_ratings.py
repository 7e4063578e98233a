"""Bradley–Terry leaderboard: agreement with an independent scipy fit, bootstrap, edge cases."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import minimize

from arena.core import ratings, ratings_covariates
from arena.core.ratings import (
    CENTRE,
    PRIOR_GAMES,
    SCALE,
    Outcome,
    PairCounts,
    Rating,
    RatingsInputError,
    elo_history,
    fit_bradley_terry,
    head_to_head,
    leaderboard,
    predicted_win_rates,
)

Vote = tuple[str, str, Outcome]


def synthetic_votes(
    strengths: dict[str, float], n_votes: int, seed: int, tie_rate: float = 0.1
) -> list[Vote]:
    """Votes between random pairs drawn from a BT model with the given logit strengths."""
    rng = np.random.default_rng(seed)
    names = list(strengths)
    votes: list[Vote] = []
    for _ in range(n_votes):
        a, b = rng.choice(len(names), size=2, replace=False)
        p_a = 1 / (1 + math.exp(strengths[names[b]] - strengths[names[a]]))
        draw = rng.random()
        if draw < tie_rate:
            outcome: Outcome = "tie" if rng.random() < 0.5 else "both_bad"
        else:
            outcome = "a" if rng.random() < p_a else "b"
        votes.append((names[a], names[b], outcome))
    return votes


def reference_ratings(votes: list[Vote], prior_games: float) -> dict[str, float]:
    """Independent fit: per-vote logistic likelihood (tie = half a win) + virtual ties, L-BFGS."""
    names = sorted({name for a, b, _ in votes for name in (a, b)})
    index = {name: i for i, name in enumerate(names)}
    first = np.array([index[a] for a, _, _ in votes])
    second = np.array([index[b] for _, b, _ in votes])
    score = np.array([{"a": 1.0, "b": 0.0}.get(outcome, 0.5) for _, _, outcome in votes])

    def loss_and_gradient(x: np.ndarray) -> tuple[float, np.ndarray]:
        margin = x[first] - x[second]
        p = 1 / (1 + np.exp(-margin))
        loss = -np.sum(score * -np.logaddexp(0, -margin) + (1 - score) * -np.logaddexp(0, margin))
        residual = score - p
        gradient = -np.bincount(first, residual, len(names)) + np.bincount(
            second, residual, len(names)
        )
        q = 1 / (1 + np.exp(-x))
        loss += prior_games * np.sum(0.5 * np.logaddexp(0, -x) + 0.5 * np.logaddexp(0, x))
        gradient += prior_games * (q - 0.5)
        return float(loss), gradient

    result = minimize(
        loss_and_gradient,
        np.zeros(len(names)),
        jac=True,
        method="L-BFGS-B",
        options={"gtol": 1e-11, "ftol": 1e-15, "maxiter": 10_000},
    )
    assert result.success, result.message
    logits = result.x - result.x.mean()
    return {name: CENTRE + SCALE * logits[index[name]] for name in names}


STRENGTHS = {"alpha": 1.2, "bravo": 0.6, "charlie": 0.0, "delta": -0.4, "echo": -1.5}


def by_system(board: list[Rating]) -> dict[str, Rating]:
    return {row.system: row for row in board}


def test_matches_independent_scipy_fit_within_a_hundredth_of_a_point() -> None:
    votes = synthetic_votes(STRENGTHS, 3000, seed=1)
    reference = reference_ratings(votes, PRIOR_GAMES)
    board = by_system(leaderboard(PairCounts.from_votes(votes), bootstrap_rounds=0))
    for name, expected in reference.items():
        assert board[name].rating == pytest.approx(expected, abs=0.01)


def test_sparse_data_with_a_winless_system_matches_the_reference_too() -> None:
    votes: list[Vote] = [("a", "b", "a"), ("b", "c", "tie"), ("c", "a", "b"), ("a", "d", "a")]
    votes += [("b", "d", "a"), ("c", "d", "both_bad"), ("b", "a", "a")]
    reference = reference_ratings(votes, PRIOR_GAMES)
    board = by_system(leaderboard(PairCounts.from_votes(votes), bootstrap_rounds=0))
    for name, expected in reference.items():
        assert board[name].rating == pytest.approx(expected, abs=0.01)


def test_prior_is_negligible_with_many_votes() -> None:
    votes = synthetic_votes(STRENGTHS, 20_000, seed=2)
    without_prior = reference_ratings(votes, prior_games=0.0)
    board = by_system(leaderboard(PairCounts.from_votes(votes), bootstrap_rounds=0))
    for name, expected in without_prior.items():
        assert board[name].rating == pytest.approx(expected, abs=0.5)


def test_recovers_the_true_order_and_scale() -> None:
    votes = synthetic_votes(STRENGTHS, 20_000, seed=3, tie_rate=0.0)
    board = leaderboard(PairCounts.from_votes(votes), bootstrap_rounds=200)
    assert [row.system for row in board] == list(STRENGTHS)
    truth = np.array(list(STRENGTHS.values()))
    expected = CENTRE + SCALE * (truth - truth.mean())
    for row, rating in zip(board, expected, strict=True):
        assert row.ci_low - 15 < rating < row.ci_high + 15


def test_ratings_are_centred_and_sorted_best_first() -> None:
    board = leaderboard(PairCounts.from_votes(synthetic_votes(STRENGTHS, 2000, seed=4)))
    ratings = [row.rating for row in board]
    assert ratings == sorted(ratings, reverse=True)
    assert np.mean(ratings) == pytest.approx(CENTRE)


def test_anchor_pins_a_system_at_1000_with_a_zero_width_interval() -> None:
    counts = PairCounts.from_votes(synthetic_votes(STRENGTHS, 2000, seed=5))
    centred = by_system(leaderboard(counts, bootstrap_rounds=50))
    anchored = by_system(leaderboard(counts, bootstrap_rounds=50, anchor="charlie"))
    assert anchored["charlie"].rating == pytest.approx(1000.0)
    assert anchored["charlie"].ci_low == anchored["charlie"].ci_high == pytest.approx(1000.0)
    shift = centred["charlie"].rating - 1000.0
    for name in STRENGTHS:
        assert anchored[name].rating == pytest.approx(centred[name].rating - shift)


def test_unknown_anchor_is_a_clear_error() -> None:
    counts = PairCounts.from_votes([("a", "b", "a")])
    with pytest.raises(RatingsInputError, match="'zulu'"):
        leaderboard(counts, anchor="zulu")


def test_bootstrap_is_reproducible_with_a_seed_and_varies_without() -> None:
    counts = PairCounts.from_votes(synthetic_votes(STRENGTHS, 1500, seed=6))
    first = leaderboard(counts, bootstrap_rounds=300, seed=11)
    again = leaderboard(counts, bootstrap_rounds=300, seed=11)
    other = leaderboard(counts, bootstrap_rounds=300, seed=12)
    assert first == again
    assert [row.ci_low for row in first] != [row.ci_low for row in other]


def test_intervals_bracket_the_estimate_and_shrink_with_more_votes() -> None:
    small = by_system(leaderboard(PairCounts.from_votes(synthetic_votes(STRENGTHS, 500, seed=7))))
    large = by_system(leaderboard(PairCounts.from_votes(synthetic_votes(STRENGTHS, 8000, seed=7))))
    for name in STRENGTHS:
        assert small[name].ci_low <= small[name].rating <= small[name].ci_high
        width_small = small[name].ci_high - small[name].ci_low
        width_large = large[name].ci_high - large[name].ci_low
        assert width_large < width_small / 2


def test_rank_counts_systems_whose_lower_bound_beats_this_upper_bound() -> None:
    board = leaderboard(PairCounts.from_votes(synthetic_votes(STRENGTHS, 800, seed=8)))
    for row in board:
        better = sum(other.ci_low > row.ci_high for other in board)
        assert row.rank == 1 + better
    assert board[0].rank == 1
    assert board[-1].rank > 1


def test_ties_count_half_a_win_and_both_bad_is_a_tie() -> None:
    board = by_system(
        leaderboard(
            PairCounts.from_votes([("x", "y", "tie"), ("y", "x", "both_bad"), ("x", "y", "a")])
        )
    )
    assert board["x"].wins == 1 and board["x"].ties == 2 and board["x"].losses == 0
    assert board["x"].win_rate == pytest.approx(2 / 3)
    assert board["y"].win_rate == pytest.approx(1 / 3)
    only_ties = by_system(leaderboard(PairCounts.from_votes([("x", "y", "tie")] * 5)))
    assert only_ties["x"].rating == pytest.approx(only_ties["y"].rating)


def test_winless_and_lossless_systems_stay_finite_as_documented() -> None:
    losses = 20
    votes: list[Vote] = [("top", "bottom", "a")] * losses
    board = by_system(leaderboard(PairCounts.from_votes(votes), bootstrap_rounds=20))
    gap = board["top"].rating - board["bottom"].rating
    assert math.isfinite(gap)
    # Two systems, each pulled towards logit 0 by one virtual tie: gap ≈ 2·SCALE·ln(2·(L+…)).
    assert SCALE * math.log(2 * losses) < gap < 2 * SCALE * math.log(4 * losses)


def test_disconnected_components_are_rated_on_their_own_scales() -> None:
    votes: list[Vote] = [("a", "b", "a")] * 10 + [("b", "c", "a")] * 6 + [("c", "a", "tie")] * 2
    votes += [("x", "y", "a")] * 3 + [("x", "y", "b")]
    board = leaderboard(PairCounts.from_votes(votes), bootstrap_rounds=100)
    components: dict[int, list[Rating]] = {}
    for row in board:
        components.setdefault(row.component, []).append(row)
    assert sorted(row.system for row in components[0]) == ["a", "b", "c"]
    assert sorted(row.system for row in components[1]) == ["x", "y"]
    for rows in components.values():
        assert np.mean([row.rating for row in rows]) == pytest.approx(CENTRE)
        assert rows[0].rank == 1
    assert [row.component for row in board] == [0, 0, 0, 1, 1]


def test_no_votes_gives_an_empty_board() -> None:
    assert leaderboard(PairCounts.from_votes([])) == []


def test_one_system_is_rated_1000_with_a_point_interval() -> None:
    counts = PairCounts(("solo",), np.zeros((1, 1)), np.zeros((1, 1)))
    (row,) = leaderboard(counts)
    assert (row.rating, row.ci_low, row.ci_high, row.rank) == (1000.0, 1000.0, 1000.0, 1)
    assert (row.votes, row.win_rate, row.preliminary) == (0, 0.0, True)


def test_a_system_without_votes_is_its_own_component() -> None:
    counts = PairCounts.from_rows([("a", "b", 4, 1, 0), ("a", "new", 0, 0, 0)])
    board = by_system(leaderboard(counts))
    assert board["new"].component == 1 and board["new"].rating == 1000.0
    assert board["a"].component == board["b"].component == 0


def test_preliminary_flag_follows_the_threshold() -> None:
    votes: list[Vote] = [("a", "b", "a")] * 5 + [("a", "c", "b")] * 5
    board = by_system(leaderboard(PairCounts.from_votes(votes), preliminary_below=6))
    assert not board["a"].preliminary
    assert board["b"].preliminary and board["c"].preliminary


def test_from_rows_adds_both_orientations_and_matches_from_votes() -> None:
    votes: list[Vote] = [("a", "b", "a"), ("b", "a", "a"), ("b", "a", "tie"), ("a", "c", "b")]
    from_votes = PairCounts.from_votes(votes)
    from_rows = PairCounts.from_rows(
        [("a", "b", 1, 0, 0), ("b", "a", 1, 0, 1), ("a", "c", 0, 1, 0)]
    )
    assert from_rows.systems == from_votes.systems == ("a", "b", "c")
    np.testing.assert_array_equal(from_rows.wins, from_votes.wins)
    np.testing.assert_array_equal(from_rows.ties, from_votes.ties)
    assert from_rows.total == 4


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ([("a", "a", "a")], "compared with itself"),
        ([("a", "b", "draw")], "Unknown outcome 'draw'"),
    ],
)
def test_bad_votes_are_clear_errors(votes: list[Vote], message: str) -> None:
    with pytest.raises(RatingsInputError, match=message):
        PairCounts.from_votes(votes)


def test_bad_rows_and_matrices_are_clear_errors() -> None:
    with pytest.raises(RatingsInputError, match="negative count"):
        PairCounts.from_rows([("a", "b", -1, 0, 0)])
    with pytest.raises(RatingsInputError, match="compared with itself"):
        PairCounts.from_rows([("a", "a", 1, 0, 0)])
    with pytest.raises(RatingsInputError, match="symmetric"):
        PairCounts(("a", "b"), np.zeros((2, 2)), np.array([[0.0, 1.0], [0.0, 0.0]]))
    with pytest.raises(RatingsInputError, match="shape"):
        PairCounts(("a", "b"), np.zeros((3, 3)), np.zeros((2, 2)))
    with pytest.raises(RatingsInputError, match="bootstrap_rounds"):
        leaderboard(PairCounts.from_votes([("a", "b", "a")]), bootstrap_rounds=-1)


def test_fit_bradley_terry_returns_logits_with_the_model_s_odds() -> None:
    counts = PairCounts.from_votes([("a", "b", "a")] * 300 + [("a", "b", "b")] * 100)
    logits = fit_bradley_terry(counts)
    # 3:1 odds, pulled a little towards even by the two virtual ties.
    assert logits[0] - logits[1] == pytest.approx(math.log(3), abs=0.02)
    assert logits[0] - logits[1] < math.log(3)


def test_head_to_head_is_the_observed_share_with_ties_half() -> None:
    votes: list[Vote] = [("a", "b", "a")] * 3 + [("b", "a", "tie")] + [("b", "c", "b")]
    matrix = head_to_head(PairCounts.from_votes(votes))
    assert matrix.systems == ("a", "b", "c")
    assert matrix.values[0, 1] == pytest.approx(3.5 / 4)
    assert matrix.values[1, 0] == pytest.approx(0.5 / 4)
    assert matrix.values[2, 1] == 1.0
    assert np.isnan(matrix.values[0, 2]) and np.isnan(matrix.values[1, 1])


def test_predicted_win_rates_follow_the_elo_scale_within_components() -> None:
    votes: list[Vote] = [("a", "b", "a")] * 9 + [("a", "b", "b")] * 3 + [("x", "y", "a")]
    board = leaderboard(PairCounts.from_votes(votes), bootstrap_rounds=0)
    matrix = predicted_win_rates(board)
    assert matrix.systems == tuple(row.system for row in board)
    rating = {row.system: row.rating for row in board}
    i, j = matrix.systems.index("a"), matrix.systems.index("b")
    gap = rating["a"] - rating["b"]
    assert matrix.values[i, j] == pytest.approx(1 / (1 + 10 ** (-gap / 400)))
    assert matrix.values[i, j] + matrix.values[j, i] == pytest.approx(1.0)
    assert np.isnan(matrix.values[i, matrix.systems.index("x")])
    assert np.isnan(matrix.values[i, i])


def test_a_400_point_gap_is_ten_to_one_odds() -> None:
    board = [
        Rating("p", 1200.0, 1200.0, 1200.0, 1, 10, 9, 1, 0, 0.9, False, 0),
        Rating("q", 800.0, 800.0, 800.0, 2, 10, 1, 9, 0, 0.1, False, 0),
    ]
    assert predicted_win_rates(board).values[0, 1] == pytest.approx(10 / 11)


def test_elo_history_updates_each_vote_and_starts_systems_at_nan() -> None:
    votes: list[Vote] = [("a", "b", "a"), ("b", "c", "tie"), ("c", "a", "both_bad")]
    history = elo_history(votes, k=4.0)
    assert history.systems == ("a", "b", "c")
    assert history.steps.tolist() == [1, 2, 3]
    assert history.ratings[0, :2].tolist() == [1002.0, 998.0]
    assert np.isnan(history.ratings[0, 2])
    assert history.ratings[1, 1] > 998.0 - 1e-9 and history.ratings[1, 2] < 1000.0
    assert np.nansum(history.ratings[-1]) == pytest.approx(3000.0)


def test_elo_history_snapshots_every_n_votes_and_the_last() -> None:
    votes = synthetic_votes(STRENGTHS, 25, seed=9)
    history = elo_history(votes, every=10)
    assert history.steps.tolist() == [10, 20, 25]
    assert history.ratings.shape == (3, len(history.systems))
    full = elo_history(votes)
    np.testing.assert_allclose(history.ratings[-1], full.ratings[-1])


def test_elo_history_rejects_bad_votes_and_options() -> None:
    with pytest.raises(RatingsInputError, match="Unknown outcome"):
        elo_history([("a", "b", "x")])  # type: ignore[list-item]
    with pytest.raises(RatingsInputError, match="every"):
        elo_history([], every=0)


def test_elo_history_of_no_votes_is_empty() -> None:
    history = elo_history([])
    assert history.systems == () and history.steps.shape == (0,)
    assert history.ratings.shape == (0, 0)


def test_bootstrap_does_not_depend_on_how_rounds_are_chunked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counts = PairCounts.from_votes(synthetic_votes(STRENGTHS, 3000, seed=10))
    whole = leaderboard(counts, bootstrap_rounds=120, seed=5)
    monkeypatch.setattr(ratings, "_BOOTSTRAP_CHUNK_ELEMENTS", 1)
    chunked = leaderboard(counts, bootstrap_rounds=120, seed=5)
    for mine, theirs in zip(whole, chunked, strict=True):
        assert (mine.system, mine.rank) == (theirs.system, theirs.rank)
        assert mine.ci_low == pytest.approx(theirs.ci_low, abs=1e-6)
        assert mine.ci_high == pytest.approx(theirs.ci_high, abs=1e-6)


def test_vote_draws_have_the_multinomial_mean_and_covariance() -> None:
    cells = np.array([5, 0, 12, 3, 30], dtype=np.int64)
    rounds, total = 40_000, int(cells.sum())
    draws = ratings._draw_votes(cells, rounds, np.random.default_rng(0))
    assert draws.shape == (rounds, cells.size)
    assert np.all(draws.sum(axis=1) == total)
    p = cells / total
    np.testing.assert_allclose(draws.mean(axis=0), total * p, atol=0.1)
    expected = total * (np.diag(p) - np.outer(p, p))
    np.testing.assert_allclose(np.cov(draws, rowvar=False), expected, atol=0.25)


def test_both_resampling_methods_give_the_same_intervals_statistically(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counts = PairCounts.from_votes(synthetic_votes(STRENGTHS, 1000, seed=12))
    by_votes = by_system(leaderboard(counts, bootstrap_rounds=2000))
    monkeypatch.setattr(ratings, "_VOTE_SAMPLING_FACTOR", 0)
    by_counts = by_system(leaderboard(counts, bootstrap_rounds=2000))
    for name in STRENGTHS:
        assert by_votes[name].ci_low == pytest.approx(by_counts[name].ci_low, abs=8)
        assert by_votes[name].ci_high == pytest.approx(by_counts[name].ci_high, abs=8)


def test_every_public_name_is_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "ratings.md").read_text()
    public = [*ratings.__all__, *ratings_covariates.__all__]
    assert [name for name in public if f"`{name}" not in text] == []


def test_huge_one_sided_counts_converge_to_a_finite_order() -> None:
    wins = np.zeros((4, 4))
    wins[0, 1], wins[1, 2], wins[2, 3] = 3e8, 5e7, 2e8
    board = leaderboard(PairCounts(("a", "b", "c", "d"), wins, np.zeros((4, 4))), seed=1)
    assert [row.system for row in board] == ["a", "b", "c", "d"]
    assert all(math.isfinite(value) for row in board for value in (row.ci_low, row.ci_high))


def test_random_count_tables_always_give_finite_consistent_boards() -> None:
    rng = np.random.default_rng(0)
    for case in range(60):
        n = int(rng.integers(1, 9))
        scale = 10.0 ** rng.integers(0, 7)
        wins = np.floor(rng.random((n, n)) * scale) * (rng.random((n, n)) < rng.random())
        np.fill_diagonal(wins, 0.0)
        ties = np.triu(np.floor(rng.random((n, n)) * scale) * (rng.random() < 0.3), 1)
        counts = PairCounts(tuple(f"s{i}" for i in range(n)), wins, ties + ties.T)
        board = leaderboard(counts, bootstrap_rounds=int(rng.integers(0, 40)), seed=case)
        assert sorted(row.system for row in board) == list(counts.systems)
        for row in board:
            assert math.isfinite(row.rating) and row.ci_low <= row.ci_high
            assert 1 <= row.rank <= n
        keys = [(row.component, -row.rating) for row in board]
        assert keys == sorted(keys)
