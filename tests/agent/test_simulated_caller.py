"""`arena battle agent --simulate` end to end against the offline agents, as CI runs it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from arena.config import Settings
from arena.providers.base import System
from arena.providers.local import agent as local_agent
from arena.providers.registry import Registry
from tests.conftest import LiveServer


def offline_agents(settings: Settings) -> list[System]:
    """`agent-local-fast` and `agent-local-quality`, registered by their plugin's own hook."""
    found: list[System] = []
    local_agent.register_systems(found.append, settings)
    return found


@pytest.fixture
def registry(settings: Settings) -> Registry:
    return Registry(offline_agents(settings))


@pytest.mark.slow
async def test_the_cli_completes_a_battle_against_the_offline_agents(
    arena_server: LiveServer,
) -> None:
    command = [
        sys.executable,
        "-m",
        "arena",
        "battle",
        "agent",
        "--simulate",
        "--scenario",
        "order-status-check",
        "--url",
        arena_server.url,
    ]
    process = await asyncio.create_subprocess_exec(
        *command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    out, err = await asyncio.wait_for(process.communicate(), 240)
    text = out.decode()
    assert process.returncode == 0, err.decode()[-2000:] + text
    assert "Order status check" in text and "Vote:" in text
    assert "Evaluation: complete (method: rubric)" in text
    assert "agent-local" not in text.split("Vote:")[0]
    assert "Local" in text.split("Vote:")[1] or "local" in text.split("Vote:")[1]
