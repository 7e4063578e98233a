"""The chat and local backends end to end, and context strategies on the Cursor emulator."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.consensus.conftest import POLL, Cli
from tests.fakes.cursor_api import EmulatorServer
from tests.fakes.openai_api import OpenAIEmulator

INIT = ["init", "--task", "Write solution.txt", "--repo", "acme/widgets"]


def state_of(cli: Cli) -> dict[str, Any]:
    return dict(yaml.safe_load((cli.cwd / "arenas/0001/state.yaml").read_text()))


def chat_reply(body: dict[str, Any]) -> str:
    prompt = body["messages"][-1]["content"]
    if "<verdict>" in prompt:
        base = re.findall(r"\bagent_[a-z]\b", prompt)[0]
        return (
            "<verdict>\ndecision: CONSENSUS\nconvergence_score: 8\nremaining_disagreements: none\n"
            f"base_solution: {base}\nmodifications: none\n</verdict>"
        )
    if "<critique>" in prompt:
        return f"<critique>{body['model']} says fine</critique>"
    return f"<solution>answer from {body['model']}</solution>"


def test_chat_backend_reaches_consensus_over_chat_completions(cli: Cli) -> None:
    with OpenAIEmulator(api_key="chat-key") as api:
        api.respond_chat_with(chat_reply)
        cli.env.update(OPENAI_BASE_URL=api.base_url, OPENAI_API_KEY="chat-key")
        cli(*INIT, "--backend", "chat", "--models", "opus,gpt", "--model-id", "opus=m-opus")
        cli("run", *POLL)
        requests = api.requests_to("/chat/completions")
    state = state_of(cli)
    assert state["consensus"] is True
    assert len(requests) == 2 + 2 + 1
    models = sorted({r.body["model"] for r in requests})
    assert models == ["gpt-5", "m-opus"]
    assert all(r.body["messages"][0]["role"] == "system" for r in requests)
    critique = next(r for r in requests if "<critique>" in r.body["messages"][-1]["content"])
    assert [m["role"] for m in critique.body["messages"]] == ["system", "user", "assistant", "user"]


def _repo(path: Path) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=path, check=True)
    (path / ".gitignore").write_text("arenas/\n.env\n")
    subprocess.run([*git, "add", ".gitignore"], cwd=path, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=path, check=True)


def test_local_backend_runs_agents_in_worktrees_and_verifies_the_branch(cli: Cli) -> None:
    _repo(cli.cwd)
    script = Path(__file__).with_name("agent_script.py")
    commands = [
        f"--agent-command={m}={sys.executable} {script} {{prompt_file}} {m}"
        for m in ("opus", "gpt")
    ]
    cli(
        *INIT,
        "--backend",
        "local",
        "--models",
        "opus,gpt",
        *commands,
        "--verify-commands",
        "test -f solution.txt",
        "--verify-mode",
        "gating",
    )
    cli("run", *POLL)
    state = state_of(cli)
    assert state["consensus"] is True
    assert state["rounds"][0]["verify_passed"] is True
    for slot in state["aliases"].values():
        shown = subprocess.run(
            ["git", "show", f"{slot['branch']}:solution.txt"],
            cwd=cli.cwd,
            capture_output=True,
            text=True,
            check=True,
        )
        assert shown.stdout.strip() == slot["model"]
    worktrees = subprocess.run(
        ["git", "worktree", "list"], cwd=cli.cwd, capture_output=True, text=True, check=True
    ).stdout
    assert worktrees.count("arena/0001") == 2


def test_fresh_context_launches_new_agents_each_round(cli: Cli, emulator: EmulatorServer) -> None:
    emulator.emulator.script.consensus_round = 2
    cli(*INIT, "--context", "fresh")
    cli("run", *POLL)
    launches = [e for e in emulator.emulator.received if e["kind"] == "launch"]
    assert len(launches) == 6
    second_round = [e["text"] for e in launches[3:]]
    assert all("Current solutions" in text and "Critiques" in text for text in second_round)
    assert state_of(cli)["consensus"] is True


def test_leaderboard_rates_models_from_verdicts(cli: Cli, emulator: EmulatorServer) -> None:
    emulator.emulator.script.consensus_round = 0
    for seed in ("1", "2", "3"):
        cli(*INIT, "--max-rounds", "2", "--seed", seed)
        cli("run", *POLL)
    result = cli("consensus", "leaderboard", "--bootstrap", "20")
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert sorted(row[1] for row in rows) == ["gemini", "gpt", "opus"]
    assert sum(int(row[-1]) for row in rows) > 0
