"""Ratings engine benchmark: speed, agreement with FastChat's compute_bt, rank recovery, coverage.

Usage: .venv/bin/python -m benchmarks.ratings [--votes 1000000] [--systems 50] [--rounds 1000]
           [--coverage-reps 200] [--coverage 10x5000,20x2000] [--seed 0]
           [--only speed|refresh|live|coverage]
Synthetic votes come from a Bradley–Terry model with known strengths (logits ~ N(0, 1));
10% of the speed-test votes are ties, the coverage votes have none (so the truth is exact).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.stats import spearmanr

from arena.cli.ratings import read_battles_csv
from arena.core.ratings import CENTRE, SCALE, Outcome, PairCounts, leaderboard
from arena.core.ratings_live import LiveLeaderboard

T = TypeVar("T")
FloatArray = NDArray[np.float64]
OUTCOME_CODES: tuple[Outcome, ...] = ("a", "b", "tie", "both_bad")
FASTCHAT_WINNERS = ("model_a", "model_b", "tie", "tie (bothbad)")


def simulate(
    strengths: FloatArray, n_votes: int, tie_rate: float, rng: np.random.Generator
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Votes as (side a, side b, outcome code) arrays; ties split evenly into tie/both_bad."""
    n = strengths.size
    first = rng.integers(0, n, n_votes)
    second = (first + rng.integers(1, n, n_votes)) % n
    p_first = 1.0 / (1.0 + np.exp(strengths[second] - strengths[first]))
    outcome = np.where(rng.random(n_votes) < p_first, 0, 1)
    tied = rng.random(n_votes) < tie_rate
    outcome[tied] = 2 + (rng.random(int(tied.sum())) < 0.5)
    return first, second, outcome


