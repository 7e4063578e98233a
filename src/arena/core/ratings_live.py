"""Live leaderboards: an exact bootstrap kept up to date one vote at a time.

A fresh 1000-round bootstrap of 50 systems costs a few hundred milliseconds, mostly drawing
3.7 million multinomial cells and refitting every replicate from scratch. A voice arena wants a
new leaderboard after every vote, and between two votes the data barely changes, so
`LiveLeaderboard` keeps its replicates and brings them up to date instead:

* **Resampling stays exact.** A replicate is N draws with replacement from the N votes. When a
  vote arrives, each draw is swapped for the new vote with probability 1/(N+1), and one more
  draw from all N+1 votes is added. Each of the N+1 draws is then independent and uniform over
  the N+1 votes: the replicate is again a multinomial resample of everything, just as if it had
  been drawn fresh (a coupling, not an approximation). The number swapped is
  Binomial(N, 1/(N+1)), about one; which draws go is a uniform pick from the replicate's cells.
* **Refitting is warm.** A replicate moves O(1/N) when one or two of its draws change. Its
  gradient at the old logits is updated for the changed cells only, a step is taken with the
  replicate's stored inverse Hessian, and the full gradient is checked: a replicate counts as
  fitted only when the next step would be below the fresh bootstrap's tolerance. A few stored
  inverses are recomputed at every refresh (and any replicate that converges slowly gets a fresh
  one), so none goes stale.

The intervals therefore have the same distribution as ``leaderboard``'s; the replicates differ
from a fresh bootstrap with the same seed, because they depend on the order votes arrived in.
`arena ratings rebuild` and `arena ratings fit` stay reproducible from the seed alone.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from arena.core.ratings import (
    _BOOTSTRAP_TOLERANCE,
    PRIOR_GAMES,
    FloatArray,
    PairCounts,
    Rating,
    _bootstrap_draws,
    _cell_outcomes,
    _check_options,
    _data_cells,
    _hessians,
    _newton,
    _Pairs,
    board_from_logits,
    leaderboard,
    single_blas_thread,
)

__all__ = ["LiveLeaderboard", "Refresh"]

Refresh = Literal["rebuilt", "incremental", "cached", "fresh"]
"""How the last refresh was made: a new bootstrap, a vote-by-vote update, nothing new, or a
plain ``leaderboard`` call (for counts that are not whole votes)."""

_BLOCK = 64
"""Cells per block of the two-level index used to pick a random draw out of a replicate."""
_INVERSE_REFRESH_SHARE = 16
"""Every refresh recomputes 1/16 of the stored inverse Hessians, so none is older than 16."""
_CHORD_STEPS = 12
_CHORD_CONTRACTION = 0.8
"""A replicate whose chord steps shrink less than 4× a step goes to Newton instead."""
_CHORD_MIN_SHARE = 10
"""Chord steps go on while more than 1/10 of the replicates still move; Newton fits the rest."""


@dataclass
class _State:
    """The bootstrap of one set of systems: data, replicate cells and fitted replicates."""

    systems: tuple[str, ...]
    pairs: _Pairs  # the compared pairs; grows as votes compare new pairs
    data: NDArray[np.int64]  # (3P,) vote count per cell
    cells: NDArray[np.int32]  # (B, blocks × _BLOCK) replicate counts, zero-padded
    blocks: NDArray[np.int64]  # (B, blocks) replicate counts per block of cells
    half_margin: FloatArray  # (P, B) (wins − losses) / 2 of `first`, ties half each
    half_games: FloatArray  # (P, B) games / 2 (pair-major: the fast layout for sparse sums)
    logits: FloatArray  # (B, n) fitted replicates
    gradient: FloatArray  # (B, n) log-posterior gradient at `logits` (≈ 0 when fitted)
    inverse: NDArray[np.float32]  # (B, n, n) inverse negative Hessians, recent enough to step
    # with: single precision halves the memory and the time of a step; the fit is still judged
    # by the float64 gradient.
    point: FloatArray  # (n,) point fit
    rng: np.random.Generator
    next_inverse: int = 0

    @property
    def total(self) -> int:
        return int(self.data.sum())


class LiveLeaderboard:
    """A leaderboard refreshed from successive snapshots of the pair counts of one board.

    ``refresh(counts)`` returns the same rows as ``leaderboard(counts, ...)`` would, up to the
    bootstrap's randomness: it rebuilds from scratch the first time, when a system leaves, when
    counts go down or are not whole votes, or when more than ``max_new_votes`` arrived since the
    last refresh; otherwise it adds the new votes (and new systems) to the kept replicates.
    Thread-safe.
    """

    def __init__(
        self,
        *,
        bootstrap_rounds: int = 1000,
        seed: int = 0,
        anchor: str | None = None,
        preliminary_below: int = 30,
        max_new_votes: int = 100,
    ) -> None:
        if bootstrap_rounds < 1:
            raise ValueError("A live leaderboard needs bootstrap_rounds >= 1.")
        self.bootstrap_rounds = bootstrap_rounds
        self.seed = seed
        self.anchor = anchor
        self.preliminary_below = preliminary_below
        self.max_new_votes = max_new_votes
        self.last_refresh: Refresh | None = None
        self._state: _State | None = None
        self._counts: PairCounts | None = None
        self._board: list[Rating] = []
        self._lock = threading.Lock()

    def refresh(self, counts: PairCounts) -> list[Rating]:
        """The leaderboard of ``counts``, reusing as much of the last refresh as is valid."""
        _check_options(counts, self.bootstrap_rounds, self.anchor)
        with self._lock, single_blas_thread():
            if self._counts is not None and _same_counts(self._counts, counts):
                self.last_refresh = "cached"
                return self._board
            new_votes = self._new_votes(counts)
            if new_votes is None:
                self._rebuild(counts)
            else:
                try:
                    self._add(counts, new_votes)
                except (RuntimeError, np.linalg.LinAlgError):
                    # A fit that did not converge may have left replicates half-updated:
                    # start over from the counts rather than keep a doubtful state.
                    self._rebuild(counts)
            self._counts = counts
            return self._board

    def _new_votes(self, counts: PairCounts) -> NDArray[np.int64] | None:
        """Cells of the votes added since the last refresh, or None when that needs a rebuild."""
        state = self._state
        if state is None or not set(state.systems) <= set(counts.systems):
            return None
        compared = _Pairs.of(counts)
        if state.systems != counts.systems or compared.size != state.pairs.size:
            grown = _with_layout(state, counts.systems, compared)
            if grown is None:
                return None
            state = self._state = grown
        now = _data_cells(counts, state.pairs)
        if not np.array_equal(now, np.round(now)):
            return None
        added = now.astype(np.int64) - state.data
        if np.any(added < 0) or int(added.sum()) > self.max_new_votes:
            return None
        return np.repeat(np.arange(added.size), added)

    def _rebuild(self, counts: PairCounts) -> None:
        n = len(counts.systems)
        compared = _Pairs.of(counts)
        data = _data_cells(counts, compared)
        if compared.size == 0 or not np.array_equal(data, np.round(data)):
            self._state = None
            self.last_refresh = "fresh"
            self._board = leaderboard(
                counts,
                bootstrap_rounds=self.bootstrap_rounds,
                seed=self.seed,
                anchor=self.anchor,
                preliminary_below=self.preliminary_below,
            )
            return
        point = _newton(compared, *_cell_outcomes(data[None]), np.zeros(n))[0]
        rng = np.random.default_rng(self.seed)
        replicates, draws = _bootstrap_draws(counts, compared, point, self.bootstrap_rounds, rng)
        size = -(-3 * compared.size // _BLOCK) * _BLOCK
        cells = np.zeros((self.bootstrap_rounds, size), dtype=np.int32)
        cells[:, : 3 * compared.size] = draws
        half_margin, half_games = _halves(draws)
        state = _State(
            systems=counts.systems,
            pairs=compared,
            data=np.round(data).astype(np.int64),
            cells=cells,
            blocks=cells.reshape(self.bootstrap_rounds, -1, _BLOCK).sum(axis=2),
            half_margin=half_margin,
            half_games=half_games,
            logits=replicates,
            gradient=np.empty_like(replicates),
            inverse=np.empty((self.bootstrap_rounds, n, n), dtype=np.float32),
            point=point,
            rng=rng,
        )
        everyone = np.arange(self.bootstrap_rounds)
        state.gradient[:] = _gradient(state)
        state.inverse[:] = _inverses(state, everyone)
        self._state = state
        self.last_refresh = "rebuilt"
        self._board = board_from_logits(
            counts, point, replicates, self.anchor, self.preliminary_below
        )

    def _add(self, counts: PairCounts, new_votes: NDArray[np.int64]) -> None:
        state = self._state
        assert state is not None
        changes = [_add_vote(state, int(cell)) for cell in new_votes]
        rows, columns, deltas = (np.concatenate(part) for part in zip(*changes, strict=True))
        _update_gradient(state, rows, columns, deltas)
        _refit(state)
        _refresh_some_inverses(state)
        state.point = _newton(state.pairs, *_cell_outcomes(state.data[None]), state.point)[0]
        self.last_refresh = "incremental"
        self._board = board_from_logits(
            counts, state.point, state.logits, self.anchor, self.preliminary_below
        )


def _with_layout(state: _State, systems: tuple[str, ...], pairs: _Pairs) -> _State | None:
    """The same bootstrap over more systems and compared pairs (None if any old one is gone).

    No replicate holds a draw of a new pair or system yet: their cells start empty, a new
    system's fitted logit is exactly the prior's 0, and its Hessian block is the prior's
    diagonal alone.
    """
    n, rounds = len(systems), state.logits.shape[0]
    index = {name: i for i, name in enumerate(systems)}
    moved = np.array([index[name] for name in state.systems], dtype=np.intp)
    # Both tuples are sorted, so old pair (i, j), i < j, stays ordered as (moved[i], moved[j]).
    old_keys = moved[state.pairs.first] * n + moved[state.pairs.second]
    new_keys = pairs.first * n + pairs.second
    where = np.searchsorted(new_keys, old_keys)
    if np.any(where >= new_keys.size) or np.any(
        new_keys[np.minimum(where, new_keys.size - 1)] != old_keys
    ):
        return None
    new_columns = np.concatenate([where + k * pairs.size for k in range(3)])
    cells = np.zeros((rounds, -(-3 * pairs.size // _BLOCK) * _BLOCK), dtype=np.int32)
    cells[:, new_columns] = state.cells[:, : 3 * state.pairs.size]
    data = np.zeros(3 * pairs.size, dtype=np.int64)
    data[new_columns] = state.data
    half_margin = np.zeros((pairs.size, rounds))
    half_games = np.zeros((pairs.size, rounds))
    half_margin[where], half_games[where] = state.half_margin, state.half_games
    if n == len(state.systems):
        logits, gradient, point = state.logits, state.gradient, state.point
        inverse = state.inverse
    else:
        logits, gradient, point = np.zeros((rounds, n)), np.zeros((rounds, n)), np.zeros(n)
        logits[:, moved], gradient[:, moved] = state.logits, state.gradient
        point[moved] = state.point
        inverse = np.zeros((rounds, n, n), dtype=np.float32)
        inverse[:, np.arange(n), np.arange(n)] = 4.0 / PRIOR_GAMES  # 1 / (PRIOR_GAMES σ(0)²)
        inverse[:, moved[:, None], moved[None, :]] = state.inverse
    return _State(
        systems=systems,
        pairs=pairs,
        data=data,
        cells=cells,
        blocks=cells.reshape(rounds, -1, _BLOCK).sum(axis=2),
        half_margin=half_margin,
        half_games=half_games,
        logits=logits,
        gradient=gradient,
        inverse=inverse,
        point=point,
        rng=state.rng,
        next_inverse=state.next_inverse,
    )


def _same_counts(old: PairCounts, new: PairCounts) -> bool:
    return (
        old.systems == new.systems
        and np.array_equal(old.wins, new.wins)
        and np.array_equal(old.ties, new.ties)
    )


def _halves(cells: NDArray[np.int32] | NDArray[np.int64]) -> tuple[FloatArray, FloatArray]:
    """(B, 3P) cells → (P, B) half margins and half games."""
    won, lost = _cell_outcomes(cells)
    return np.ascontiguousarray(0.5 * (won - lost).T), np.ascontiguousarray(0.5 * (won + lost).T)


def _add_vote(
    state: _State, cell: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.int64]]:
    """Make every replicate an exact resample of the data plus one vote in ``cell``.

    Returns the (row, cell, change) triples of what moved, for the gradient update.
    """
    rng, rounds, total = state.rng, state.cells.shape[0], state.total
    swapped = np.asarray(rng.binomial(total, 1.0 / (total + 1), size=rounds), dtype=np.int64)
    rows, columns, deltas = [], [], []
    for already in range(int(swapped.max(initial=0))):
        picked_rows = np.flatnonzero(swapped > already)
        picked = _pick_draws(state, picked_rows, total - already)
        state.cells[picked_rows, picked] -= 1
        state.blocks[picked_rows, picked // _BLOCK] -= 1
        rows.append(picked_rows)
        columns.append(picked)
        deltas.append(np.full(picked_rows.size, -1, dtype=np.int64))
    everyone = np.arange(rounds)
    state.cells[:, cell] += swapped.astype(np.int32)
    state.blocks[:, cell // _BLOCK] += swapped
    rows.append(everyone)
    columns.append(np.full(rounds, cell))
    deltas.append(swapped.astype(np.int64))
    state.data[cell] += 1
    draws = rng.integers(0, total + 1, rounds)
    extra = np.asarray(np.searchsorted(np.cumsum(state.data), draws, "right"), dtype=np.intp)
    state.cells[everyone, extra] += 1
    state.blocks[everyone, extra // _BLOCK] += 1
    rows.append(everyone)
    columns.append(extra)
    deltas.append(np.ones(rounds, dtype=np.int64))
    return np.concatenate(rows), np.concatenate(columns), np.concatenate(deltas)


def _pick_draws(state: _State, rows: NDArray[np.intp], total: int) -> NDArray[np.intp]:
    """One uniformly random draw out of each replicate in ``rows`` (each holds ``total``): its cell.

    Two levels (block, then cell in block) keep this at O(√cells) per replicate.
    """
    target = state.rng.integers(0, total, rows.size)
    by_block = np.cumsum(state.blocks[rows], axis=1)
    block = np.sum(by_block <= target[:, None], axis=1)
    before = np.where(block > 0, by_block[np.arange(rows.size), np.maximum(block - 1, 0)], 0)
    columns = block[:, None] * _BLOCK + np.arange(_BLOCK)
    within = np.cumsum(state.cells[rows[:, None], columns], axis=1)
    offset = np.sum(within <= (target - before)[:, None], axis=1)
    picked: NDArray[np.intp] = block * _BLOCK + offset
    return picked


def _update_gradient(
    state: _State, rows: NDArray[np.intp], columns: NDArray[np.intp], deltas: NDArray[np.int64]
) -> None:
    """Apply cell changes to the replicates' sufficient statistics and gradients at their logits.

    A pair's gradient term is (wins − losses)/2 − tanh(d/2)·games/2 for first − second = d, so
    a change in its counts changes the gradient by the same expression in the changes.
    """
    size = state.pairs.size
    pair, kind = columns % size, columns // size
    change = deltas.astype(np.float64)
    margin = np.where(kind == 0, 0.5, np.where(kind == 1, -0.5, 0.0)) * change
    games = 0.5 * change
    np.add.at(state.half_margin, (pair, rows), margin)
    np.add.at(state.half_games, (pair, rows), games)
    first, second = state.pairs.first[pair], state.pairs.second[pair]
    tanh = np.tanh(0.5 * (state.logits[rows, first] - state.logits[rows, second]))
    term = margin - tanh * games
    np.add.at(state.gradient, (rows, first), term)
    np.add.at(state.gradient, (rows, second), -term)


def _gradient(state: _State) -> FloatArray:
    """(B, n) log-posterior gradients of every replicate at its current logits.

    Works pair-major, (P, B): differences and per-system sums are then sparse products on
    contiguous rows, several times faster than gathering columns.
    """
    logits = np.ascontiguousarray(state.logits.T)
    tanh = _half_tanh(state, logits)
    tanh *= state.half_games
    np.subtract(state.half_margin, tanh, out=tanh)
    net = state.pairs.signed @ tanh
    net -= 0.5 * PRIOR_GAMES * np.tanh(0.5 * logits)
    return np.asarray(net.T, dtype=np.float64)


def _half_tanh(state: _State, logits: FloatArray) -> FloatArray:
    """(P, B) tanh((first − second)/2) from (n, B) logits: 2σ(d) − 1 for each pair."""
    differences = state.pairs.signed.T @ logits
    differences *= 0.5
    return np.asarray(np.tanh(differences, out=differences), dtype=np.float64)


def _inverses(state: _State, rows: NDArray[np.intp]) -> NDArray[np.float32]:
    """Inverse negative Hessians of the replicates ``rows`` at their current logits (inverted
    in double precision, kept in single)."""
    logits = np.ascontiguousarray(state.logits[rows].T)
    tanh = _half_tanh(state, logits)
    curvature = (0.5 * state.half_games[:, rows] * (1.0 - tanh * tanh)).T
    prior = 0.25 * PRIOR_GAMES * (1.0 - np.tanh(0.5 * logits.T) ** 2)
    return np.asarray(np.linalg.inv(_hessians(state.pairs, curvature, prior)), dtype=np.float32)


def _refit(state: _State) -> None:
    """Step every replicate until the next step would be below the fresh fit's tolerance.

    Steps use the stored inverse Hessians: a chord method, converging fast because they are
    recent. A replicate whose steps stop shrinking fast, or one of the last few still moving
    (a chord step costs a gradient of every replicate), is handed to the damped Newton fit of
    ``leaderboard`` from where it stands, and gets a fresh inverse.
    """
    rounds = state.logits.shape[0]
    active = np.ones(rounds, dtype=bool)
    previous = np.full(rounds, np.inf)
    to_newton = np.zeros(rounds, dtype=bool)
    for _ in range(_CHORD_STEPS):
        step = np.matmul(state.inverse, state.gradient.astype(np.float32)[..., None])[..., 0]
        step = step.astype(np.float64)
        largest = np.abs(step).max(axis=1)
        active &= largest >= _BOOTSTRAP_TOLERANCE
        slow = active & (largest > _CHORD_CONTRACTION * previous)
        to_newton |= slow
        active &= ~slow
        if np.count_nonzero(active) <= rounds // _CHORD_MIN_SHARE:
            break
        state.logits[active] += step[active]
        state.gradient[:] = _gradient(state)
        previous = largest
    to_newton |= active
    rows = np.flatnonzero(to_newton)
    if rows.size:
        won = (state.half_games[:, rows] + state.half_margin[:, rows]).T
        lost = (state.half_games[:, rows] - state.half_margin[:, rows]).T
        state.logits[rows] = _newton(
            state.pairs, won, lost, state.logits[rows], tolerance=_BOOTSTRAP_TOLERANCE
        )
        state.gradient[:] = _gradient(state)
        state.inverse[rows] = _inverses(state, rows)


def _refresh_some_inverses(state: _State) -> None:
    rounds = state.logits.shape[0]
    share = max(1, -(-rounds // _INVERSE_REFRESH_SHARE))
    rows = (state.next_inverse + np.arange(share)) % rounds
    state.inverse[rows] = _inverses(state, rows)
    state.next_inverse = int((state.next_inverse + share) % rounds)
