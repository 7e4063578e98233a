"""Prompt templates. Agents only ever see aliases; presentation order is shuffled per prompt.

Every prompt is a pure function of the state, so a restarted orchestrator rebuilds the
byte-identical prompt and can tell whether it had already been delivered.
"""

from __future__ import annotations

import hashlib
import random
import string

__all__ = [
    "alias_names",
    "critique_prompt",
    "display",
    "format_reminder",
    "prompt_sha",
    "revise_prompt",
    "shuffled",
    "solve_prompt",
    "verdict_prompt",
    "wrap_comment",
]

SOLUTION_FORMAT = (
    "Reply format: explain your reasoning inside <analysis>...</analysis> (optional), then give "
    "your complete solution inside <solution>...</solution>. Commit your changes to your branch."
)
CRITIQUE_FORMAT = "Reply format: put your whole critique inside <critique>...</critique>."
VERDICT_FORMAT = (
    "Reply format, exactly these lines inside the tags:\n"
    "<verdict>\n"
    "decision: CONSENSUS or CONTINUE\n"
    "convergence_score: 1-10 (how close the solutions are to agreeing on one answer)\n"
    "remaining_disagreements: the disagreements that still matter, or none\n"
    "base_solution: the alias of the best solution to build on (for example agent_a)\n"
    "modifications: what the base solution should change\n"
    "</verdict>"
)
VERIFICATION_FORMAT = (
    "Reply format: inside <verification>...</verification>, one line per command: "
    "`<command> => exit <code>`."
)
FORMATS = {
    "solution": SOLUTION_FORMAT,
    "critique": CRITIQUE_FORMAT,
    "verdict": VERDICT_FORMAT,
    "verification": VERIFICATION_FORMAT,
}


def alias_names(count: int) -> list[str]:
    """`agent_a`, `agent_b`, … sized to the number of models."""
    return [f"agent_{letter}" for letter in string.ascii_lowercase[:count]]


def display(alias: str) -> str:
    """`agent_b` → `Agent B`."""
    return "Agent " + alias.rsplit("_", 1)[-1].upper()


def shuffled(items: list[str], seed: int, *salt: object) -> list[str]:
    """A deterministic shuffle per (arena seed, prompt) so restarts reproduce the order."""
    order = sorted(items)
    random.Random(":".join(map(str, (seed, *salt)))).shuffle(order)
    return order


def prompt_sha(prompt: str) -> str:
    return hashlib.sha256(prompt.encode()).hexdigest()


def _header(alias: str, round_index: int, max_rounds: int) -> str:
    return (
        f"You are {display(alias)} ({alias}) in a panel of independent engineers. "
        f"Round {round_index + 1} of {max_rounds}."
    )


def _section(title: str, texts: dict[str, str], order: list[str]) -> str:
    blocks = [f"### {display(alias)} ({alias})\n{texts[alias]}" for alias in order]
    return f"## {title}\n\n" + "\n\n".join(blocks)


def _comments(comments: list[str]) -> str:
    return ("\n\n" + "\n\n".join(comments)) if comments else ""


def solve_prompt(
    task: str, alias: str, round_index: int, max_rounds: int, comments: list[str]
) -> str:
    """First (or fresh-context) prompt: solve the task independently."""
    return (
        f"{_header(alias, round_index, max_rounds)}\n\n## Task\n{task}\n\n"
        "Solve the task on your own; other engineers solve it independently."
        f"{_comments(comments)}\n\n{SOLUTION_FORMAT}"
    )


def revise_prompt(
    task: str,
    alias: str,
    round_index: int,
    max_rounds: int,
    solutions: dict[str, str],
    critiques: dict[str, str],
    modifications: str,
    seed: int,
    comments: list[str],
) -> str:
    """Later rounds: revise your solution in light of the critiques and the judge's notes."""
    sol_order = shuffled(list(solutions), seed, round_index, "revise-solutions", alias)
    crit_order = shuffled(list(critiques), seed, round_index, "revise-critiques", alias)
    notes = f"\n\n## Judge's requested modifications\n{modifications}" if modifications else ""
    return (
        f"{_header(alias, round_index, max_rounds)}\n\n## Task\n{task}\n\n"
        f"{_section('Current solutions', solutions, sol_order)}\n\n"
        f"{_section('Critiques', critiques, crit_order)}{notes}\n\n"
        "Revise your solution: keep what holds up, fix what the critiques got right, and say "
        f"which disagreements remain and why.{_comments(comments)}\n\n{SOLUTION_FORMAT}"
    )


def critique_prompt(
    alias: str,
    round_index: int,
    max_rounds: int,
    solutions: dict[str, str],
    seed: int,
    comments: list[str],
) -> str:
    """Critique the other agents' solutions, shown under aliases in a shuffled order."""
    others = {a: text for a, text in solutions.items() if a != alias}
    order = shuffled(list(others), seed, round_index, "critique", alias)
    return (
        f"{_header(alias, round_index, max_rounds)}\n\n"
        f"{_section('Solutions to critique', others, order)}\n\n"
        "For each solution name its concrete errors, risks and omissions, and what it does "
        "better than yours. Be specific; do not rewrite it."
        f"{_comments(comments)}\n\n{CRITIQUE_FORMAT}"
    )


def verdict_prompt(
    judge: str,
    round_index: int,
    max_rounds: int,
    threshold: int,
    solutions: dict[str, str],
    critiques: dict[str, str],
    seed: int,
) -> str:
    """Ask the judge whether the panel has converged and which solution to build on."""
    sol_order = shuffled(list(solutions), seed, round_index, "verdict-solutions", judge)
    crit_order = shuffled(list(critiques), seed, round_index, "verdict-critiques", judge)
    return (
        f"{_section('Solutions', solutions, sol_order)}\n\n"
        f"{_section('Critiques', critiques, crit_order)}\n\n"
        f"{_header(judge, round_index, max_rounds)} You are the judge this round. "
        "Judge the solutions on their merits only: your own solution gets no benefit of the "
        "doubt. Classify each disagreement as substantive or cosmetic. Declare CONSENSUS only "
        f"if the substantive disagreements are resolved and the convergence score is at least "
        f"{threshold}.\n\n{VERDICT_FORMAT}"
    )


def format_reminder(tag: str) -> str:
    """Sent once when a reply lacked the requested tag."""
    return (
        f"Your last reply did not contain a <{tag}>...</{tag}> block. Please resend the same "
        f"content in the required format.\n\n{FORMATS[tag]}"
    )


def wrap_comment(message: str, wrap: bool) -> str:
    """Frame an operator comment so the agent knows who is speaking."""
    if not wrap:
        return message
    return f"## Operator comment\nThe human running this panel adds:\n\n{message}"
