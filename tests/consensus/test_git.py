"""Remote URL parsing and repository/clone URL resolution."""

from __future__ import annotations

from arena.consensus.git import clone_url, parse_remote, repository_url


def test_parse_remote_forms() -> None:
    assert parse_remote("https://github.com/acme/app.git") == "acme/app"
    assert parse_remote("git@github.com:acme/app.git\n") == "acme/app"
    assert parse_remote("ssh://git@github.com/acme/app") == "acme/app"
    assert parse_remote("/srv/repos/app") is None


def test_urls() -> None:
    assert repository_url("acme/app") == "https://github.com/acme/app"
    assert clone_url("acme/app", None) == "https://github.com/acme/app.git"
    assert clone_url("acme/app", "file:///mirror/{repo}.git") == "file:///mirror/acme/app.git"
