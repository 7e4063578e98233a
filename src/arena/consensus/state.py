"""Arena state: pydantic models persisted to `state.yaml` by atomic replace.

Large text (solutions, critiques, verdicts, verify output) lives in `artifacts/*.md`;
the YAML holds `file:artifacts/…` references resolved on load. Old state files with the
text inline still load. References that leave the arena directory are refused.
"""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arena.consensus.errors import StateError

__all__ = [
    "DEFAULT_MODELS",
    "AgentSlot",
    "ArenaConfig",
    "ArenaState",
    "ContextMode",
    "Phase",
    "Progress",
    "ProgressStatus",
    "RoundRecord",
    "VerifyMode",
    "VerifyResult",
    "atomic_write",
    "load_state",
    "save_state",
]

DEFAULT_MODELS = ("opus", "gpt", "gemini")
DEFAULT_MODEL_IDS = {"opus": "claude-opus-4-1", "gpt": "gpt-5", "gemini": "gemini-2.5-pro"}
STATE_FILE = "state.yaml"
ARTIFACTS = "artifacts"
FILE_REF = "file:"
EXTERNALIZED = (
    "solutions",
    "critiques",
    "prev_solutions",
    "prev_critiques",
    "verdict_text",
    "final_verdict",
    "verify_output",
)


class Phase(StrEnum):
    GENERATE = "generate"
    EVALUATE = "evaluate"
    DONE = "done"


class ProgressStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DONE = "done"


class VerifyMode(StrEnum):
    ADVISORY = "advisory"
    GATING = "gating"


class VerifyWhere(StrEnum):
    LOCAL = "local"
    AGENT = "agent"


class ContextMode(StrEnum):
    FULL = "full"
    FRESH = "fresh"


class ArenaConfig(BaseModel):
    """What the user asked for at `arena init`; frozen for the life of the arena."""

    model_config = ConfigDict(frozen=True)

    task: str
    repo: str
    base_branch: str = "main"
    max_rounds: int = Field(default=3, ge=1, le=10)
    models: list[str] = Field(default_factory=lambda: list(DEFAULT_MODELS))
    model_ids: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_MODEL_IDS))
    verify_commands: list[str] = Field(default_factory=list)
    verify_mode: VerifyMode = VerifyMode.ADVISORY
    verify_where: VerifyWhere = VerifyWhere.LOCAL
    consensus_threshold: int = Field(default=8, ge=1, le=10)
    context: ContextMode = ContextMode.FULL
    backend: str = "cursor"
    agent_commands: dict[str, str] = Field(default_factory=dict)
    local_repo: str | None = None
    clone_url: str | None = None
    webhook_url: str | None = None
    seed: int = 0


class AgentSlot(BaseModel):
    """One anonymized participant: its model, current agent and branch."""

    model: str
    agent_id: str | None = None
    branch: str | None = None
    failed: bool = False
    failure: str | None = None


class Progress(BaseModel):
    """One prompt to one agent: recorded (`sent`) before it goes out, `done` once answered."""

    status: ProgressStatus = ProgressStatus.PENDING
    launch: bool = False
    branch: str | None = None
    agent_id: str | None = None
    sent_at_length: int = 0
    prompt_sha: str | None = None
    reprompted: bool = False


class VerifyResult(BaseModel):
    command: str
    exit_code: int


class RoundRecord(BaseModel):
    """What happened in one generate→evaluate round, kept for the report and leaderboard."""

    round: int
    judge: str | None = None
    judge_model: str | None = None
    decision: str | None = None
    convergence_score: int | None = None
    base_solution: str | None = None
    base_model: str | None = None
    self_preference: bool = False
    remaining_disagreements: str = ""
    modifications: str = ""
    verify: list[VerifyResult] = Field(default_factory=list)
    verify_passed: bool | None = None
    outcome: str | None = None
    failed_agents: list[str] = Field(default_factory=list)


