"""Two ``tracker ingest`` processes of one story on one SQLite file, round after round.

    python benchmarks/ingest_race.py --rounds 50

Each round starts two real ``tracker ingest`` processes at once, each with its own new
text of the same story. Both must succeed and both texts must be stored (the one
that loses the race for version number N + 1 stores N + 2). Prints the counts; exits
1 when any round failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.store import Store  # noqa: E402

STORY = "https://news.example/ingest-race"


def _text(me: str, round_: int) -> str:
    return (
        f"Flood update {round_} ({me})\n\n"
        f"The river rose by {round_ % 7 + 1} metres on day {round_}, the {me} desk reported. "
        f"Crews counted {round_ * 13 + (5 if me == 'a' else 9)} homes under water by noon.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    failures: list[str] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ingest-race-") as tmp:
        db = Path(tmp) / "race.db"
        Store(f"sqlite:///{db}").close()
        for round_ in range(args.rounds):
            children = []
            for me in ("a", "b"):
                path = Path(tmp) / f"{me}{round_}.txt"
                path.write_text(_text(me, round_))
                command = [sys.executable, "-m", "tracker", "ingest", STORY, str(path)]
                children.append(
                    subprocess.Popen(
                        [*command, "--db", str(db)],
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                        cwd=ROOT,
                    )
                )
            for child in children:
                out, err = child.communicate(timeout=300)
                if child.returncode != 0 or "stored v" not in out:
                    failures.append(f"round {round_}: rc {child.returncode}: {err.strip()[-200:]}")
            if round_ % 10 == 9:
                print(f"  {round_ + 1} rounds, {len(failures)} failed ingests", flush=True)
        with Store(f"sqlite:///{db}") as store:
            numbers = [v.number for v in store.history(STORY)]
    expected = list(range(1, 2 * args.rounds + 1))
    print(
        f"{args.rounds} rounds x 2 ingests in {time.monotonic() - started:.0f} s: "
        f"{len(numbers)} versions stored (expected {len(expected)}), "
        f"{len(failures)} failed ingests"
    )
    for failure in failures[:10]:
        print(f"  {failure}")
    sys.exit(1 if failures or numbers != expected else 0)


if __name__ == "__main__":
    main()
