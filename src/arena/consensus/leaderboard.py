"""Bradley–Terry ratings of models across finished arenas, derived from the judges' verdicts.

Each round's verdict is read as votes: the model whose solution the judge chose as base
beats every other model still in the panel. Verdicts where the judge chose its own solution
(self-preference) are left out, as are rounds without a base solution.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from arena.consensus.state import ArenaState, Phase, load_state
from arena.core.ratings import Outcome, PairCounts, Rating, leaderboard

__all__ = ["format_table", "rate_models", "verdict_votes"]


def verdict_votes(state: ArenaState) -> Iterator[tuple[str, str, Outcome]]:
    """(winner model, loser model, "a") for each usable verdict of one arena."""
    for record in state.rounds:
        if not record.base_model or record.self_preference:
            continue
        for alias, slot in sorted(state.aliases.items()):
            if slot.model != record.base_model and alias not in record.failed_agents:
                yield record.base_model, slot.model, "a"


def finished_arenas(root: Path) -> Iterator[ArenaState]:
    for path in sorted(root.glob("*/state.yaml")):
        state = load_state(path.parent)
        if state.phase is Phase.DONE:
            yield state


def rate_models(root: Path, bootstrap_rounds: int = 200, seed: int = 0) -> list[Rating]:
    votes = [vote for state in finished_arenas(root) for vote in verdict_votes(state)]
    return leaderboard(PairCounts.from_votes(votes), bootstrap_rounds=bootstrap_rounds, seed=seed)


def format_table(ratings: list[Rating]) -> str:
    if not ratings:
        return "No finished arenas with usable verdicts yet."
    lines = [f"{'rank':>4}  {'model':<12} {'rating':>7}  {'95% CI':>15}  {'votes':>5}"]
    for r in ratings:
        interval = f"{r.ci_low:.0f}–{r.ci_high:.0f}"
        lines.append(f"{r.rank:>4}  {r.system:<12} {r.rating:>7.0f}  {interval:>15}  {r.votes:>5}")
    return "\n".join(lines)
