"""The consensus arena commands on the root app; defined in `arena.consensus.commands`."""

from __future__ import annotations

from arena.consensus.commands import consensus_app, register

__all__ = ["consensus_app", "register"]
