"""The README's console examples are real output of the current code.

Every ```console block whose commands are all ``tracker …`` is run in order, in the
repository folder, against a fresh database. Wrapping and column padding may differ
(a README is read at any width), so the output is compared word by word; a "…" in the
README stands for any run of text it leaves out.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"^```console\n(.*?)^```", re.M | re.S)


# Sections whose examples need their own servers and fixtures, and have their own tests
# (tests/test_readme_sources.py, tests/test_research_readme.py).
OWN_TESTS = (
    "## Finding stories and telling people",
    "## Research data: import, query, export, backfill",
)


def _generic_part(text: str) -> str:
    """The README without the sections that other tests check."""
    for title in OWN_TESTS:
        if title in text:
            head, _, rest = text.partition(title)
            tail = rest.split("\n## ", 1)
            text = head + ("\n## " + tail[1] if len(tail) > 1 else "")
    return text


def console_blocks() -> list[list[tuple[str, str]]]:
    """Each block as (command, expected output) pairs."""
    blocks = []
    for body in BLOCK.findall(_generic_part(README.read_text("utf-8"))):
        steps: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        if steps and all(command.startswith("tracker ") for command, _ in steps):
            blocks.append([(command, "\n".join(out)) for command, out in steps])
    return blocks


def matches(expected: str, actual: str) -> bool:
    words = expected.split()
    pattern = r"\s+".join(".*?".join(map(re.escape, w.split("…"))) for w in words)
    return re.fullmatch(pattern, " ".join(actual.split()), re.S) is not None


BLOCKS = console_blocks()


def test_the_readme_has_checked_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("block", BLOCKS, ids=[b[0][0][:60] for b in BLOCKS])
def test_a_readme_console_block_is_real_output(block, tmp_path: Path) -> None:
    env = {**os.environ, "TRACKER_DB": f"sqlite:///{tmp_path / 'readme.db'}", "NO_COLOR": "1"}
    env.pop("TRACKER_ALLOW_PRIVATE", None)
    for command, expected in block:
        args = shlex.split(command)[1:]
        done = subprocess.run(
            [sys.executable, "-m", "tracker", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"$ {command}\n{done.stderr}"
        assert matches(expected, done.stdout), f"$ {command}\n--- got:\n{done.stdout}"
