"""State persistence: atomic writes, artifact references, traversal refused, old files load."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from arena.consensus.errors import StateError
from arena.consensus.state import ArenaConfig, ArenaState, atomic_write, load_state, save_state


def make_state() -> ArenaState:
    state = ArenaState(config=ArenaConfig(task="t", repo="a/b"))
    state.solutions = {"agent_a": "long solution\n" * 100}
    state.final_verdict = "<verdict>decision: CONSENSUS</verdict>"
    return state


def test_large_text_goes_to_artifacts_behind_file_refs(tmp_path: Path) -> None:
    save_state(make_state(), tmp_path)
    raw = yaml.safe_load((tmp_path / "state.yaml").read_text())
    assert raw["solutions"] == {"agent_a": "file:artifacts/solutions_agent_a.md"}
    assert raw["final_verdict"] == "file:artifacts/final_verdict.md"
    assert load_state(tmp_path) == make_state()


def test_old_inline_state_still_loads(tmp_path: Path) -> None:
    data = make_state().model_dump(mode="json")
    (tmp_path / "state.yaml").write_text(yaml.safe_dump(data))
    assert load_state(tmp_path).solutions["agent_a"].startswith("long solution")


def test_references_outside_artifacts_are_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("x")
    data = make_state().model_dump(mode="json")
    data["solutions"] = {"agent_a": "file:artifacts/../secret.md"}
    (tmp_path / "state.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(StateError, match="outside"):
        load_state(tmp_path)


def test_missing_or_broken_state_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="arena init"):
        load_state(tmp_path)
    (tmp_path / "state.yaml").write_text("config: [unclosed")
    with pytest.raises(StateError, match="not valid YAML"):
        load_state(tmp_path)


def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "state.yaml"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["state.yaml"]


def test_config_bounds_are_enforced() -> None:
    with pytest.raises(ValueError, match="less than or equal to 10"):
        ArenaConfig(task="t", repo="a/b", max_rounds=11)
