"""The pluggy hooks a provider plugin implements (entry-point group `arena`)."""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from arena.config import Settings
from arena.providers.base import System

hookspec = pluggy.HookspecMarker("arena")
hookimpl = pluggy.HookimplMarker("arena")

Register = Callable[[System], None]


@hookspec
def register_systems(register: Register, settings: Settings) -> None:
    """Call `register(system)` for every system this plugin offers."""
