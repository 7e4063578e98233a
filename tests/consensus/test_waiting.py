"""Waiting: one failing poll stops the others; only a reply after *our* prompt counts."""

from __future__ import annotations

from typing import cast

import pytest

from arena.consensus.api import CursorClient
from arena.consensus.backends.base import AgentBackend, AgentInfo, AgentStatus, Message
from arena.consensus.backends.cursor import CursorBackend
from arena.consensus.errors import ApiError
from arena.consensus.prompts import prompt_sha
from arena.consensus.waiting import PROMPT_MATCH_PATIENCE, Waiter, replies_to
from tests.fakes.cursor_api import EmulatorServer


def client(server: EmulatorServer) -> tuple[CursorClient, list[float]]:
    waits: list[float] = []
    return CursorClient("test-key", server.url, sleep=waits.append), waits


def test_waiter_stops_all_polls_when_one_agent_cannot_be_polled(emulator: EmulatorServer) -> None:
    api, _ = client(emulator)
    emulator.emulator.script.run_seconds = 3600
    slow = api.launch(prompt="<solution>", repository="r", ref="main", branch="arena/slow")
    backend = CursorBackend(api, repository="r", ref="main", model_ids={})
    waiter = Waiter(backend, poll_interval=0.01, max_interval=0.05, dots=False)
    with pytest.raises(ApiError, match="404"):
        waiter.wait_all({"agent_a": (slow["id"], 0, None), "agent_b": ("bc-missing", 0, None)})


class SnapshotBackend:
    """Each status poll moves the agent to its next scripted (status, conversation) snapshot."""

    name = "snapshots"

    def __init__(self, snapshots: list[tuple[AgentStatus, list[Message]]]) -> None:
        self.snapshots = snapshots
        self.polls = 0

    def _current(self) -> tuple[AgentStatus, list[Message]]:
        return self.snapshots[min(self.polls, len(self.snapshots)) - 1]

    def status(self, agent_id: str) -> AgentInfo:
        self.polls += 1
        return AgentInfo(agent_id, self._current()[0])

    def conversation(self, agent_id: str) -> list[Message]:
        return list(self._current()[1])


PROMPT = "Critique the others. <critique>"
BEFORE = [Message("user", "Solve it. <solution>"), Message("assistant", "<solution>x</solution>")]
COMMENT = [Message("user", "Operator comment: mind the tests"), Message("assistant", "Noted.")]
OURS = Message("user", PROMPT)
REPLY = Message("assistant", "<critique>fine</critique>")


def test_reply_to_an_immediate_comment_is_not_taken_for_the_reply_to_our_prompt() -> None:
    fake = SnapshotBackend(
        [
            (AgentStatus.FINISHED, [*BEFORE, *COMMENT]),
            (AgentStatus.RUNNING, [*BEFORE, *COMMENT, OURS]),
            (AgentStatus.FINISHED, [*BEFORE, *COMMENT, OURS]),
            (AgentStatus.FINISHED, [*BEFORE, *COMMENT, OURS, REPLY]),
        ]
    )
    waiter = Waiter(cast(AgentBackend, fake), poll_interval=0.0, max_interval=0.0, dots=False)
    outcome = waiter.wait_one("bc-1", len(BEFORE), sha=prompt_sha(PROMPT))
    assert fake.polls == 4
    assert outcome.status is AgentStatus.FINISHED
    assert replies_to(outcome.messages, len(BEFORE), prompt_sha(PROMPT)) == [REPLY]


def test_a_prompt_the_service_stored_reworded_does_not_block_the_wait_forever() -> None:
    reworded = Message("user", f"  {PROMPT}\n(sent from the API)")
    fake = SnapshotBackend([(AgentStatus.FINISHED, [*BEFORE, reworded, REPLY])])
    waiter = Waiter(cast(AgentBackend, fake), poll_interval=0.0, max_interval=0.0, dots=False)
    outcome = waiter.wait_one("bc-1", len(BEFORE), sha=prompt_sha(PROMPT))
    assert fake.polls == PROMPT_MATCH_PATIENCE
    assert replies_to(outcome.messages, len(BEFORE), None) == [REPLY]


def test_replies_are_counted_from_our_prompt_on() -> None:
    messages = [*BEFORE, *COMMENT, OURS, REPLY]
    sha = prompt_sha(PROMPT)
    assert replies_to(messages, len(BEFORE), sha) == [REPLY]
    assert replies_to(messages[:-1], len(BEFORE), sha) == []
    assert replies_to([*BEFORE, *COMMENT], len(BEFORE), sha) is None
    assert replies_to([*BEFORE, OURS], len(BEFORE) + 1, sha) is None
    assert replies_to(messages, len(BEFORE), None) == [COMMENT[1], REPLY]


def test_failed_agent_still_ends_the_wait_without_our_reply() -> None:
    fake = SnapshotBackend([(AgentStatus.ERROR, [*BEFORE, *COMMENT])])
    waiter = Waiter(cast(AgentBackend, fake), poll_interval=0.0, max_interval=0.0, dots=False)
    outcome = waiter.wait_one("bc-1", len(BEFORE), sha=prompt_sha(PROMPT))
    assert (outcome.status, outcome.messages, fake.polls) == (AgentStatus.ERROR, [], 1)
