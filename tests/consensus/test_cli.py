"""CLI errors: one clear line and a non-zero exit, never a traceback; `.env` read from cwd."""

from __future__ import annotations

from pathlib import Path

from tests.consensus.conftest import POLL, Cli


def assert_one_line_error(result: object, needle: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode != 0  # type: ignore[attr-defined]
    assert needle in stderr and "Traceback" not in stderr
    assert len([line for line in stderr.splitlines() if line.startswith("Error:")]) == 1


def test_missing_key_in_env_and_dotenv(cli: Cli) -> None:
    (cli.cwd / ".env").unlink()
    cli("init", "--task", "x", "--repo", "a/b")
    assert_one_line_error(cli("run", *POLL, check=False), "CURSOR_API_KEY is not set")


def test_dotenv_is_read_from_the_working_directory(cli: Cli, tmp_path: Path) -> None:
    cli("init", "--task", "x", "--repo", "a/b", "--max-rounds", "1")
    result = cli("step", *POLL)
    assert "phase evaluate" in result.stdout


def test_placeholder_task_is_refused(cli: Cli) -> None:
    result = cli("init", "--repo", "a/b")
    assert "Edit the task" in result.stdout
    assert_one_line_error(cli("run", check=False), "placeholder")


def test_no_arena_found(cli: Cli) -> None:
    assert_one_line_error(cli("status", check=False), "No arena state found")
    assert_one_line_error(cli("run", check=False), "No arena state found")


def test_bad_values(cli: Cli) -> None:
    assert_one_line_error(
        cli("init", "--task", "x", "--repo", "a/b", "--verify-mode", "strict", check=False),
        "--verify-mode must be one of advisory, gating",
    )
    assert_one_line_error(
        cli("init", "--task", "x", "--repo", "a/b", "--models", "opus,llama", check=False),
        "Unknown model(s) llama",
    )
    assert_one_line_error(
        cli("init", "--task", "x", "--repo", "a/b", "--max-rounds", "11", check=False),
        "--max-rounds must be between 1 and 10, got 11",
    )
    cli("init", "--task", "x", "--repo", "a/b")
    assert_one_line_error(
        cli("add-comment", "--file", "missing.md", check=False), "--file missing.md does not exist"
    )
    assert_one_line_error(
        cli("add-comment", "--message", "hi", "--targets", "agent_q", check=False),
        "Unknown target(s) agent_q",
    )


def test_repo_defaults_to_origin(cli: Cli) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=cli.cwd, check=True)
    subprocess.run(
        ["git", "remote", "add", "origin", "git@github.com:acme/gadgets.git"],
        cwd=cli.cwd,
        check=True,
    )
    cli("init", "--task", "x", "--models", "opus,gpt", "--verify-mode", "Gating")
    status = cli("status").stdout
    assert "round 1 of 3" in status
    state = (cli.cwd / "arenas/0001/state.yaml").read_text()
    assert "repo: acme/gadgets" in state and "verify_mode: gating" in state


def test_repo_without_origin_is_a_clear_error(cli: Cli) -> None:
    assert_one_line_error(cli("init", "--task", "x", check=False), "pass --repo owner/repo")


def test_interactive_add_comment(cli: Cli) -> None:
    import subprocess
    import sys

    import yaml

    cli("init", "--task", "x", "--repo", "a/b")
    result = subprocess.run(
        [sys.executable, "-m", "arena.consensus", "add-comment"],
        cwd=cli.cwd,
        env=cli.env,
        input="Use pathlib\nqueue\nagent_a,agent_c\nn\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Queued comment" in result.stdout
    (saved,) = (cli.cwd / "arenas/0001/comments").glob("*.yaml")
    comment = yaml.safe_load(saved.read_text())
    assert comment["message"] == "Use pathlib"
    assert comment["targets"] == ["agent_a", "agent_c"]
    assert comment["wrap"] is False and comment["delivery"] == "queue"
