"""Git helpers: `owner/repo` from a remote URL, the repository URL agents and clones use."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from arena.consensus.errors import ConfigError

__all__ = ["clone_url", "detect_repo", "parse_remote", "repository_url"]

_REMOTE = re.compile(
    r"^(?:https?://[^/]+/|ssh://git@[^/]+/|git@[^:]+:)(?P<owner>[^/]+)/(?P<name>[^/]+?)(?:\.git)?/?$"
)


def parse_remote(url: str) -> str | None:
    """`owner/repo` from an HTTPS or SSH remote URL, else None."""
    match = _REMOTE.match(url.strip())
    return f"{match['owner']}/{match['name']}" if match else None


def detect_repo(cwd: Path) -> str:
    """`owner/repo` of the `origin` remote of the git repository at `cwd`."""
    try:
        result = subprocess.run(
            ["git", "remote", "get-url", "origin"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ConfigError(
            "Cannot detect the repository: no git `origin` remote here; pass --repo owner/repo."
        ) from exc
    repo = parse_remote(result.stdout)
    if repo is None:
        raise ConfigError(
            f"The origin remote {result.stdout.strip()!r} is not a GitHub-style URL; "
            "pass --repo owner/repo."
        )
    return repo


def repository_url(repo: str) -> str:
    """The repository URL the Cursor API expects for `owner/repo`."""
    return repo if "://" in repo else f"https://github.com/{repo}"


def clone_url(repo: str, template: str | None) -> str:
    """Where to clone from for a local verify: `--clone-url` (may contain {repo}) or GitHub."""
    if template:
        return template.replace("{repo}", repo)
    return repository_url(repo) + ".git"