class ArenaState(BaseModel):
    """Everything needed to resume the arena after a crash at any line."""

    config: ArenaConfig
    arena_id: str = ""
    phase: Phase = Phase.GENERATE
    round: int = 0
    aliases: dict[str, AgentSlot] = Field(default_factory=dict)
    generate_progress: dict[str, Progress] = Field(default_factory=dict)
    critique_progress: dict[str, Progress] = Field(default_factory=dict)
    verdict_progress: Progress | None = None
    judge: str | None = None
    judge_history: list[str] = Field(default_factory=list)
    solutions: dict[str, str] = Field(default_factory=dict)
    critiques: dict[str, str] = Field(default_factory=dict)
    prev_solutions: dict[str, str] = Field(default_factory=dict)
    prev_critiques: dict[str, str] = Field(default_factory=dict)
    verdict_text: str | None = None
    verify_output: str | None = None
    verify_results: list[VerifyResult] | None = None
    verify_progress: Progress | None = None
    rounds: list[RoundRecord] = Field(default_factory=list)
    comment_phase: dict[str, str] = Field(default_factory=dict)
    comment_targets: dict[str, list[str]] = Field(default_factory=dict)
    webhook_secret: str | None = None
    final_verdict: str | None = None
    winner: str | None = None
    consensus: bool = False
    stop_reason: str | None = None

    def alive(self) -> list[str]:
        """Aliases whose agents have not failed, in alias order."""
        return [alias for alias, slot in sorted(self.aliases.items()) if not slot.failed]

    def phase_key(self) -> str:
        return f"{self.round:02d}-{self.phase.value}"


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` so readers see the old or the new file, never a torn one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def save_state(state: ArenaState, arena_dir: Path) -> None:
    """Externalize large text into `artifacts/`, then atomically replace `state.yaml`."""
    data = state.model_dump(mode="json")
    for name in EXTERNALIZED:
        data[name] = _externalize(arena_dir, name, data.get(name))
    atomic_write(arena_dir / STATE_FILE, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def load_state(arena_dir: Path) -> ArenaState:
    """Read `state.yaml`, resolving `file:` references inside `artifacts/`."""
    path = arena_dir / STATE_FILE
    if not path.is_file():
        raise StateError(f"No arena state found at {path}: run `arena init --task ...` first.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise StateError(f"{path} is not valid YAML ({exc}); restore it or re-run init.") from exc
    if not isinstance(data, dict):
        raise StateError(f"{path} does not hold an arena state; re-run `arena init`.")
    for name in EXTERNALIZED:
        data[name] = _resolve(arena_dir, data.get(name))
    try:
        return ArenaState.model_validate(data)
    except ValidationError as exc:
        raise StateError(f"{path} is not a valid arena state: {exc.errors()[0]['msg']}") from exc


def _externalize(arena_dir: Path, name: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _write_artifact(arena_dir, f"{name}_{key}", text) for key, text in value.items()
        }
    if isinstance(value, str):
        return _write_artifact(arena_dir, name, value)
    return value


def _write_artifact(arena_dir: Path, stem: str, text: Any) -> Any:
    if not isinstance(text, str):
        return text
    relative = f"{ARTIFACTS}/{stem}.md"
    target = arena_dir / relative
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        atomic_write(target, text)
    return FILE_REF + relative


def _resolve(arena_dir: Path, value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _resolve(arena_dir, item) for key, item in value.items()}
    if isinstance(value, str) and value.startswith(FILE_REF):
        return read_artifact(arena_dir, value[len(FILE_REF) :])
    return value


def read_artifact(arena_dir: Path, relative: str) -> str:
    """Read an artifact, refusing any path that escapes `arena_dir/artifacts`."""
    root = (arena_dir / ARTIFACTS).resolve()
    target = (arena_dir / relative).resolve()
    if not target.is_relative_to(root):
        raise StateError(f"State references {relative!r}, outside {root}: refusing to read it.")
    if not target.is_file():
        raise StateError(f"State references {relative!r}, which is missing from {root}.")
    return target.read_text(encoding="utf-8")
