"""`arena battle agent` refuses what it cannot do with a sentence and an exit code."""

from __future__ import annotations

import socket
import subprocess
import sys


def arena(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arena", "battle", "agent", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_simulate_it_points_to_the_browser() -> None:
    result = arena()
    assert result.returncode == 2 and "--simulate" in result.stderr


def test_an_unknown_scenario_lists_the_known_ones() -> None:
    result = arena("--simulate", "--scenario", "karaoke-night")
    assert result.returncode == 2 and "order-status-check" in result.stderr


def test_an_unreachable_arena_says_how_to_start_one() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = arena("--simulate", "--url", f"http://127.0.0.1:{port}")
    assert result.returncode == 1 and "arena serve" in result.stderr
