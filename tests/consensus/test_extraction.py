"""Reply parsing: tags, fenced fallbacks, verdict fields and the last-keyword fallback."""

from __future__ import annotations

from arena.consensus.extraction import Decision, extract_tag, parse_verdict

ALIASES = ["agent_a", "agent_b", "agent_c"]


def test_last_complete_tag_wins() -> None:
    text = "<solution>draft</solution> then <solution>\nfinal\n</solution>"
    assert extract_tag(text, "solution") == "final"


def test_fenced_block_fallback_and_missing_tag() -> None:
    assert extract_tag("```critique\nbad idea\n```", "critique") == "bad idea"
    assert extract_tag("no tags here", "solution") is None


def test_full_verdict() -> None:
    verdict = parse_verdict(
        "<verdict>\ndecision: CONSENSUS\nconvergence_score: 9\nremaining_disagreements: none\n"
        "base_solution: Agent B\nmodifications: rename x\n  and y\n</verdict>",
        ALIASES,
    )
    assert verdict is not None
    assert verdict.decision is Decision.CONSENSUS and verdict.convergence_score == 9
    assert verdict.base_solution == "agent_b"
    assert verdict.modifications == "rename x\nand y"


def test_keyword_fallback_without_score_never_reaches_consensus_threshold() -> None:
    verdict = parse_verdict("I think we should CONTINUE, no wait, CONSENSUS.", ALIASES)
    assert verdict is not None and verdict.decision is Decision.CONSENSUS
    assert verdict.convergence_score == 1


def test_unknown_base_and_garbage() -> None:
    verdict = parse_verdict(
        "<verdict>decision: continue\nbase_solution: agent_z</verdict>", ALIASES
    )
    assert verdict is not None and verdict.base_solution is None
    assert verdict.decision is Decision.CONTINUE
    assert parse_verdict("nothing useful", ALIASES) is None
