"""`arena ratings fit` on real CSV files: formats, reproducibility and bad-input errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arena.cli import app

runner = CliRunner()

BATTLES = [
    ("model_a", "model_b", "winner", "judge"),
    ("gpt", "llama", "model_a", "u1"),
    ("llama", "gpt", "model_b", "u2"),
    ("gpt", "mistral", "tie", "u3"),
    ("mistral", "llama", "model_a", "u4"),
    ("llama", "mistral", "tie (bothbad)", "u5"),
    ("gpt", "llama", "model_a", "u6"),
    ("mistral", "gpt", "model_b", "u7"),
]


def write_csv(path: Path, rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)
    return path


@pytest.fixture
def battles(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "battles.csv", BATTLES)


def test_json_output_lists_the_documented_fields_best_first(battles: Path) -> None:
    result = runner.invoke(app, ["ratings", "fit", str(battles), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["system"] for row in rows] == ["gpt", "mistral", "llama"]
    assert set(rows[0]) == {"system", "rating", "ci_low", "ci_high", "rank", "votes"}
    assert [row["votes"] for row in rows] == [5, 4, 5]
    assert sum(row["rating"] for row in rows) / 3 == pytest.approx(1000.0)
    assert all(row["ci_low"] <= row["rating"] <= row["ci_high"] for row in rows)


def test_same_seed_same_output_other_seed_other_intervals(battles: Path) -> None:
    args = ["ratings", "fit", str(battles), "--format", "csv", "--bootstrap", "200"]
    first = runner.invoke(app, [*args, "--seed", "3"])
    again = runner.invoke(app, [*args, "--seed", "3"])
    other = runner.invoke(app, [*args, "--seed", "4"])
    assert first.exit_code == again.exit_code == other.exit_code == 0
    assert first.stdout == again.stdout
    assert first.stdout != other.stdout


def test_csv_output_has_a_header_and_one_row_per_system(battles: Path) -> None:
    result = runner.invoke(app, ["ratings", "fit", str(battles), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [row["system"] for row in rows] == ["gpt", "mistral", "llama"]
    assert rows[0]["wins"] == "4" and rows[0]["ties"] == "1" and rows[0]["preliminary"] == "true"


def test_table_output_marks_preliminary_systems(battles: Path) -> None:
    result = runner.invoke(app, ["ratings", "fit", str(battles)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["rank", "system", "rating"]
    assert lines[1].split()[:3] == ["1", "gpt", "*"]
    assert "preliminary" in lines[-1]


def test_anchor_pins_the_system_at_1000(battles: Path) -> None:
    result = runner.invoke(
        app, ["ratings", "fit", str(battles), "--format", "json", "--anchor", "llama"]
    )
    rows = {row["system"]: row for row in json.loads(result.stdout)}
    assert rows["llama"]["rating"] == pytest.approx(1000.0)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "line 1: the file is empty"),
        ([("model_a", "model_b", "result")], "line 1: missing column(s) winner"),
        ([("model_a", "model_b", "winner")], "line 2: no battles after the header"),
        (
            [("model_a", "model_b", "winner"), ("a", "b", "model_a"), ("a", "b", "draw")],
            "line 3: unknown winner 'draw'",
        ),
        (
            [
                ("model_a", "model_b", "winner"),
                ("a", "b", "tie"),
                ("c", "d", "tie"),
                ("a", "a", "tie"),
            ],
            "line 4: 'a' is compared with itself",
        ),
        ([("model_a", "model_b", "winner"), ("a", "b")], "line 2: the row has 2 field(s)"),
        ([("model_a", "model_b", "winner"), ("", "b", "tie")], "line 2: model_a and model_b"),
    ],
)
def test_bad_input_is_one_error_naming_the_line_and_exit_code_2(
    tmp_path: Path, rows: list[tuple[str, ...]], message: str
) -> None:
    path = write_csv(tmp_path / "bad.csv", rows)
    result = runner.invoke(app, ["ratings", "fit", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {path} {message}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ratings", "fit", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Cannot read" in result.stderr and "nope.csv" in result.stderr


def test_unknown_anchor_is_a_clear_error(battles: Path) -> None:
    result = runner.invoke(app, ["ratings", "fit", str(battles), "--anchor", "zulu"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "'zulu'" in result.stderr


def test_installed_command_rates_a_fastchat_csv_in_a_subprocess(battles: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "arena", "ratings", "fit", str(battles), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)[0]["system"] == "gpt"


def test_subprocess_bad_input_exits_2_without_stdout(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [("model_a", "model_b", "winner"), ("a", "b", "x")])
    completed = subprocess.run(
        [sys.executable, "-m", "arena", "ratings", "fit", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "line 2: unknown winner 'x'" in completed.stderr


def test_disconnected_groups_show_their_component(tmp_path: Path) -> None:
    rows = [("model_a", "model_b", "winner"), ("a", "b", "model_a"), ("x", "y", "model_b")]
    path = write_csv(tmp_path / "two.csv", rows)
    table = runner.invoke(app, ["ratings", "fit", str(path), "--bootstrap", "0"])
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0].split()[-1] == "component"
    assert "only within a component" in table.stdout
    listed = list(
        csv.DictReader(
            runner.invoke(app, ["ratings", "fit", str(path), "--format", "csv"]).stdout.splitlines()
        )
    )
    assert {(row["system"], row["component"]) for row in listed} == {
        ("a", "0"),
        ("b", "0"),
        ("x", "1"),
        ("y", "1"),
    }
