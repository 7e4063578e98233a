"""Crash-safe delivery: the recorded prompt hash decides whether a prompt arrived."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import cast

import pytest

from arena.consensus.backends.base import AgentBackend, AgentInfo, AgentStatus, Message
from arena.consensus.prompts import prompt_sha
from arena.consensus.runtime import Runtime
from arena.consensus.state import (
    AgentSlot,
    ArenaConfig,
    ArenaState,
    Phase,
    Progress,
    ProgressStatus,
    load_state,
)
from arena.consensus.turns import run_turns
from arena.consensus.waiting import Waiter

pytestmark = pytest.mark.timeout(30)

OLD = "Critique round 2, as first built. <critique>"
NEW = "Critique round 2, as rebuilt. <critique>"
BEFORE = [Message("user", "Solve it. <solution>"), Message("assistant", "<solution>x</solution>")]


class ChatBackend:
    """One agent that answers a trailing unanswered prompt on its next status poll."""

    name = "fake"

    def __init__(self, messages: list[Message], rt_dir: Path) -> None:
        self.messages = list(messages)
        self.sent: list[str] = []
        self.recorded_sha_at_send: list[str | None] = []
        self.rt_dir = rt_dir

    def followup(self, agent_id: str, prompt: str, known_length: int) -> None:
        progress = load_state(self.rt_dir).critique_progress["agent_a"]
        self.recorded_sha_at_send.append(progress.prompt_sha)
        self.sent.append(prompt)
        self.messages.append(Message("user", prompt))

    def status(self, agent_id: str) -> AgentInfo:
        if self.messages[-1].role == "user":
            self.messages.append(Message("assistant", "<critique>looks right</critique>"))
        return AgentInfo(agent_id, AgentStatus.FINISHED)

    def conversation(self, agent_id: str) -> list[Message]:
        return list(self.messages)


def setup(tmp_path: Path, conversation: list[Message]) -> tuple[Runtime, ChatBackend, Progress]:
    state = ArenaState(config=ArenaConfig(task="t", repo="a/b"), phase=Phase.EVALUATE, round=1)
    state.aliases["agent_a"] = AgentSlot(model="gpt-5", agent_id="bc-1")
    entry = Progress(
        status=ProgressStatus.SENT,
        agent_id="bc-1",
        sent_at_length=len(BEFORE),
        prompt_sha=prompt_sha(OLD),
    )
    state.critique_progress["agent_a"] = entry
    backend = ChatBackend(conversation, tmp_path)
    waiter = Waiter(cast(AgentBackend, backend), poll_interval=0.0, max_interval=0.0, dots=False)
    rt = Runtime(tmp_path, state, cast(AgentBackend, backend), waiter)
    rt.save()
    return rt, backend, entry


def run(rt: Runtime, prompt: str) -> dict[str, str]:
    stored: dict[str, str] = {}
    run_turns(rt, rt.state.critique_progress, {"agent_a": prompt}, "critique", stored.__setitem__)
    return stored


def test_prompt_that_arrived_under_its_recorded_sha_is_not_resent_when_rebuilt_differently(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rt, backend, entry = setup(tmp_path, [*BEFORE, Message("user", OLD)])
    with caplog.at_level(logging.WARNING, logger="arena.consensus.turns"):
        stored = run(rt, NEW)
    assert backend.sent == []
    assert stored == {"agent_a": "looks right"}
    assert entry.prompt_sha == prompt_sha(OLD)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("agent_a" in w and "round 2" in w and "evaluate" in w for w in warnings)


def test_prompt_that_never_arrived_is_resent_with_its_new_sha_recorded_first(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    comment = [Message("user", "Operator comment"), Message("assistant", "Noted.")]
    rt, backend, entry = setup(tmp_path, [*BEFORE, *comment])
    with caplog.at_level(logging.WARNING, logger="arena.consensus.turns"):
        stored = run(rt, NEW)
    assert backend.sent == [NEW]
    assert backend.recorded_sha_at_send == [prompt_sha(NEW)]
    assert stored == {"agent_a": "looks right"}
    assert any("agent_a" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)

    # A restart after that resend (the reply not stored yet) finds it by the recorded sha.
    entry.status = ProgressStatus.SENT
    rt.save()
    assert run(rt, NEW) == {"agent_a": "looks right"}
    assert backend.sent == [NEW]


def test_prompt_resent_by_an_older_version_is_found_by_the_rebuilt_sha(tmp_path: Path) -> None:
    rt, backend, entry = setup(tmp_path, [*BEFORE, Message("user", NEW)])
    assert run(rt, NEW) == {"agent_a": "looks right"}
    assert backend.sent == []
    assert entry.prompt_sha == prompt_sha(NEW)
    assert load_state(tmp_path).critique_progress["agent_a"].prompt_sha == prompt_sha(NEW)
