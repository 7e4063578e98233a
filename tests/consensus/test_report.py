"""Report, vote graph and content-addressed archives."""

from __future__ import annotations

from pathlib import Path

from arena.consensus.report import archive, mermaid_votes, render_report
from arena.consensus.state import AgentSlot, ArenaConfig, ArenaState, RoundRecord


def test_archive_is_content_addressed_and_never_duplicated(tmp_path: Path) -> None:
    first = archive(tmp_path, 0, "generate", "opus", "solution", "same", "md")
    again = archive(tmp_path, 0, "generate", "opus", "solution", "same", "md")
    other = archive(tmp_path, 1, "evaluate", "gpt", "verdict", "{}", "json")
    assert first == again and first.name.startswith("00-1-generate-opus-solution-")
    assert other.name.startswith("01-2-evaluate-gpt-verdict-") and other.suffix == ".json"
    assert len(list(tmp_path.iterdir())) == 2


def test_report_shows_votes_and_self_preference() -> None:
    state = ArenaState(config=ArenaConfig(task="t", repo="a/b"))
    state.aliases = {"agent_a": AgentSlot(model="opus"), "agent_b": AgentSlot(model="gpt")}
    state.rounds = [
        RoundRecord(
            round=0,
            judge="agent_a",
            judge_model="opus",
            decision="CONTINUE",
            convergence_score=6,
            base_solution="agent_a",
            base_model="opus",
            self_preference=True,
        ),
    ]
    graph = mermaid_votes(state)
    assert graph.startswith("```mermaid") and "agent_a -->|r1: CONTINUE 6| agent_a" in graph
    report = render_report(state)
    assert "| 1 | agent_a (opus) | CONTINUE | 6 | agent_a (opus) | yes |" in report
