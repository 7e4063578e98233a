"""Loads provider plugins (built-in and from entry points) into one registry of systems."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TypeVar

import pluggy

from arena.config import Settings
from arena.providers import hookspecs
from arena.providers.base import Mode, System

# Built-in engines register through the same hook as third-party plugins.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "arena.providers.local.espeak",
    "arena.providers.local.piper",
    "arena.providers.local.flite",
    "arena.providers.local.festival",
    "arena.providers.hosted.openai_tts",
    "arena.providers.hosted.elevenlabs",
    "arena.providers.local.pocketsphinx",
    "arena.providers.local.whisper",
    "arena.providers.hosted.openai_stt",
    "arena.providers.hosted.deepgram",
    "arena.providers.local.cascade",
    "arena.providers.hosted.openai_realtime",
    "arena.providers.hosted.vapi",
    "arena.providers.hosted.retell",
    "arena.providers.local.agent",
)

S = TypeVar("S", bound=System)


class DuplicateSystemError(ValueError):
    """Two plugins registered the same system id."""


class UnknownSystemError(KeyError):
    """No plugin registered this system id."""


def plugin_manager(extra_plugins: tuple[str, ...] = ()) -> pluggy.PluginManager:
    """A plugin manager with the hookspecs, the built-ins and every `arena` entry point."""
    pm = pluggy.PluginManager("arena")
    pm.add_hookspecs(hookspecs)
    for name in (*DEFAULT_PLUGINS, *extra_plugins):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a built-in not shipped in this build
            raise
        pm.register(module, name)
    pm.load_setuptools_entrypoints("arena")
    return pm


class Registry:
    """Every system known to this process, by id."""

    def __init__(self, systems: list[System]) -> None:
        self._systems: dict[str, System] = {}
        for system in systems:
            if system.id in self._systems:
                raise DuplicateSystemError(f"system id {system.id!r} is registered twice")
            self._systems[system.id] = system

    @classmethod
    def load(cls, settings: Settings, extra_plugins: tuple[str, ...] = ()) -> Registry:
        found: list[System] = []
        plugin_manager(extra_plugins).hook.register_systems(
            register=found.append, settings=settings
        )
        return cls(found)

    def __iter__(self) -> Iterator[System]:
        return iter(self._systems.values())

    def __len__(self) -> int:
        return len(self._systems)

    def get(self, system_id: str) -> System:
        try:
            return self._systems[system_id]
        except KeyError:
            raise UnknownSystemError(system_id) from None

    def of_mode(self, mode: Mode) -> list[System]:
        return [s for s in self._systems.values() if s.mode == mode]

    def available(self, mode: Mode, kind: type[S]) -> list[S]:
        """Systems of `mode` that are instances of `kind` and can run here."""
        return [
            s
            for s in self._systems.values()
            if s.mode == mode and isinstance(s, kind) and s.available().ok
        ]
