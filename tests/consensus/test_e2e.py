"""End to end: the CLI as a subprocess against the Cursor emulator over real HTTP."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.consensus.conftest import POLL, Cli
from tests.fakes.cursor_api import EmulatorServer

INIT = ["init", "--task", "Add a --json flag to the report command", "--repo", "acme/widgets"]


def state_of(cli: Cli) -> dict:
    return yaml.safe_load((cli.cwd / "arenas/0001/state.yaml").read_text())


def test_three_models_reach_consensus(cli: Cli, emulator: EmulatorServer) -> None:
    emulator.emulator.script.consensus_round = 2
    cli(*INIT, "--seed", "3")
    result = cli("run", *POLL)
    state = state_of(cli)
    assert state["phase"] == "done" and state["consensus"] is True
    assert len(state["rounds"]) == 2
    assert sorted(s["model"] for s in state["aliases"].values()) == ["gemini", "gpt", "opus"]
    assert "consensus" in result.stdout
    arena = cli.cwd / "arenas/0001"
    report = (arena / "report.md").read_text()
    assert "```mermaid" in report and "CONSENSUS 9" in report
    assert (arena / "winning-solution.md").read_text().startswith("# Winning solution")
    assert str(state["solutions"][state["winner"]]).startswith("file:artifacts/")
    archives = sorted(p.name for p in arena.glob("0*-*"))
    assert len([a for a in archives if "-solution-" in a]) == 6
    assert len([a for a in archives if a.endswith(".json")]) == 2
    assert emulator.emulator.duplicates() == []


def test_never_converging_run_stops_after_exactly_max_rounds(
    cli: Cli, emulator: EmulatorServer
) -> None:
    emulator.emulator.script.consensus_round = 0
    cli(*INIT, "--max-rounds", "2")
    cli("run", *POLL)
    state = state_of(cli)
    assert state["phase"] == "done" and state["consensus"] is False
    assert [r["round"] for r in state["rounds"]] == [0, 1]
    assert "No consensus after 2 round(s)" in state["stop_reason"]
    solutions = [e for e in emulator.emulator.received if "<solution>" in e["text"]]
    assert len(solutions) == 3 * 2
    judges = [r["judge"] for r in state["rounds"]]
    assert judges[0] != judges[1]


def test_error_agent_is_marked_failed_and_the_rest_continue(
    cli: Cli, emulator: EmulatorServer
) -> None:
    emulator.emulator.script.error_models = ["gemini"]
    cli(*INIT)
    cli("run", *POLL)
    state = state_of(cli)
    failed = {a: s for a, s in state["aliases"].items() if s["failed"]}
    assert [s["model"] for s in failed.values()] == ["gemini"]
    assert "ERROR" in next(iter(failed.values()))["failure"]
    assert state["phase"] == "done" and state["consensus"] is True
    assert set(state["solutions"]) == set(state["aliases"]) - set(failed)


def test_two_failed_agents_stop_the_arena_with_a_clear_message(
    cli: Cli, emulator: EmulatorServer
) -> None:
    emulator.emulator.script.error_models = ["gemini"]
    emulator.emulator.script.expire_models = ["gpt"]
    cli(*INIT)
    result = cli("run", *POLL, check=False)
    assert result.returncode == 1
    assert "Only 1 agent(s) remain" in result.stderr
    assert "Traceback" not in result.stderr
    assert state_of(cli)["phase"] == "done"


def test_429_storm_is_ridden_out_with_retry_after(cli: Cli, emulator: EmulatorServer) -> None:
    script = emulator.emulator.script
    script.rate_limit_period, script.rate_limit_burst, script.retry_after = 7, 3, "0.01"
    cli(*INIT)
    cli("run", *POLL)
    assert state_of(cli)["consensus"] is True
    assert emulator.emulator.rate_limited >= 10
    assert emulator.emulator.duplicates() == []


def test_unknown_outcome_posts_are_checked_not_resent(cli: Cli, emulator: EmulatorServer) -> None:
    emulator.emulator.script.fail_after_commit = 4
    cli(*INIT)
    cli("run", *POLL)
    assert state_of(cli)["consensus"] is True
    assert emulator.emulator.script.fail_after_commit == 0
    assert emulator.emulator.duplicates() == []
    assert len([e for e in emulator.emulator.received if e["kind"] == "launch"]) == 3


def test_unstructured_reply_gets_one_format_reminder(cli: Cli, emulator: EmulatorServer) -> None:
    emulator.emulator.script.unstructured_models = ["opus"]
    cli(*INIT)
    cli("run", *POLL)
    reminders = [e for e in emulator.emulator.received if "did not contain" in e["text"]]
    assert len(reminders) == 1
    state = state_of(cli)
    opus = next(a for a, s in state["aliases"].items() if s["model"] == "opus")
    assert (
        "Solution by opus"
        in (cli.cwd / "arenas/0001/artifacts" / f"solutions_{opus}.md").read_text()
    )


def _bare_repo(tmp: Path) -> Path:
    bare = tmp / "remote.git"
    work = tmp / "seed"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    (work / "README").write_text("seed\n")
    subprocess.run([*git, "add", "README"], cwd=work, check=True)
    subprocess.run([*git, "commit", "-qm", "seed"], cwd=work, check=True)
    subprocess.run([*git, "push", "-q", str(bare), "main"], cwd=work, check=True)
    return bare


def test_gating_verify_failure_forces_another_round(
    cli: Cli, emulator: EmulatorServer, tmp_path: Path
) -> None:
    bare = _bare_repo(tmp_path)
    emulator.emulator.script.git_remote = str(bare)
    emulator.emulator.script.consensus_round = 1
    cli(
        *INIT,
        "--verify-commands",
        "test -f solution.txt,grep -qx v2 solution.txt",
        "--verify-mode",
        "GATING",
        "--clone-url",
        bare.as_uri(),
    )
    cli("run", *POLL)
    state = state_of(cli)
    first, second = state["rounds"]
    assert first["decision"] == "CONSENSUS" and first["outcome"] == "verify-failed"
    assert [v["exit_code"] for v in first["verify"]] == [0, 1]
    assert second["outcome"] == "consensus" and second["verify_passed"] is True
    assert state["consensus"] is True
    report = (cli.cwd / "arenas/0001/report.md").read_text()
    assert "`grep -qx v2 solution.txt` → exit 1" in report


def test_advisory_verify_failure_keeps_the_consensus(
    cli: Cli, emulator: EmulatorServer, tmp_path: Path
) -> None:
    bare = _bare_repo(tmp_path)
    emulator.emulator.script.git_remote = str(bare)
    cli(*INIT, "--verify-commands", "false", "--clone-url", bare.as_uri())
    cli("run", *POLL)
    state = state_of(cli)
    assert state["consensus"] is True and len(state["rounds"]) == 1
    assert state["rounds"][0]["verify_passed"] is False


def test_queued_comment_is_delivered_exactly_once(cli: Cli, emulator: EmulatorServer) -> None:
    emulator.emulator.script.consensus_round = 2
    cli(*INIT)
    cli("step", *POLL)
    cli(
        "add-comment",
        "--message",
        "Mind the Windows line endings",
        "--queue",
        "--targets",
        "agent_b",
    )
    cli("run", *POLL)
    hits = [e for e in emulator.emulator.received if "Mind the Windows line endings" in e["text"]]
    assert len(hits) == 1
    state = state_of(cli)
    assert hits[0]["agent"] == state["aliases"]["agent_b"]["agent_id"]
    assert "<critique>" in hits[0]["text"]


def test_immediate_comment_goes_to_running_agents_once(cli: Cli, emulator: EmulatorServer) -> None:
    cli(*INIT)
    cli("step", *POLL)
    cli("add-comment", "--message", "Prefer the stdlib", "--immediate", "--no-wrap")
    cli("run", *POLL)
    hits = [e for e in emulator.emulator.received if "Prefer the stdlib" in e["text"]]
    assert len(hits) == 3
    assert all(e["text"] == "Prefer the stdlib" for e in hits)
    assert state_of(cli)["consensus"] is True


def test_webhooks_wake_the_orchestrator(cli: Cli, emulator: EmulatorServer) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cli(*INIT, "--webhook-url", f"http://127.0.0.1:{port}/hooks/cursor")
    result = cli("run", "-v", "--poll-interval", "5", "--max-poll-interval", "5")
    assert state_of(cli)["consensus"] is True
    assert emulator.emulator.webhooks_sent >= 3
    assert "Listening for webhooks" in result.stderr
    assert "Webhook: agent" in result.stderr


def test_verify_where_agent_uses_the_reported_exit_codes(
    cli: Cli, emulator: EmulatorServer
) -> None:
    emulator.emulator.script.agent_verify_exit = 2
    cli(
        *INIT,
        "--max-rounds",
        "1",
        "--verify-commands",
        "make test",
        "--verify-mode",
        "gating",
        "--verify-where",
        "agent",
    )
    cli("run", *POLL)
    state = state_of(cli)
    record = state["rounds"][0]
    assert record["verify"] == [{"command": "make test", "exit_code": 2}]
    assert record["outcome"] == "verify-failed" and state["consensus"] is False
    asked = [e for e in emulator.emulator.received if "<verification>" in e["text"]]
    assert len(asked) == 1


def test_immediate_comment_without_agents_waits_for_the_next_phase(
    cli: Cli, emulator: EmulatorServer
) -> None:
    cli(*INIT)
    sent = cli("add-comment", "--message", "Keep it small", "--immediate", "--targets", "agent_a")
    assert "no running agent" in sent.stdout
    cli("run", *POLL)
    hits = [e for e in emulator.emulator.received if "Keep it small" in e["text"]]
    assert len(hits) == 1
    assert hits[0]["kind"] == "launch" and hits[0]["branch"].endswith("agent_a")


def test_agent_failing_mid_arena_is_dropped_and_the_judge_rotates_past_it(
    cli: Cli, emulator: EmulatorServer
) -> None:
    script = emulator.emulator.script
    script.error_models, script.error_on_run, script.consensus_round = ["opus"], 2, 2
    cli(*INIT)
    cli("run", *POLL)
    state = state_of(cli)
    opus = next(a for a, s in state["aliases"].items() if s["model"] == "opus")
    assert state["aliases"][opus]["failed"] is True
    assert all(r["judge"] != opus for r in state["rounds"])
    assert state["consensus"] is True and len(state["rounds"]) == 2
    assert opus not in state["solutions"]


def test_judge_failing_during_its_verdict_hands_over_to_the_next(
    cli: Cli, emulator: EmulatorServer
) -> None:
    cli(*INIT, "--seed", "11")
    first = state_of(cli)["aliases"]["agent_a"]["model"]
    script = emulator.emulator.script
    script.error_models, script.error_on_run = [first], 3
    cli("run", *POLL)
    state = state_of(cli)
    assert state["judge_history"][:2] == ["agent_a", "agent_b"]
    assert state["rounds"][0]["judge"] == "agent_b"
    assert state["aliases"]["agent_a"]["failed"] is True
    assert state["consensus"] is True
