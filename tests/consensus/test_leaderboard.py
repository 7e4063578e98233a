"""Votes derived from verdicts: base model beats the rest; self-preference is left out."""

from __future__ import annotations

from arena.consensus.leaderboard import verdict_votes
from arena.consensus.state import AgentSlot, ArenaConfig, ArenaState, RoundRecord


def test_votes_from_verdicts() -> None:
    state = ArenaState(config=ArenaConfig(task="t", repo="a/b"))
    state.aliases = {
        "agent_a": AgentSlot(model="opus"),
        "agent_b": AgentSlot(model="gpt"),
        "agent_c": AgentSlot(model="gemini", failed=True),
    }
    state.rounds = [
        RoundRecord(round=0, judge="agent_c", base_solution="agent_b", base_model="gpt"),
        RoundRecord(
            round=1,
            judge="agent_a",
            base_solution="agent_a",
            base_model="opus",
            self_preference=True,
        ),
        RoundRecord(
            round=2,
            judge="agent_b",
            base_solution="agent_a",
            base_model="opus",
            failed_agents=["agent_c"],
        ),
    ]
    assert list(verdict_votes(state)) == [
        ("gpt", "opus", "a"),
        ("gpt", "gemini", "a"),
        ("opus", "gpt", "a"),
    ]
