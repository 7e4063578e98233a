"""Fixtures for provider tests: settings isolated from the developer's environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena.config import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with ARENA_HOME in a temp dir, no .env file and no hosted keys."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        arena_home=tmp_path / "home",
        openai_api_key=None,
        elevenlabs_api_key=None,
    )
