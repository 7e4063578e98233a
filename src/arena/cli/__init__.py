"""The `arena` command line: one Typer app, with a sub-app per area."""

from __future__ import annotations

import typer

from arena.cli.battle import app as battle_app
from arena.cli.consensus import register as register_consensus
from arena.cli.db import db_app
from arena.cli.ratings import ratings_app
from arena.cli.seed import seed
from arena.cli.serve import serve
from arena.cli.systems import systems_app

app = typer.Typer(
    name="arena",
    help="Arena: blind voice battles and multi-model consensus.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(ratings_app, name="ratings")
app.add_typer(battle_app, name="battle")
app.command()(serve)
app.command()(seed)
app.add_typer(db_app, name="db")
app.add_typer(systems_app, name="systems")
register_consensus(app)


def main() -> None:
    """Console entry point."""
    app()
