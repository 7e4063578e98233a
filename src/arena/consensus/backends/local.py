"""Local backend: a CLI coding agent per model, each in its own git worktree and branch.

The command for a model (`--agent-command opus='claude -p "$(cat {prompt_file})"'`) runs in
the agent's worktree with the prompt in a file; its stdout is the reply and its exit code the
status (0 → FINISHED, else ERROR). Turns are files under `local/<agent>/`, and each process
is detached, so it keeps running (and its result is picked up) across orchestrator restarts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shlex
import subprocess
import threading
from pathlib import Path
from typing import Any

from arena.consensus.backends.base import AgentInfo, AgentStatus, Message
from arena.consensus.errors import ApiError, ConfigError
from arena.consensus.state import ArenaConfig, atomic_write

__all__ = ["LocalBackend"]

log = logging.getLogger(__name__)


class LocalBackend:
    """Runs agent commands in worktrees of the git repository at `repo_dir`."""

    name = "local"

    def __init__(
        self, repo_dir: Path, folder: Path, commands: dict[str, str], base_branch: str
    ) -> None:
        self.repo_dir = repo_dir
        self.folder = folder
        self.commands = commands
        self.base_branch = base_branch
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: ArenaConfig, arena_dir: Path) -> LocalBackend:
        missing = [m for m in config.models if m not in config.agent_commands]
        if missing:
            raise ConfigError(
                f"No agent command for {', '.join(missing)}: pass "
                "--agent-command name='cmd {prompt_file}' to `arena init` for each model."
            )
        repo_dir = Path(config.local_repo or ".").resolve()
        if not (repo_dir / ".git").exists():
            raise ConfigError(f"{repo_dir} is not a git repository: run the local backend in one.")
        return cls(
            repo_dir, arena_dir.resolve() / "local", config.agent_commands, config.base_branch
        )

    # -- the backend interface -----------------------------------------------------------------

    def launch(self, *, prompt: str, model: str, branch: str) -> AgentInfo:
        agent_id = _agent_id(branch)
        with self._lock:
            if not self._meta_path(agent_id).exists():
                worktree = self.folder / agent_id / "worktree"
                self._git("worktree", "add", "-q", "-B", branch, str(worktree), self.base_branch)
                meta = {"id": agent_id, "model": model, "branch": branch, "turns": []}
                self._write(meta)
        self.followup(agent_id, prompt, 0)
        return AgentInfo(agent_id, AgentStatus.RUNNING, branch)

    def find_launched(self, branch: str) -> AgentInfo | None:
        agent_id = _agent_id(branch)
        return self.status(agent_id) if self._meta_path(agent_id).exists() else None

    def followup(self, agent_id: str, prompt: str, known_length: int) -> None:
        with self._lock:
            meta = self._read(agent_id)
            turns: list[dict[str, Any]] = meta["turns"]
            if any(t["prompt"] == prompt for t in self._turns_from(turns, known_length)):
                return
            turn = self.folder / agent_id / f"turn-{len(turns):03d}"
            turn.with_suffix(".prompt").write_text(prompt, encoding="utf-8")
            turns.append({"prompt": prompt, "base": str(turn)})
            self._write(meta)
            self._spawn(meta, turn)

    @staticmethod
    def _turns_from(turns: list[dict[str, Any]], known_length: int) -> list[dict[str, Any]]:
        """The turns whose prompt sits at conversation index `known_length` or later."""
        index, later = 0, []
        for turn in turns:
            if index >= known_length:
                later.append(turn)
            index += 2 if Path(turn["base"]).with_suffix(".exit").exists() else 1
        return later

    def status(self, agent_id: str) -> AgentInfo:
        with self._lock:
            meta = self._read(agent_id)
            turn = Path(meta["turns"][-1]["base"])
            exit_file = turn.with_suffix(".exit")
            if not exit_file.exists():
                if not turn.with_suffix(".started").exists():
                    self._spawn(meta, turn)
                return AgentInfo(agent_id, AgentStatus.RUNNING, meta["branch"])
            code = int(exit_file.read_text().strip() or 1)
            if code == 0:
                self._commit(meta, len(meta["turns"]))
            status = AgentStatus.FINISHED if code == 0 else AgentStatus.ERROR
            return AgentInfo(agent_id, status, meta["branch"])

    def conversation(self, agent_id: str) -> list[Message]:
        messages = []
        for turn in self._read(agent_id)["turns"]:
            messages.append(Message("user", turn["prompt"]))
            base = Path(turn["base"])
            exit_file = base.with_suffix(".exit")
            if exit_file.exists() and exit_file.read_text().strip() == "0":
                messages.append(Message("assistant", base.with_suffix(".out").read_text()))
        return messages

    def stop(self, agent_id: str) -> None:
        meta = self._read(agent_id)
        pid = meta.get("pid")
        if pid:
            subprocess.run(["kill", "--", f"-{pid}"], capture_output=True)

    def close(self) -> None:
        """Agent processes are detached on purpose; nothing to close."""

    # -- processes and git ---------------------------------------------------------------------

    def _spawn(self, meta: dict[str, Any], turn: Path) -> None:
        template = self.commands[meta["model"]]
        prompt_file = turn.with_suffix(".prompt")
        command = template.replace("{prompt_file}", shlex.quote(str(prompt_file))).replace(
            "{model}", meta["model"]
        )
        out, err, code = (turn.with_suffix(s) for s in (".out", ".err", ".exit"))
        script = (
            f": > {shlex.quote(str(turn.with_suffix('.started')))}; "
            f"( {command} ) > {shlex.quote(str(out))} 2> {shlex.quote(str(err))}; "
            f"echo $? > {shlex.quote(str(code))}.tmp && mv {shlex.quote(str(code))}.tmp "
            f"{shlex.quote(str(code))}"
        )
        worktree = self.folder / meta["id"] / "worktree"
        process = subprocess.Popen(
            ["sh", "-c", script],
            cwd=worktree,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        meta["pid"] = process.pid
        self._write(meta)
        log.debug("Started local agent %s (pid %d): %s", meta["id"], process.pid, command)

    def _commit(self, meta: dict[str, Any], turn_number: int) -> None:
        worktree = self.folder / meta["id"] / "worktree"
        self._git("add", "-A", cwd=worktree)
        staged = subprocess.run(["git", "diff", "--cached", "--quiet"], cwd=worktree)
        if staged.returncode != 0:
            self._git("commit", "-q", "-m", f"agent turn {turn_number}", cwd=worktree)

    def _git(self, *args: str, cwd: Path | None = None) -> None:
        result = subprocess.run(
            ["git", "-c", "user.name=arena", "-c", "user.email=arena@localhost", *args],
            cwd=cwd or self.repo_dir,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise ApiError(f"git {' '.join(args)} failed: {result.stderr.strip()}")

    # -- files ---------------------------------------------------------------------------------

    def _meta_path(self, agent_id: str) -> Path:
        return self.folder / agent_id / "agent.json"

    def _read(self, agent_id: str) -> dict[str, Any]:
        path = self._meta_path(agent_id)
        if not path.is_file():
            raise ApiError(f"Local agent {agent_id} does not exist ({path} is missing).", 404)
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def _write(self, meta: dict[str, Any]) -> None:
        atomic_write(self._meta_path(meta["id"]), json.dumps(meta, indent=1))


def _agent_id(branch: str) -> str:
    return "local-" + hashlib.sha256(branch.encode()).hexdigest()[:12]
