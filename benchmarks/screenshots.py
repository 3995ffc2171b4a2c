"""Screenshots of the diff viewer: terminal output via tmux, the HTML page via headless Chromium.

    python benchmarks/screenshots.py [--out DIR]

Builds a scratch database from the bundled demo story (v1: the earlier story,
v2: with the breaking update on top), runs the real ``tracker`` commands in a
tmux pane (120 columns) and saves each pane as text, then renders the HTML diff
in headless Chromium to PNG. Skips a part whose tool (tmux, chromium) is missing.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_5365f7407493eced.txt"
DEMO = ROOT / "seeds" / "demo"
STORY = "https://example.org/helicopter"
TRACKER = [sys.executable, "-m", "tracker"]
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def build_db(db: str, env: dict[str, str]) -> None:
    run([*TRACKER, "ingest", STORY, str(DEMO / "v1.txt"), "--at", "2020-11-09T08:00Z"], env)
    run([*TRACKER, "ingest", STORY, str(DEMO / "v2.txt"), "--at", "2020-11-09T10:30Z"], env)


COMMANDS = {
    "diff_sections": f"diff --sections {SEED}",
    "diff_versions": f"diff {STORY}",
    "diff_side_by_side": f"diff {STORY} 1 2 --side-by-side --context 1",
    "history": f"history {STORY}",
    "facts": f"facts {STORY}",
    "blame": f"blame {STORY}",
    "search": "search 'shot down'",
}


def tmux_capture(name: str, command: str, env: dict[str, str], out: Path) -> Path:
    """Run ``command`` in a detached 120×70 tmux pane and save the pane as text (and ANSI)."""
    session = f"tracker-shot-{os.getpid()}-{name}"
    shell = f"{' '.join(map(shlex.quote, TRACKER))} {command}; sleep 30"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "70", shell],
        env={**env, "TERM": "xterm-256color"},
        check=True,
    )
    try:
        text = ""
        for _ in range(60):  # wait until the command has printed and settled
            time.sleep(0.5)
            now = subprocess.run(
                ["tmux", "capture-pane", "-p", "-S", "-", "-t", session],
                capture_output=True,
                text=True,
            ).stdout
            if now.strip() and now == text:
                break
            text = now
        ansi = subprocess.run(
            ["tmux", "capture-pane", "-p", "-e", "-S", "-", "-t", session],
            capture_output=True,
            text=True,
        ).stdout
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    (out / f"{name}.txt").write_text(text.rstrip() + "\n", encoding="utf-8")
    (out / f"{name}.ansi").write_text(ansi, encoding="utf-8")
    return out / f"{name}.txt"


def ansi_to_svg(ansi: Path, svg: Path, title: str) -> Path:
    """The captured pane, colours and all, as an SVG "terminal window" (rich's export)."""
    from rich.console import Console
    from rich.text import Text

    console = Console(record=True, width=120, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(Text.from_ansi(ansi.read_text(encoding="utf-8").rstrip()))
    svg.write_text(console.export_svg(title=title), encoding="utf-8")
    console.file.close()
    return svg


def chromium_shot(page: Path, png: Path) -> bool:
    browser = next((b for b in CHROMIUM if shutil.which(b)), None)
    if browser is None:
        print("chromium not found: skipping the HTML screenshot", file=sys.stderr)
        return False
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                "--window-size=1200,1600",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    return png.exists()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "tracker-shots")
    args = parser.parse_args()
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        db = f"sqlite:///{scratch}/shots.db"
        env = {**os.environ, "TRACKER_DB": db, "PYTHONPATH": str(ROOT)}
        env.pop("NO_COLOR", None)
        build_db(db, env)
        for name, page_args in (
            ("diff_sections", ["diff", "--sections", str(SEED)]),
            ("diff_versions", ["diff", STORY]),
        ):
            page = out / f"{name}.html"
            run([*TRACKER, *page_args, "--html", str(page), "--facts-only"], env)
            if chromium_shot(page, out / f"html_{name}.png"):
                print(f"html  {page} -> {out / f'html_{name}.png'}")
        if shutil.which("tmux") is None:
            print("tmux not found: skipping the terminal captures", file=sys.stderr)
        else:
            for name, command in COMMANDS.items():
                path = tmux_capture(name, command, env, out)
                first = path.read_text(encoding="utf-8").splitlines()[0]
                print(f"term  {path}  first line: {first}")
                svg = ansi_to_svg(
                    path.with_suffix(".ansi"), out / f"term_{name}.svg", f"tracker {command}"
                )
                if chromium_shot(svg, svg.with_suffix(".png")):
                    print(f"      {svg.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
