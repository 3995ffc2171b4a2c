"""The README's research-data examples are real output: each command is run and compared."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cdx_server import CdxArchive, CdxServer
from tests.conftest import ROOT

SECTION = "## Research data: import, query, export, backfill"
LEVEE = ROOT / "seeds" / "research" / "levee"
URL = "https://news.example.org/2026/levee"


def _blocks() -> list[list[tuple[str, list[str]]]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = []
    for chunk in section.split("```console\n")[1:]:
        body = chunk.split("```", 1)[0]
        steps: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            else:
                steps[-1][1].append(line)
        blocks.append(steps)
    return blocks


def _archive() -> CdxArchive:
    archive = CdxArchive()
    snapshots = sorted(LEVEE.glob("*.txt"))
    for path in snapshots:
        stamp = path.stem.replace("-", "").replace(":", "").replace("T", "").rstrip("Z")
        archive.add(URL, stamp, path.read_text(encoding="utf-8"))
    later = snapshots[-1].read_text(encoding="utf-8") + "\nThe river began to fall on Tuesday.\n"
    archive.add(URL, "20260303100000", later)
    return archive


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 shell")
def test_readme_research_examples_are_real_output(tmp_path: Path) -> None:
    shutil.copytree(LEVEE, tmp_path / "seeds" / "research" / "levee")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "TRACKER_DB": str(tmp_path / "tracker.db"), "NO_COLOR": "1"}
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["COLUMNS"] = "80"
    steps = [step for block in _blocks() for step in block]
    assert len(steps) >= 7
    with CdxServer(_archive()) as server:
        env["CDX"] = server.base
        for command, expected in steps:
            argv = shlex.split(os.path.expandvars(command.replace("$CDX", server.base)))
            proc = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True)
            assert proc.returncode == 0, f"{command}: {proc.stderr}"
            got = [line.rstrip() for line in proc.stdout.splitlines()]
            assert got == [line.rstrip() for line in expected], command
