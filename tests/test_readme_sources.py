"""The README's blocks for sources, the config file, alerts and the feed are real output of the
code. Blocks that talk to a local server are run against one (tests/newsroom.py, a webhook
receiver); its port, the default target names made from it and the times of the next reads
are the only parts that may differ."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.httpserver import TestHTTPServer
from tests.newsroom import Newsroom
from tests.receivers import WebhookReceiver
from tests.test_readme import matches

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCK = re.compile(r"^```console\n(.*?)^```", re.M | re.S)
PORT = re.compile(r"127\.0\.0\.1:\d+")
VARYING = (
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"), "<time>"),
    (re.compile(r"webhook-[0-9a-f]{8}"), "webhook-<hash>"),
)


def _section(title: str) -> str:
    start = README.index(title)
    end = README.index("\n### ", start + len(title))
    return README[start:end]


def _run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, cwd=cwd,
        timeout=120, env=env,
    )  # fmt: skip
    return result.stdout + result.stderr


def _steps(block: str) -> list[tuple[str, str]]:
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return [(command, "\n".join(out)) for command, out in steps]


def _blocks(title: str) -> list[list[tuple[str, str]]]:
    return [_steps(b) for b in BLOCK.findall(_section(title))]


def _same(expected: str, actual: str) -> bool:
    for pattern, placeholder in VARYING:
        expected, actual = pattern.sub(placeholder, expected), pattern.sub(placeholder, actual)
    return matches(expected, actual)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "TRACKER_DB": f"sqlite:///{tmp_path / 'readme.db'}", "NO_COLOR": "1"}
    for name in ("TRACKER_ALLOW_PRIVATE", "TRACKER_CONFIG", "TRACKER_SITES"):
        env.pop(name, None)
    env["XDG_CONFIG_HOME"] = str(tmp_path)  # no default configuration file
    return env


def _check(block: list[tuple[str, str]], tmp_path: Path, port: int | None = None) -> None:
    env = _env(tmp_path)
    for command, expected in block:
        if port is not None:
            command = PORT.sub(f"127.0.0.1:{port}", command)
            expected = PORT.sub(f"127.0.0.1:{port}", expected)
        actual = _run(*shlex.split(command)[1:], cwd=ROOT, env=env)
        assert _same(expected, actual), f"$ {command}\n--- README:\n{expected}\n--- got:\n{actual}"


def test_the_config_example_checks_as_shown(tmp_path: Path) -> None:
    section = _section("### The configuration file")
    toml = re.search(r"```toml\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    (tmp_path / "tracker.toml").write_text(toml)
    shown = re.search(r"\$ tracker config check --config tracker.toml\n(.*)\n", section)
    assert shown is not None
    assert _run("config", "check", "--config", "tracker.toml", cwd=tmp_path).strip() == shown[1]


def test_the_follow_block_is_what_tracker_prints(
    http_server: TestHTTPServer, tmp_path: Path
) -> None:
    room = Newsroom(http_server)
    room.publish("ferry-capsizes-off-port-ellis", "Ferry capsizes off Port Ellis")
    room.publish("live-storm-updates-as-they-happen", "Live: storm updates")
    room.publish("rescue-boats-search-marrow-bay", "Rescue boats search Marrow Bay")
    [block] = _blocks("### `tracker follow URL`")
    assert len(block) == 5
    _check(block, tmp_path, http_server.port)


def test_the_alerts_blocks_are_what_tracker_prints(tmp_path: Path) -> None:
    blocks = _blocks("### Alerts on facts")
    local = [b for b in blocks if not any("127.0.0.1" in command for command, _ in b)]
    assert local, "a block that needs no server"
    for i, block in enumerate(local):
        _check(block, tmp_path / f"block-{i}")


def test_the_alerts_test_block_is_what_tracker_prints(tmp_path: Path) -> None:
    [block] = [b for b in _blocks("### Alerts on facts") if any("alerts test" in c for c, _ in b)]
    (sent, first), (failing, second) = block
    up, down = WebhookReceiver().up(), WebhookReceiver().down()
    try:
        _check([(sent, first)], tmp_path, up.port)
        _check([(failing, second)], tmp_path, down.port)
    finally:
        up.close()
        down.close()
    assert len(up.hook.posts) == 1


def test_the_feed_block_is_what_tracker_prints(tmp_path: Path) -> None:
    env = _env(tmp_path)
    url = "https://apnews.com/article/armenia-azerbaijan"
    for name, at in (("v1", "2020-11-09T08:00:00Z"), ("v2", "2020-11-09T14:00:00Z")):
        _run("ingest", url, f"seeds/demo/{name}.txt", "--at", at, cwd=ROOT, env=env)
    [block] = _blocks("### The feed of fact changes")
    _check(block, tmp_path)
