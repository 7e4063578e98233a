"""Agent-reported verify results."""

from __future__ import annotations

from arena.consensus.verify import agent_verify_prompt, parse_agent_report


def test_reported_exit_codes_and_missing_commands_fail() -> None:
    report = "<verification>\npytest -q => exit 0\n`mypy .` => exit 2\n</verification>"
    results = parse_agent_report(["pytest -q", "mypy .", "ruff check"], report)
    assert [r.exit_code for r in results] == [0, 2, 1]
    assert "- `ruff check`" in agent_verify_prompt(["ruff check"])
