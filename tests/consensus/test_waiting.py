"""Concurrent waiting: one failing poll stops the others instead of hanging the phase."""

from __future__ import annotations

import pytest

from arena.consensus.api import CursorClient
from arena.consensus.backends.cursor import CursorBackend
from arena.consensus.errors import ApiError
from arena.consensus.waiting import Waiter
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
        waiter.wait_all({"agent_a": (slow["id"], 0), "agent_b": ("bc-missing", 0)})
