"""Prompts: aliases only, per-prompt shuffled but reproducible order, the reply contract."""

from __future__ import annotations

from arena.consensus.prompts import (
    alias_names,
    critique_prompt,
    display,
    shuffled,
    verdict_prompt,
)

SOLUTIONS = {a: f"text of {a}" for a in alias_names(4)}


def test_alias_names_and_display() -> None:
    assert alias_names(3) == ["agent_a", "agent_b", "agent_c"]
    assert display("agent_c") == "Agent C"


def test_shuffle_is_deterministic_per_prompt_and_varies_between_prompts() -> None:
    items = list(SOLUTIONS)
    assert shuffled(items, 1, 0, "x") == shuffled(items, 1, 0, "x")
    orders = {tuple(shuffled(items, 1, r, "critique", "agent_a")) for r in range(30)}
    assert len(orders) > 1


def test_critique_prompt_hides_own_solution_and_models() -> None:
    prompt = critique_prompt("agent_b", 0, 3, SOLUTIONS, 5, ["note"])
    assert "text of agent_b" not in prompt and "text of agent_a" in prompt
    assert "<critique>" in prompt and "note" in prompt
    for model in ("opus", "gpt", "gemini", "claude"):
        assert model not in prompt.lower()


def test_verdict_prompt_names_round_threshold_and_format() -> None:
    prompt = verdict_prompt("agent_a", 1, 3, 8, SOLUTIONS, SOLUTIONS, 5)
    assert "Round 2 of 3" in prompt and "at least 8" in prompt
    assert "convergence_score: 1-10" in prompt and "base_solution:" in prompt
