"""``tracker demo``: the whole loop on the seed story, in a real process, well under a minute."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tracker.demo import page_html
from tracker.extract import parse_html

ROOT = Path(__file__).resolve().parents[1]


def test_demo_stores_both_versions_and_prints_the_diff(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "demo", "--db", str(db), "--no-color"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 60
    out = result.stdout
    assert "stored v1" in out
    assert "stored v2" in out
    assert "Azerbaijan" in out  # the resolved fact: who shot down the helicopter
    assert db.exists()


def test_demo_pages_extract_to_the_seed_paragraphs() -> None:
    text = (ROOT / "seeds" / "demo" / "v2.txt").read_text("utf-8")
    article = parse_html(page_html(text).decode())
    assert any(p.startswith("THIS IS A BREAKING NEWS UPDATE") for p in article.paragraphs)
    assert article.words > 500
