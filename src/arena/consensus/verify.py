"""Verify a consensus: run the verify commands against the winning branch.

By default the branch is cloned locally and each command runs there with its real exit code;
with `--verify-where agent` the winning agent is asked to run them and report exit codes.
Each result is persisted as soon as it is known, so a restart never re-runs a finished command.
"""

from __future__ import annotations

import logging
import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from arena.consensus.git import clone_url
from arena.consensus.state import ArenaState, VerifyResult

__all__ = ["agent_verify_prompt", "parse_agent_report", "run_local"]

log = logging.getLogger(__name__)
OUTPUT_LIMIT = 20_000


def run_local(
    state: ArenaState, branch: str, save: Callable[[], None], timeout: float = 1800
) -> None:
    """Clone `branch` and run the remaining verify commands, saving after each one."""
    done = {r.command for r in state.verify_results or []}
    remaining = [c for c in state.config.verify_commands if c not in done]
    if not remaining:
        return
    url = clone_url(state.config.repo, state.config.clone_url)
    with tempfile.TemporaryDirectory(prefix="arena-verify-") as tmp:
        checkout = Path(tmp)
        clone = subprocess.run(
            ["git", "clone", "--quiet", "--depth", "1", "--branch", branch, url, str(checkout)],
            capture_output=True,
            text=True,
        )
        if clone.returncode != 0:
            message = f"git clone of {branch} from {url} failed: {clone.stderr.strip()}"
            log.error(message)
            for command in remaining:
                _record(state, command, clone.returncode, message, save)
            return
        for command in remaining:
            exit_code, output = _run(command, checkout, timeout)
            log.info("verify `%s` exited %d", command, exit_code)
            _record(state, command, exit_code, output, save)


def _run(command: str, cwd: Path, timeout: float) -> tuple[int, str]:
    try:
        result = subprocess.run(
            command, shell=True, cwd=cwd, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return 124, f"timed out after {timeout:.0f}s"
    return result.returncode, (result.stdout + result.stderr)[-OUTPUT_LIMIT:]


def _record(
    state: ArenaState, command: str, exit_code: int, output: str, save: Callable[[], None]
) -> None:
    state.verify_results = [
        *(state.verify_results or []),
        VerifyResult(command=command, exit_code=exit_code),
    ]
    section = f"## `{command}` → exit {exit_code}\n\n```\n{output.strip()}\n```\n"
    state.verify_output = (state.verify_output or "") + section
    save()


def agent_verify_prompt(commands: list[str]) -> str:
    """Ask the winning agent to run the commands on its branch and report exit codes."""
    listing = "\n".join(f"- `{c}`" for c in commands)
    return (
        "Consensus was reached on your solution. Run these commands on your branch:\n"
        f"{listing}\n\nReport inside <verification>...</verification>, one line per command: "
        "`<command> => exit <code>`, followed by any relevant output."
    )


def parse_agent_report(commands: list[str], report: str) -> list[VerifyResult]:
    """Exit codes the agent reported; a command it did not report counts as failed (exit 1)."""
    results = []
    for command in commands:
        match = re.search(re.escape(command) + r"`?\s*=>\s*exit\s*(-?\d+)", report)
        results.append(VerifyResult(command=command, exit_code=int(match[1]) if match else 1))
    return results
