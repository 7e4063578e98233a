"""Create arenas and drive them phase by phase until consensus or the round limit."""

from __future__ import annotations

import logging
import random
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from arena.config import Settings
from arena.consensus.api import CursorClient
from arena.consensus.backends.base import AgentBackend
from arena.consensus.errors import ConfigError, StateError
from arena.consensus.phases import evaluate, generate
from arena.consensus.prompts import alias_names
from arena.consensus.report import write_report
from arena.consensus.runtime import Runtime
from arena.consensus.state import (
    AgentSlot,
    ArenaConfig,
    ArenaState,
    Phase,
    load_state,
    save_state,
)
from arena.consensus.waiting import Waiter
from arena.consensus.webhooks import WebhookReceiver

__all__ = [
    "PLACEHOLDER_TASK",
    "RunOptions",
    "build_backend",
    "create_arena",
    "find_arena",
    "next_arena_dir",
    "run",
    "step",
]

log = logging.getLogger("arena.consensus")
PLACEHOLDER_TASK = "Describe the task here (edit state.yaml or pass --task)."
ARENAS = Path("arenas")


def next_arena_dir(root: Path = ARENAS) -> Path:
    """The next sequentially numbered directory under `arenas/`."""
    numbers = [int(p.name) for p in root.glob("[0-9][0-9][0-9][0-9]") if p.is_dir()]
    return root / f"{max(numbers, default=0) + 1:04d}"


def find_arena(arena_dir: Path | None, root: Path = ARENAS) -> Path:
    """`--arena-dir` if given, else the highest-numbered arena under `arenas/`."""
    if arena_dir is not None:
        if not (arena_dir / "state.yaml").is_file():
            raise StateError(f"No arena state found in {arena_dir}: run `arena init` first.")
        return arena_dir
    candidates = sorted(
        p for p in root.glob("[0-9][0-9][0-9][0-9]") if (p / "state.yaml").is_file()
    )
    if not candidates:
        raise StateError(f"No arena state found under {root}/: run `arena init --task ...` first.")
    return candidates[-1]


def create_arena(config: ArenaConfig, arena_dir: Path) -> ArenaState:
    """Write a fresh state with a randomized alias → model mapping."""
    if (arena_dir / "state.yaml").exists():
        raise ConfigError(f"{arena_dir} already holds an arena; choose another --arena-dir.")
    models = list(config.models)
    random.Random(config.seed).shuffle(models)
    aliases = {
        alias: AgentSlot(model=model)
        for alias, model in zip(alias_names(len(models)), models, strict=True)
    }
    state = ArenaState(
        config=config,
        arena_id=uuid.uuid4().hex,
        aliases=aliases,
        webhook_secret=secrets.token_hex(32) if config.webhook_url else None,
    )
    arena_dir.mkdir(parents=True, exist_ok=True)
    save_state(state, arena_dir)
    write_report(arena_dir, state)
    return state


class RunOptions:
    """How to wait: poll interval bounds and whether to print dots."""

    def __init__(
        self, poll_interval: float = 5.0, max_poll_interval: float = 30.0, verbose: bool = False
    ) -> None:
        self.poll_interval = poll_interval
        self.max_poll_interval = max(poll_interval, max_poll_interval)
        self.verbose = verbose


def build_backend(state: ArenaState, settings: Settings, arena_dir: Path) -> AgentBackend:
    """The backend the arena was created with, configured from settings."""
    config = state.config
    if config.backend == "cursor":
        from arena.consensus.backends.cursor import CursorBackend
        from arena.consensus.git import repository_url

        if not settings.cursor_api_key:
            raise ConfigError(
                "CURSOR_API_KEY is not set: export it or put it in .env in the working directory."
            )
        client = CursorClient(settings.cursor_api_key, settings.cursor_base_url)
        webhook = (
            {"url": config.webhook_url, "secret": str(state.webhook_secret)}
            if config.webhook_url
            else None
        )
        return CursorBackend(
            client,
            repository=repository_url(config.repo),
            ref=config.base_branch,
            model_ids=config.model_ids,
            webhook=webhook,
        )
    if config.backend == "chat":
        from arena.consensus.backends.chat import ChatBackend

        return ChatBackend.from_settings(settings, arena_dir, config.model_ids)
    if config.backend == "local":
        from arena.consensus.backends.local import LocalBackend

        return LocalBackend.from_config(config, arena_dir)
    raise ConfigError(f"Unknown backend {config.backend!r}: use cursor, chat or local.")


@contextmanager
def runtime(arena_dir: Path, settings: Settings, options: RunOptions) -> Iterator[Runtime]:
    """Load the arena, connect its backend (and webhook receiver), and clean up after."""
    state = load_state(arena_dir)
    if state.config.task.strip() in ("", PLACEHOLDER_TASK):
        raise ConfigError(
            f"The task is still the placeholder: edit task in {arena_dir}/state.yaml "
            "or re-run `arena init --task ...`."
        )
    backend = build_backend(state, settings, arena_dir)
    receiver = None
    if state.config.webhook_url and state.webhook_secret:
        receiver = WebhookReceiver.for_url(state.config.webhook_url, state.webhook_secret).start()
        log.info("Listening for webhooks on port %d", receiver.port)
    waiter = Waiter(
        backend,
        poll_interval=options.poll_interval,
        max_interval=options.max_poll_interval,
        receiver=receiver,
        dots=not options.verbose,
    )
    try:
        yield Runtime(arena_dir, state, backend, waiter)
    finally:
        if receiver is not None:
            receiver.close()
        backend.close()


def step(rt: Runtime) -> Phase:
    """Run exactly one phase transition; returns the phase reached."""
    phase = rt.state.phase
    if phase is Phase.GENERATE:
        generate(rt)
    elif phase is Phase.EVALUATE:
        evaluate(rt)
    write_report(rt.arena_dir, rt.state)
    return rt.state.phase


def run(rt: Runtime) -> None:
    """Loop through phases until the arena is done; safe to kill and re-run at any point."""
    try:
        while rt.state.phase is not Phase.DONE:
            step(rt)
    finally:
        write_report(rt.arena_dir, rt.state)
    outcome = "consensus" if rt.state.consensus else (rt.state.stop_reason or "done")
    log.info("Arena finished after %d round(s): %s", len(rt.state.rounds), outcome)


def setup_logging(arena_dir: Path, verbose: bool) -> None:
    """DEBUG to `orchestrator.log`; INFO (DEBUG with -v) to stderr."""
    logger = logging.getLogger("arena.consensus")
    logger.setLevel(logging.DEBUG)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    file_handler = logging.FileHandler(arena_dir / "orchestrator.log", encoding="utf-8")
    file_handler.setLevel(logging.DEBUG)
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    stream = logging.StreamHandler()
    stream.setLevel(logging.DEBUG if verbose else logging.INFO)
    stream.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger.addHandler(file_handler)
    logger.addHandler(stream)
    logger.propagate = False
