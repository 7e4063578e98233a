"""`/api/v1/systems` and `/api/v1/modes`: what this arena can run."""

from __future__ import annotations

from fastapi import APIRouter

from arena.voice.deps import ModesDep, RegistryDep
from arena.voice.schemas import ModePublic, SystemPublic

router = APIRouter(prefix="/api/v1", tags=["systems"])


@router.get("/systems", response_model=list[SystemPublic])
async def list_systems(registry: RegistryDep) -> list[SystemPublic]:
    """Every registered system with its availability (names are fine here: no battle involved)."""
    out = []
    for system in sorted(registry, key=lambda s: (s.mode, s.id)):
        availability = system.available()
        out.append(
            SystemPublic(
                id=system.id,
                mode=system.mode,
                display_name=system.display_name,
                provider=system.provider,
                available=availability.ok,
                reason=availability.reason,
            )
        )
    return out


@router.get("/modes", response_model=list[ModePublic])
async def list_modes(modes: ModesDep) -> list[ModePublic]:
    """Battle modes in tab order, live or coming."""
    return modes.tabs()
