"""Human-readable outputs: `report.md` (rebuilt each phase), `winning-solution.md`, archives."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from arena.consensus.state import ArenaState, RoundRecord, atomic_write

__all__ = ["archive", "mermaid_votes", "render_report", "write_report", "write_winner"]

PHASE_NUMBERS = {"generate": 1, "evaluate": 2}


def archive(
    arena_dir: Path, round_index: int, phase: str, model: str, artifact: str, content: str, ext: str
) -> Path:
    """Write `{round:02d}-{phase_num}-{phase}-{model}-{artifact}-{uid}.{ext}` once per content."""
    uid = hashlib.sha256(content.encode()).hexdigest()[:6]
    name = f"{round_index:02d}-{PHASE_NUMBERS[phase]}-{phase}-{model}-{artifact}-{uid}.{ext}"
    path = arena_dir / name
    if not path.exists():
        atomic_write(path, content)
    return path


def archive_verdict(arena_dir: Path, record: RoundRecord, raw: str) -> Path:
    payload: dict[str, Any] = {**record.model_dump(mode="json"), "raw": raw}
    return archive(
        arena_dir,
        record.round,
        "evaluate",
        record.judge_model or "unknown",
        "verdict",
        json.dumps(payload, indent=2, sort_keys=True),
        "json",
    )


def mermaid_votes(state: ArenaState) -> str:
    """A mermaid graph: an edge from each round's judge to the solution it chose as base."""
    lines = ["```mermaid", "graph LR"]
    for alias, slot in sorted(state.aliases.items()):
        mark = " ✗" if slot.failed else ""
        lines.append(f'    {alias}["{alias} ({slot.model}){mark}"]')
    for record in state.rounds:
        if record.judge and record.base_solution:
            label = f"r{record.round + 1}: {record.decision} {record.convergence_score}"
            lines.append(f"    {record.judge} -->|{label}| {record.base_solution}")
    lines.append("```")
    return "\n".join(lines)


def render_report(state: ArenaState) -> str:
    config = state.config
    status = "finished" if state.phase.value == "done" else f"{state.phase.value} (in progress)"
    parts = [
        "# Consensus arena report",
        "",
        f"- **Task:** {config.task}",
        f"- **Repository:** {config.repo} @ {config.base_branch}",
        f"- **Status:** round {state.round + 1} of {config.max_rounds}, {status}",
        f"- **Consensus:** {'yes' if state.consensus else 'no'}"
        + (
            f" — winner {state.winner} ({state.aliases[state.winner].model})"
            if state.winner
            else ""
        ),
    ]
    if state.stop_reason:
        parts.append(f"- **Stopped:** {state.stop_reason}")
    parts += [
        "",
        "## Participants",
        "",
        "| Alias | Model | Agent | Branch | Status |",
        "|---|---|---|---|---|",
    ]
    for alias, slot in sorted(state.aliases.items()):
        health = f"failed: {slot.failure}" if slot.failed else "ok"
        parts.append(
            f"| {alias} | {slot.model} | {slot.agent_id or '-'} | {slot.branch or '-'} | {health} |"
        )
    parts += [
        "",
        "## Rounds",
        "",
        "| Round | Judge | Decision | Score | Base solution | Self-preference | Verify | Outcome |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in state.rounds:
        verify = "-" if r.verify_passed is None else ("passed" if r.verify_passed else "FAILED")
        parts.append(
            f"| {r.round + 1} | {r.judge} ({r.judge_model}) | {r.decision} | {r.convergence_score} "
            f"| {r.base_solution} ({r.base_model}) | {'yes' if r.self_preference else 'no'} "
            f"| {verify} | {r.outcome} |"
        )
    parts += ["", "## Votes", "", mermaid_votes(state), ""]
    for r in state.rounds:
        parts += [
            f"### Round {r.round + 1}",
            f"- Remaining disagreements: {r.remaining_disagreements or 'none'}",
            f"- Modifications: {r.modifications or 'none'}",
            *(f"- Verify `{v.command}` → exit {v.exit_code}" for v in r.verify),
            "",
        ]
    if state.verify_output:
        parts += ["## Verify output", "", state.verify_output, ""]
    return "\n".join(parts)


def write_report(arena_dir: Path, state: ArenaState) -> None:
    atomic_write(arena_dir / "report.md", render_report(state))


def write_winner(arena_dir: Path, state: ArenaState) -> None:
    """`winning-solution.md`: the chosen base solution with the judge's modifications."""
    if state.winner is None:
        return
    slot = state.aliases[state.winner]
    last = state.rounds[-1] if state.rounds else None
    text = "\n".join(
        [
            f"# Winning solution — {state.winner} ({slot.model})",
            "",
            f"Consensus: {'yes' if state.consensus else 'no (best after the last round)'}; "
            f"branch: {slot.branch or '-'}",
            "",
            f"Judge's modifications: {last.modifications if last else 'none'}",
            "",
            state.solutions.get(state.winner, ""),
            "",
        ]
    )
    atomic_write(arena_dir / "winning-solution.md", text)
