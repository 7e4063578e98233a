"""Consensus-arena commands: `arena init|run|step|status|add-comment` and `arena consensus …`.

They live here so `python -m arena.consensus` can start them without importing the rest
of the `arena` CLI (the voice arena's imports take seconds; the orchestrator restarts often).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError

from arena.config import Settings
from arena.consensus import orchestrator
from arena.consensus.errors import ArenaError, ConfigError

__all__ = ["consensus_app", "register", "standalone_app"]

F = TypeVar("F", bound=Callable[..., Any])

consensus_app = typer.Typer(
    name="consensus", help="Consensus arena extras: leaderboard.", no_args_is_help=True
)

ArenaDir = Annotated[
    Path | None,
    typer.Option("--arena-dir", help="Arena directory (default: the latest under arenas/)."),
]
Verbose = Annotated[bool, typer.Option("-v", "--verbose", help="DEBUG output on stderr.")]
PollInterval = Annotated[
    float, typer.Option("--poll-interval", min=0.01, help="First poll interval in seconds.")
]
MaxPollInterval = Annotated[
    float, typer.Option("--max-poll-interval", min=0.01, help="Longest poll interval in seconds.")
]


def user_errors(func: F) -> F:
    """Turn every ArenaError into one line on stderr and exit code 1 — never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ArenaError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            typer.echo(f"Error: invalid value for {field}: {first['msg']}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _split(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _pairs(pairs: list[str], flag: str) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ConfigError(f"{flag} expects name=value, got {pair!r}.")
        parsed[name.strip()] = value.strip()
    return parsed


def _model_ids(pairs: list[str]) -> dict[str, str]:
    from arena.consensus.state import DEFAULT_MODEL_IDS

    return {**DEFAULT_MODEL_IDS, **_pairs(pairs, "--model-id")}


def _local_clone_url(backend: str) -> str | None:
    """The local backend's branches live in the repository here, so verify clones from it."""
    return Path.cwd().resolve().as_uri() if backend.lower() == "local" else None


def _choice(value: str, allowed: tuple[str, ...], flag: str) -> str:
    lowered = value.strip().lower()
    if lowered not in allowed:
        raise ConfigError(f"{flag} must be one of {', '.join(allowed)}, got {value!r}.")
    return lowered


@user_errors
def init(
    task: Annotated[
        str, typer.Option(help="Task for the agents to solve.")
    ] = orchestrator.PLACEHOLDER_TASK,
    repo: Annotated[
        str | None, typer.Option(help="GitHub repository owner/repo (default: from origin).")
    ] = None,
    base_branch: Annotated[str, typer.Option(help="Branch the agents work from.")] = "main",
    max_rounds: Annotated[
        int, typer.Option(help="1-10: exactly this many generate→evaluate rounds at most.")
    ] = 3,
    models: Annotated[
        str | None, typer.Option(help="Comma-separated subset of opus,gpt,gemini.")
    ] = None,
    model_id: Annotated[
        list[str] | None, typer.Option(help="Override a model id, e.g. opus=claude-opus-4-1.")
    ] = None,
    verify_commands: Annotated[
        str | None, typer.Option(help="Comma-separated commands to run on consensus.")
    ] = None,
    verify_mode: Annotated[str, typer.Option(help="advisory or gating.")] = "advisory",
    verify_where: Annotated[
        str, typer.Option(help="local (clone the winning branch) or agent.")
    ] = "local",
    consensus_threshold: Annotated[
        int, typer.Option(help="1-10: minimum convergence score for consensus.")
    ] = 8,
    context: Annotated[
        str, typer.Option(help="full (keep agents) or fresh (new per round).")
    ] = "full",
    backend: Annotated[str, typer.Option(help="cursor, chat or local.")] = "cursor",
    agent_command: Annotated[
        list[str] | None,
        typer.Option(help="Local backend: name=command, {prompt_file} is the prompt's path."),
    ] = None,
    clone_url: Annotated[
        str | None, typer.Option(help="Clone URL for local verify; {repo} is substituted.")
    ] = None,
    webhook_url: Annotated[
        str | None, typer.Option(help="Public URL Cursor posts status webhooks to.")
    ] = None,
    arena_dir: ArenaDir = None,
    seed: Annotated[int | None, typer.Option(hidden=True)] = None,
) -> None:
    """Create a new arena (arenas/NNNN/state.yaml) with a randomized alias mapping.

    Example: arena init --task "Fix the login bug" --repo acme/app --models opus,gpt
    """
    from arena.consensus.git import detect_repo
    from arena.consensus.state import ArenaConfig

    for flag, value in (
        ("--max-rounds", max_rounds),
        ("--consensus-threshold", consensus_threshold),
    ):
        if not 1 <= value <= 10:
            raise ConfigError(f"{flag} must be between 1 and 10, got {value}.")
    ids = _model_ids(model_id or [])
    chosen = _split(models) or ["opus", "gpt", "gemini"]
    unknown = [m for m in chosen if m not in ids]
    if unknown:
        raise ConfigError(
            f"Unknown model(s) {', '.join(unknown)}: use {', '.join(sorted(ids))} "
            "or add one with --model-id name=model-id."
        )
    if len(set(chosen)) != len(chosen):
        raise ConfigError("--models lists a model twice; each model joins once.")
    config = ArenaConfig(
        task=task,
        repo=repo or detect_repo(Path.cwd()),
        base_branch=base_branch,
        max_rounds=max_rounds,
        models=chosen,
        model_ids=ids,
        verify_commands=_split(verify_commands),
        verify_mode=_choice(verify_mode, ("advisory", "gating"), "--verify-mode"),
        verify_where=_choice(verify_where, ("local", "agent"), "--verify-where"),
        consensus_threshold=consensus_threshold,
        context=_choice(context, ("full", "fresh"), "--context"),
        backend=_choice(backend, ("cursor", "chat", "local"), "--backend"),
        agent_commands=_pairs(agent_command or [], "--agent-command"),
        local_repo=str(Path.cwd().resolve()) if backend.lower() == "local" else None,
        clone_url=clone_url or _local_clone_url(backend),
        webhook_url=webhook_url,
        seed=seed if seed is not None else random.randrange(2**31),
    )
    target = arena_dir or orchestrator.next_arena_dir()
    state = orchestrator.create_arena(config, target)
    typer.echo(f"Created {target}/state.yaml: {len(state.aliases)} agents, phase generate.")
    if task == orchestrator.PLACEHOLDER_TASK:
        typer.echo(f"Edit the task in {target}/state.yaml before `arena run`.")


def _drive(
    arena_dir: Path | None, verbose: bool, interval: float, max_interval: float, once: bool
) -> None:
    target = orchestrator.find_arena(arena_dir)
    orchestrator.setup_logging(target, verbose)
    options = orchestrator.RunOptions(interval, max_interval, verbose)
    with orchestrator.runtime(target, Settings(), options) as rt:
        if rt.state.phase.value == "done":
            typer.echo(f"{target} is already finished ({_outcome(rt.state)}).")
            return
        if once:
            phase = orchestrator.step(rt)
            typer.echo(f"Now at round {rt.state.round + 1}, phase {phase.value}.")
        else:
            orchestrator.run(rt)
            typer.echo(f"Done: {_outcome(rt.state)}. See {target}/report.md.")


def _outcome(state: Any) -> str:
    if state.consensus:
        return f"consensus on {state.winner} after {len(state.rounds)} round(s)"
    return str(state.stop_reason or "no consensus")


@user_errors
def run(
    arena_dir: ArenaDir = None,
    verbose: Verbose = False,
    poll_interval: PollInterval = 5.0,
    max_poll_interval: MaxPollInterval = 30.0,
) -> None:
    """Run the arena until consensus or max rounds; resumable — kill and re-run at any time."""
    _drive(arena_dir, verbose, poll_interval, max_poll_interval, once=False)


@user_errors
def step(
    arena_dir: ArenaDir = None,
    verbose: Verbose = False,
    poll_interval: PollInterval = 5.0,
    max_poll_interval: MaxPollInterval = 30.0,
) -> None:
    """Execute exactly one phase transition (e.g. generate → evaluate) and exit."""
    _drive(arena_dir, verbose, poll_interval, max_poll_interval, once=True)


@user_errors
def status(arena_dir: ArenaDir = None) -> None:
    """Show phase, round, alias mapping, agent ids and per-agent progress."""
    from arena.consensus.state import load_state

    target = orchestrator.find_arena(arena_dir)
    state = load_state(target)
    typer.echo(
        f"Arena {target}: round {state.round + 1} of {state.config.max_rounds}, "
        f"phase {state.phase.value}"
    )
    typer.echo(f"Task: {state.config.task}")
    progress = (
        state.critique_progress if state.phase.value == "evaluate" else state.generate_progress
    )
    for alias, slot in sorted(state.aliases.items()):
        entry = progress.get(alias)
        health = (
            f"FAILED ({slot.failure})" if slot.failed else (entry.status.value if entry else "-")
        )
        typer.echo(f"  {alias}: {slot.model:<8} agent={slot.agent_id or '-'} {health}")
    if state.judge:
        typer.echo(f"Judge: {state.judge}")
    for record in state.rounds:
        typer.echo(
            f"  round {record.round + 1}: {record.decision} score={record.convergence_score} "
            f"base={record.base_solution} outcome={record.outcome}"
        )
    if state.phase.value == "done":
        typer.echo(f"Finished: {_outcome(state)}")


@user_errors
def add_comment(
    message: Annotated[str | None, typer.Option(help="Comment text.")] = None,
    file: Annotated[Path | None, typer.Option(help="Append this file's contents.")] = None,
    immediate: Annotated[bool, typer.Option(help="Send to the agents now.")] = False,
    queue: Annotated[
        bool, typer.Option(help="Send with the next phase's prompts (default).")
    ] = False,
    targets: Annotated[
        str | None, typer.Option(help="Comma-separated aliases (default: all agents).")
    ] = None,
    no_wrap: Annotated[
        bool, typer.Option("--no-wrap", help="Send the text without framing.")
    ] = False,
    arena_dir: ArenaDir = None,
) -> None:
    """Inject an operator comment into the agents' conversations (interactive without --message)."""
    from arena.consensus.comments import Delivery, deliver_immediately
    from arena.consensus.comments import add_comment as store
    from arena.consensus.state import load_state

    target = orchestrator.find_arena(arena_dir)
    state = load_state(target)
    if immediate and queue:
        raise ConfigError("Choose one of --immediate and --queue.")
    interactive = message is None and file is None
    if interactive:
        message = typer.prompt("Comment")
        immediate = (
            typer.prompt("Delivery (immediate/queue)", default="queue").lower().startswith("i")
        )
        targets = typer.prompt("Targets (comma-separated aliases, empty for all)", default="")
        no_wrap = not typer.confirm("Frame it as an operator comment?", default=True)
    text = message or ""
    if file is not None and not file.is_file():
        raise ConfigError(f"--file {file} does not exist or is not a file.")
    if file is not None:
        text = (text + "\n\n" if text else "") + f"Contents of {file.name}:\n\n{file.read_text()}"
    if not text.strip():
        raise ConfigError("The comment is empty: pass --message or --file.")
    aliases = _split(targets)
    unknown = [a for a in aliases if a not in state.aliases]
    if unknown:
        raise ConfigError(
            f"Unknown target(s) {', '.join(unknown)}: use {', '.join(sorted(state.aliases))}."
        )
    delivery = Delivery.IMMEDIATE if immediate else Delivery.QUEUE
    comment = store(target, text, aliases, not no_wrap, delivery)
    if delivery is Delivery.QUEUE:
        typer.echo(f"Queued comment {comment.id}; it goes out when the next phase starts.")
        return
    backend = orchestrator.build_backend(state, Settings(), target)
    try:
        reached = deliver_immediately(target, comment, state, backend)
    finally:
        backend.close()
    typer.echo(
        f"Sent comment {comment.id} to {', '.join(reached) or 'no running agent'}; "
        "agents without one get it at the next phase start."
    )


@consensus_app.command("leaderboard")
@user_errors
def leaderboard(
    root: Annotated[Path, typer.Option("--arenas", help="Directory holding the arenas.")] = Path(
        "arenas"
    ),
    bootstrap: Annotated[
        int, typer.Option(min=0, help="Bootstrap rounds for the intervals.")
    ] = 200,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
) -> None:
    """Bradley–Terry ratings of the models across finished arenas, from their verdicts."""
    from arena.consensus.leaderboard import format_table, rate_models

    typer.echo(format_table(rate_models(root, bootstrap, seed)))


def standalone_app() -> typer.Typer:
    """The consensus commands alone, for `python -m arena.consensus`."""
    app = typer.Typer(
        name="arena", help="Consensus arena.", no_args_is_help=True, pretty_exceptions_enable=False
    )
    register(app)
    return app


def register(app: typer.Typer) -> None:
    """Add the consensus commands to the root `arena` app."""
    app.command("init")(init)
    app.command("run")(run)
    app.command("step")(step)
    app.command("status")(status)
    app.command("add-comment")(add_comment)
    app.add_typer(consensus_app)
