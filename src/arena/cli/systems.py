"""`arena systems`: what the plugins registered and whether each can run here."""

from __future__ import annotations

from typing import Annotated

import typer

from arena.config import Settings

systems_app = typer.Typer(name="systems", help="Registered systems.", no_args_is_help=True)


@systems_app.command("list")
def list_systems(
    mode: Annotated[str | None, typer.Option(help="Only this mode (tts, stt, s2s, agent).")] = None,
) -> None:
    """List every system with its mode and availability, and why when it is unavailable."""
    from arena.providers.registry import Registry

    registry = Registry.load(Settings())
    rows = [s for s in sorted(registry, key=lambda s: (s.mode, s.id)) if mode in (None, s.mode)]
    if not rows:
        typer.echo("No systems registered.")
        return
    width = max(len(s.id) for s in rows)
    for system in rows:
        availability = system.available()
        status = "available" if availability.ok else f"unavailable: {availability.reason}"
        typer.echo(f"{system.mode:<6} {system.id:<{width}}  {system.display_name} — {status}")