def timed(action: Callable[[], T], repeats: int = 1) -> tuple[T, float]:
    """The action's result and its median wall time over ``repeats`` runs."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - start)
    return result, statistics.median(seconds)


def fastchat_compute_bt(
    first: NDArray[np.intp],
    second: NDArray[np.intp],
    outcome: NDArray[np.intp],
    n: int,
    bootstrap_rounds: int = 0,
) -> tuple[FloatArray, float]:
    """FastChat-style compute_bt: unique (pair, outcome) weights, L-BFGS-B, base 10, scale 400.

    Written from the published method (ties = 0.5, alpha = ln 10, gtol 1e-6, ratings
    400·x + 1000), to check that this engine lands on the reference's numbers. Also returns
    the seconds per bootstrap round of the same method (one L-BFGS fit per multinomial draw,
    weights normalized by the vote count as FastChat does).
    """
    score_code = np.select([outcome == 0, outcome == 1], [2, 0], default=1)
    schedule = np.column_stack([first, second, score_code])
    unique, weights = np.unique(schedule, axis=0, return_counts=True)
    pairs, target = unique[:, :2], unique[:, 2] / 2.0
    ratings = _fastchat_fit(pairs, target, weights.astype(np.float64), n)
    if bootstrap_rounds == 0:
        return ratings, 0.0
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    draws = rng.multinomial(len(first), weights / weights.sum(), size=bootstrap_rounds)
    for draw in draws:
        _fastchat_fit(pairs, target, draw / len(first), n)
    return ratings, (time.perf_counter() - start) / bootstrap_rounds


def _fastchat_fit(
    pairs: NDArray[np.intp], target: FloatArray, weights: FloatArray, n: int
) -> FloatArray:
    alpha = np.log(10.0)

    def loss(x: FloatArray) -> tuple[float, FloatArray]:
        margin = alpha * (x[pairs[:, 0]] - x[pairs[:, 1]])
        p = 1.0 / (1.0 + np.exp(-margin))
        value = -np.sum(weights * (target * np.log(p) + (1 - target) * np.log1p(-p)))
        g = weights * (p - target) * alpha
        gradient = np.bincount(pairs[:, 0], g, n) - np.bincount(pairs[:, 1], g, n)
        return float(value), gradient.astype(np.float64)

    result = minimize(
        loss, np.zeros(n), jac=True, method="L-BFGS-B", options={"maxiter": 100, "gtol": 1e-6}
    )
    ratings: FloatArray = 400.0 * result.x + 1000.0
    return ratings


def speed_and_agreement(args: argparse.Namespace) -> None:
    rng = np.random.default_rng(args.seed)
    strengths = rng.normal(0.0, 1.0, args.systems)
    first, second, outcome = simulate(strengths, args.votes, 0.1, rng)
    names = np.array([f"system-{i:02d}" for i in range(args.systems)])
    votes = list(
        zip(
            names[first].tolist(),
            names[second].tolist(),
            [OUTCOME_CODES[code] for code in outcome.tolist()],
            strict=True,
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "battles.csv"
        with path.open("w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["model_a", "model_b", "winner"])
            winners = [FASTCHAT_WINNERS[code] for code in outcome.tolist()]
            writer.writerows(
                zip(names[first].tolist(), names[second].tolist(), winners, strict=True)
            )
        _, parse_seconds = timed(lambda: read_battles_csv(path))
    counts, aggregate_seconds = timed(lambda: PairCounts.from_votes(votes), repeats=3)
    _, fit_seconds = timed(lambda: leaderboard(counts, bootstrap_rounds=0), repeats=3)
    board, total_fit_seconds = timed(
        lambda: leaderboard(counts, bootstrap_rounds=args.rounds), repeats=3
    )
    (reference, _), reference_seconds = timed(
        lambda: fastchat_compute_bt(first, second, outcome, args.systems)
    )
    _, per_round = fastchat_compute_bt(first, second, outcome, args.systems, bootstrap_rounds=5)
    ours = np.array([next(r.rating for r in board if r.system == name) for name in names])
    difference = np.abs((ours - ours.mean()) - (reference - reference.mean())).max()
    correlation = spearmanr(ours, strengths).statistic
    widths = [row.ci_high - row.ci_low for row in board]
    print(f"## {args.votes:,} votes, {args.systems} systems, {args.rounds} bootstrap rounds")
    print(f"CSV parsing (csv module, excluded)     {parse_seconds:8.3f} s")
    print(f"aggregate votes → pair counts          {aggregate_seconds:8.3f} s")
    print(f"fit (no bootstrap)                     {fit_seconds:8.3f} s")
    print(f"fit + {args.rounds} bootstrap rounds            {total_fit_seconds:8.3f} s")
    print(f"aggregate + fit + bootstrap            {aggregate_seconds + total_fit_seconds:8.3f} s")
    print(f"FastChat-style compute_bt (fit only)   {reference_seconds:8.3f} s")
    print(f"FastChat-style bootstrap, per round    {per_round:8.3f} s (one process)")
    print(f"max |ours − compute_bt| (centred)      {difference:8.3f} points")
    print(f"Spearman rank correlation with truth   {correlation:8.4f}")
    print(f"median 95% CI width                    {statistics.median(widths):8.2f} points")


def refresh(args: argparse.Namespace) -> None:
    print(f"## leaderboard refresh from pair counts, {args.systems} systems (median of 5)")
    rng = np.random.default_rng(args.seed + 1)
    strengths = rng.normal(0.0, 1.0, args.systems)
    for n_votes in (5_000, 50_000, 1_000_000):
        first, second, outcome = simulate(strengths, n_votes, 0.1, rng)
        counts = counts_from_arrays(first, second, outcome, args.systems)
        for rounds in (0, 100, 200, args.rounds):
            times = [refresh_seconds(counts, rounds) for _ in range(5)]
            milliseconds = 1000 * statistics.median(times)
            print(f"{n_votes:>9,} votes  {rounds:>4} rounds  {milliseconds:7.1f} ms")


def live_refresh(args: argparse.Namespace) -> None:
    """A live board refreshed after every one of 100 votes, after one rebuild."""
    print(
        f"## live leaderboard (LiveLeaderboard), {args.systems} systems, {args.rounds} rounds: "
        "rebuild, then a refresh after each of 100 votes"
    )
    rng = np.random.default_rng(args.seed + 3)
    strengths = rng.normal(0.0, 1.0, args.systems)
    for n_votes in (500, 1_000, 2_000, 5_000, 50_000, 1_000_000):
        first, second, outcome = simulate(strengths, n_votes + 100, 0.1, rng)
        wins = np.zeros((args.systems, args.systems))
        ties = np.zeros_like(wins)
        np.add.at(wins, (first[outcome == 0], second[outcome == 0]), 1.0)
        np.add.at(wins, (second[outcome == 1], first[outcome == 1]), 1.0)
        np.add.at(ties, (first[outcome >= 2], second[outcome >= 2]), 1.0)
        names = tuple(f"system-{i:02d}" for i in range(args.systems))
        later = [(first[k], second[k], outcome[k]) for k in range(n_votes, n_votes + 100)]
        for i, j, code in later:  # back out the last 100 votes, to add them one at a time
            _tally(wins, ties, i, j, code, -1.0)
        live = LiveLeaderboard(bootstrap_rounds=args.rounds, seed=args.seed)
        start = time.perf_counter()
        live.refresh(PairCounts(names, wins.copy(), ties + ties.T))
        rebuild = time.perf_counter() - start
        times = []
        for i, j, code in later:
            _tally(wins, ties, i, j, code, 1.0)
            counts = PairCounts(names, wins.copy(), ties + ties.T)
            start = time.perf_counter()
            live.refresh(counts)
            times.append(time.perf_counter() - start)
            assert live.last_refresh == "incremental"
        p50, p95 = np.percentile(times, [50, 95]) * 1000
        print(
            f"{n_votes:>9,} votes  rebuild {1000 * rebuild:6.0f} ms  per vote: p50 {p50:5.1f} ms"
            f"  p95 {p95:5.1f} ms  max {1000 * max(times):5.1f} ms"
        )


def _tally(wins: FloatArray, ties: FloatArray, i: int, j: int, code: int, change: float) -> None:
    if code == 0:
        wins[i, j] += change
    elif code == 1:
        wins[j, i] += change
    else:
        ties[min(i, j), max(i, j)] += change


def refresh_seconds(counts: PairCounts, rounds: int) -> float:
    start = time.perf_counter()
    leaderboard(counts, bootstrap_rounds=rounds)
    return time.perf_counter() - start


def counts_from_arrays(
    first: NDArray[np.intp], second: NDArray[np.intp], outcome: NDArray[np.intp], n: int
) -> PairCounts:
    wins = np.zeros((n, n))
    ties = np.zeros((n, n))
    np.add.at(wins, (first[outcome == 0], second[outcome == 0]), 1.0)
    np.add.at(wins, (second[outcome == 1], first[outcome == 1]), 1.0)
    np.add.at(ties, (first[outcome >= 2], second[outcome >= 2]), 1.0)
    return PairCounts(tuple(f"system-{i:02d}" for i in range(n)), wins, ties + ties.T)


def coverage(args: argparse.Namespace) -> None:
    for setting in args.coverage.split(","):
        n, n_votes = (int(part) for part in setting.split("x"))
        coverage_of(n, n_votes, args.coverage_reps, args.rounds, args.seed)


def coverage_of(n: int, n_votes: int, reps: int, rounds: int, seed: int) -> None:
    """Share of (repetition, system) whose 95% interval holds the true centred rating."""
    print(f"## coverage: {reps} repetitions, {n} systems, {n_votes:,} votes, {rounds} rounds")
    rng = np.random.default_rng(seed + 2)
    covered = 0
    start = time.perf_counter()
    for rep in range(reps):
        strengths = rng.normal(0.0, 1.0, n)
        counts = counts_from_arrays(*simulate(strengths, n_votes, 0.0, rng), n)
        truth = CENTRE + SCALE * (strengths - strengths.mean())
        board = leaderboard(counts, bootstrap_rounds=rounds, seed=rep)
        covered += sum(
            row.ci_low <= truth[counts.systems.index(row.system)] <= row.ci_high for row in board
        )
    elapsed = time.perf_counter() - start
    share = covered / (reps * n)
    error = 1.96 * (share * (1 - share) / (reps * n)) ** 0.5
    print(f"95% CI coverage of the true rating     {share:8.1%} (± {error:.1%} simulation error)")
    print(f"time per repetition                    {elapsed / reps:8.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--systems", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--coverage-reps", type=int, default=200)
    parser.add_argument(
        "--coverage",
        default="10x5000,20x2000",
        help="comma-separated SYSTEMSxVOTES settings for the coverage study (votes without ties)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--only", choices=("speed", "refresh", "live", "coverage"), help="run one part only"
    )
    args = parser.parse_args()
    parts = {
        "speed": speed_and_agreement,
        "refresh": refresh,
        "live": live_refresh,
        "coverage": coverage,
    }
    for name, part in parts.items():
        if args.only in (None, name):
            part(args)


if __name__ == "__main__":
    main()
