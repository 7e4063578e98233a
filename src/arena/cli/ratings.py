"""`arena ratings`: Bradley–Terry leaderboards with confidence intervals from vote files."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from arena.config import Settings

if TYPE_CHECKING:
    from arena.core.ratings import Outcome, Rating

ratings_app = typer.Typer(
    name="ratings",
    help="Bradley–Terry ratings with bootstrap 95% confidence intervals.",
    no_args_is_help=True,
)

WINNERS: dict[str, Outcome] = {
    "model_a": "a",
    "model_b": "b",
    "tie": "tie",
    "tie (bothbad)": "both_bad",
}
COLUMNS = ("model_a", "model_b", "winner")
CSV_COLUMNS = (
    *("system", "rating", "ci_low", "ci_high", "rank", "votes"),
    *("wins", "losses", "ties", "win_rate", "preliminary", "component"),
)
USAGE_ERROR = 2


class BattlesFileError(ValueError):
    """A battles CSV that cannot be rated; the message names the file and line."""


class OutputFormat(StrEnum):
    """How `arena ratings fit` prints the leaderboard."""

    table = "table"
    json = "json"
    csv = "csv"


def read_battles_csv(path: Path) -> list[tuple[str, str, Outcome]]:
    """Votes from a FastChat battles CSV: columns model_a, model_b, winner (others ignored)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise BattlesFileError(f"Cannot read {path}: {error}.") from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise BattlesFileError(
                f"{path} line 1: the file is empty; it needs a header row with "
                "model_a,model_b,winner and one row per battle."
            )
        columns = _column_positions(path, [name.strip() for name in header])
        votes = [_vote(path, reader.line_num, row, columns) for row in reader]
    except csv.Error as error:
        raise BattlesFileError(f"{path} line {reader.line_num}: {error}.") from error
    if not votes:
        raise BattlesFileError(f"{path} line 2: no battles after the header row.")
    return votes


def _column_positions(path: Path, header: list[str]) -> tuple[int, int, int]:
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise BattlesFileError(
            f"{path} line 1: missing column(s) {', '.join(missing)}; the header must name "
            "model_a, model_b and winner (FastChat battle format)."
        )
    return header.index("model_a"), header.index("model_b"), header.index("winner")


def _vote(
    path: Path, line: int, row: list[str], columns: tuple[int, int, int]
) -> tuple[str, str, Outcome]:
    if len(row) <= max(columns):
        raise BattlesFileError(
            f"{path} line {line}: the row has {len(row)} field(s); "
            "model_a, model_b and winner are all required."
        )
    model_a, model_b, winner = (row[index].strip() for index in columns)
    if not model_a or not model_b:
        raise BattlesFileError(f"{path} line {line}: model_a and model_b must not be empty.")
    if model_a == model_b:
        raise BattlesFileError(
            f"{path} line {line}: {model_a!r} is compared with itself; "
            "a battle needs two different systems."
        )
    if winner not in WINNERS:
        raise BattlesFileError(
            f"{path} line {line}: unknown winner {winner!r}; "
            "expected model_a, model_b, tie or tie (bothbad)."
        )
    return model_a, model_b, WINNERS[winner]


def render(board: Sequence[Rating], output: OutputFormat) -> str:
    """The leaderboard as text in the chosen format, ready to print in one piece."""
    if output is OutputFormat.json:
        rows = [
            {
                "system": row.system,
                "rating": row.rating,
                "ci_low": row.ci_low,
                "ci_high": row.ci_high,
                "rank": row.rank,
                "votes": row.votes,
            }
            for row in board
        ]
        return json.dumps(rows, indent=2)
    if output is OutputFormat.csv:
        return _render_csv(board)
    return _render_table(board)


def _render_csv(board: Sequence[Rating]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in board:
        writer.writerow(
            (
                row.system,
                f"{row.rating:.4f}",
                f"{row.ci_low:.4f}",
                f"{row.ci_high:.4f}",
                row.rank,
                row.votes,
                f"{row.wins:g}",
                f"{row.losses:g}",
                f"{row.ties:g}",
                f"{row.win_rate:.4f}",
                str(row.preliminary).lower(),
                row.component,
            )
        )
    return buffer.getvalue().rstrip("\n")


def _render_table(board: Sequence[Rating]) -> str:
    several = len({row.component for row in board}) > 1
    header = ["rank", "system", "rating", "95% CI", "votes", "win rate"]
    lines = [header + (["component"] if several else [])]
    for row in board:
        cells = [
            str(row.rank),
            row.system + (" *" if row.preliminary else ""),
            f"{row.rating:.1f}",
            f"{row.ci_low:.1f} – {row.ci_high:.1f}",
            str(row.votes),
            f"{row.win_rate:.1%}",
        ]
        lines.append(cells + ([str(row.component)] if several else []))
    widths = [max(len(line[k]) for line in lines) for k in range(len(lines[0]))]
    text = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    notes = []
    if any(row.preliminary for row in board):
        notes.append("* preliminary: fewer votes than the threshold.")
    if several:
        notes.append("Ratings compare only within a component (systems linked by battles).")
    return "\n".join(text + notes)


@ratings_app.command("fit")
def fit(
    votes_csv: Annotated[
        Path, typer.Argument(help="FastChat battles CSV with model_a, model_b, winner columns.")
    ],
    bootstrap: Annotated[int, typer.Option(min=0, help="Bootstrap rounds for the 95% CI.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same CIs.")] = 0,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, json or csv.")
    ] = OutputFormat.table,
    anchor: Annotated[
        str | None, typer.Option(help="Pin this system at 1000 instead of centring the mean.")
    ] = None,
    preliminary_below: Annotated[
        int, typer.Option(min=0, help="Flag systems with fewer votes as preliminary.")
    ] = 30,
) -> None:
    """Rate the systems in a battles CSV (winner: model_a, model_b, tie, tie (bothbad)).

    Example: arena ratings fit battles.csv --bootstrap 1000 --seed 0 --format json
    """
    from arena.core.ratings import PairCounts, RatingsInputError, leaderboard

    try:
        counts = PairCounts.from_votes(read_battles_csv(votes_csv))
        board = leaderboard(
            counts,
            bootstrap_rounds=bootstrap,
            seed=seed,
            anchor=anchor,
            preliminary_below=preliminary_below,
        )
    except (BattlesFileError, RatingsInputError) as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(USAGE_ERROR) from error
    typer.echo(render(board, output))


@ratings_app.command("rebuild")
def rebuild() -> None:
    """Recompute the voice arena's pair counts, vote totals and metric totals from its votes
    and candidates (ARENA_DATABASE_URL).

    Votes and candidates are the source of truth; run this after restoring a backup, editing
    rows by hand or changing the outcome rules. Example: `arena ratings rebuild`.
    """
    votes, pairs, metrics = asyncio.run(_rebuild(Settings()))
    typer.echo(f"Replayed {votes} votes into {pairs} pair-count rows; {metrics} metric-total rows.")


async def _rebuild(settings: Settings) -> tuple[int, int, int]:
    from arena.voice.battles.votes import rebuild_pair_counts
    from arena.voice.db.metric_totals import rebuild_metric_totals
    from arena.voice.state import ArenaState

    state = ArenaState.build(settings)
    try:
        await state.prepare(seed=False)
        async with state.sessions() as session:
            votes, pairs = await rebuild_pair_counts(session, state.modes)
            return votes, pairs, await rebuild_metric_totals(session)
    finally:
        await state.close()
