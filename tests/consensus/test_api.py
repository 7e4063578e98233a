"""CursorClient against the emulator: auth, endpoints, retries, Retry-After, no duplicate POSTs."""

from __future__ import annotations

import pytest

from arena.consensus.api import CursorClient, RetryPolicy, parse_retry_after
from arena.consensus.errors import ApiError, AuthError
from tests.fakes.cursor_api import EmulatorServer


def client(server: EmulatorServer, key: str = "test-key") -> tuple[CursorClient, list[float]]:
    waits: list[float] = []
    return CursorClient(key, server.url, sleep=waits.append), waits


def test_endpoints_with_basic_auth(emulator: EmulatorServer) -> None:
    api, _ = client(emulator)
    assert api.me()["apiKeyName"] == "emulator"
    assert "gpt-5" in api.models()
    assert api.repositories()[0]["repository"] == "https://github.com/acme/widgets"
    agent = api.launch(prompt="<solution> please", repository="r", ref="main", branch="arena/x")
    assert agent["status"] == "CREATING" and agent["target"]["branchName"] == "arena/x"
    assert api.find_by_branch("arena/x")["id"] == agent["id"]
    messages = api.conversation(agent["id"])
    assert messages[0]["type"] == "user_message"
    api.stop(agent["id"])
    assert api.agent(agent["id"])["status"] == "FINISHED"
    api.delete(agent["id"])
    with pytest.raises(ApiError, match="404"):
        api.agent(agent["id"])


def test_rejected_key_is_a_clear_auth_error(emulator: EmulatorServer) -> None:
    api, waits = client(emulator, key="wrong")
    with pytest.raises(AuthError, match="CURSOR_API_KEY"):
        api.me()
    assert waits == []


def test_429_waits_exactly_retry_after(emulator: EmulatorServer) -> None:
    script = emulator.emulator.script
    script.rate_limit_period, script.rate_limit_burst, script.retry_after = 100, 3, "2"
    emulator.emulator.request_count = 99
    api, waits = client(emulator)
    assert api.me()["apiKeyName"] == "emulator"
    assert waits == [2.0, 2.0, 2.0]


def test_gives_up_after_five_attempts(emulator: EmulatorServer) -> None:
    script = emulator.emulator.script
    script.rate_limit_period, script.rate_limit_burst = 10, 10
    api, waits = client(emulator)
    with pytest.raises(ApiError, match="after 5 attempts"):
        api.me()
    assert len(waits) == 4


def test_unknown_outcome_launch_is_found_not_repeated(emulator: EmulatorServer) -> None:
    emulator.emulator.script.fail_after_commit = 1
    api, waits = client(emulator)
    agent = api.launch(prompt="hi", repository="r", ref="main", branch="arena/once")
    assert len(emulator.emulator.agents) == 1
    assert agent["target"]["branchName"] == "arena/once"
    assert len(waits) == 1


def test_unknown_outcome_followup_is_checked_not_repeated(emulator: EmulatorServer) -> None:
    api, _ = client(emulator)
    agent = api.launch(prompt="hi", repository="r", ref="main", branch="arena/f")
    emulator.emulator.script.fail_after_commit = 1
    api.followup(agent["id"], "second prompt", known_length=1)
    sent = [e for e in emulator.emulator.received if e["kind"] == "followup"]
    assert len(sent) == 1


def test_connection_refused_retries_then_fails_with_advice() -> None:
    waits: list[float] = []
    api = CursorClient("k", "http://127.0.0.1:9", sleep=waits.append)
    with pytest.raises(ApiError, match="cannot connect"):
        api.me()
    assert len(waits) == 4


def test_backoff_is_full_jitter_capped_and_retry_after_wins() -> None:
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=4.0)
    delays = [policy.delay(attempt, None) for attempt in range(6) for _ in range(50)]
    assert all(0 <= d <= 4.0 for d in delays)
    assert max(policy.delay(0, None) for _ in range(50)) <= 1.0
    assert policy.delay(3, 7.5) == 7.5


def test_retry_after_parses_seconds_and_dates() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None
