"""HTML pages: home, the battle page with a tab per mode, and the leaderboard."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from arena.voice.battles.votes import OVERALL
from arena.voice.deps import VOTER_COOKIE, BoardsDep, ModesDep, SessionDep
from arena.voice.errors import ArenaError
from arena.voice.leaderboard import leaderboard_for
from arena.voice.web import templates

router = APIRouter(include_in_schema=False)


def _render(request: Request, name: str, **context: object) -> Response:
    response = templates.TemplateResponse(request, name, context)
    if VOTER_COOKIE not in request.cookies:
        response.set_cookie(
            VOTER_COOKIE, secrets.token_urlsafe(16), max_age=365 * 86400, samesite="lax"
        )
    return response


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, modes: ModesDep) -> Response:
    return _render(request, "home.html", tabs=modes.tabs(), active="home")


@router.get("/battle", response_class=RedirectResponse)
async def battle_default() -> RedirectResponse:
    return RedirectResponse("/battle/tts")


@router.get("/battle/{mode_name}", response_class=HTMLResponse)
async def battle_page(request: Request, mode_name: str, modes: ModesDep) -> Response:
    tabs = modes.tabs()
    if mode_name not in {t.name for t in tabs}:
        return RedirectResponse("/battle/tts")
    mode = modes.get(mode_name) if mode_name in modes else None
    return _render(request, "battle.html", tabs=tabs, current=mode_name, mode=mode, active="battle")


@router.get("/leaderboard", response_class=HTMLResponse)
async def leaderboard_page(
    request: Request,
    session: SessionDep,
    modes: ModesDep,
    boards: BoardsDep,
    battle_type: str = "tts",
    dimension: str = OVERALL,
) -> Response:
    tabs = modes.tabs()
    if battle_type not in {t.name for t in tabs}:
        return RedirectResponse("/leaderboard?battle_type=tts")
    board = None
    error = None
    if battle_type in modes:
        mode = modes.get(battle_type)
        try:
            board = await leaderboard_for(session, boards, mode, dimension)
        except ArenaError as exc:
            error = exc.message
    return _render(
        request,
        "leaderboard.html",
        tabs=tabs,
        current=battle_type,
        board=board,
        error=error,
        metric_names=modes.get(battle_type).metrics if battle_type in modes else (),
        active="leaderboard",
    )
