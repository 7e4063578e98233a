"""`python -m arena.consensus init|run|step|status|add-comment`: the commands without the rest."""

from __future__ import annotations

from arena.consensus.commands import standalone_app

standalone_app()()
