"""The README's blocks for sources and the config file are real output of the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _section(title: str) -> str:
    start = README.index(title)
    end = README.index("\n### ", start + len(title))
    return README[start:end]


def _run(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, cwd=cwd,
        timeout=60,
    )  # fmt: skip
    return result.stdout + result.stderr


def test_the_config_example_checks_as_shown(tmp_path: Path) -> None:
    section = _section("### The configuration file")
    toml = re.search(r"```toml\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    (tmp_path / "tracker.toml").write_text(toml)
    shown = re.search(r"\$ tracker config check --config tracker.toml\n(.*)\n", section)
    assert shown is not None
    assert _run("config", "check", "--config", "tracker.toml", cwd=tmp_path).strip() == shown[1]


def test_the_follow_error_lines_are_what_tracker_prints(tmp_path: Path) -> None:
    section = _section("### `tracker follow URL`")
    shown = re.search(r"\$ tracker follow ftp://news.example/feed\n(.*)\n", section)
    assert shown is not None
    assert _run("follow", "ftp://news.example/feed", cwd=tmp_path).strip() == shown[1]
