"""What a running phase needs: the arena directory, its state, the backend and the waiter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from arena.consensus.backends.base import AgentBackend
from arena.consensus.state import ArenaState, save_state
from arena.consensus.waiting import Waiter

__all__ = ["Runtime"]


@dataclass
class Runtime:
    arena_dir: Path
    state: ArenaState
    backend: AgentBackend
    waiter: Waiter

    def save(self) -> None:
        """Persist the state; called before and after every side effect."""
        save_state(self.state, self.arena_dir)
