"""The long fuzz run (issue 13): N generated and mutated inputs through split, diff and ingest.

    .venv/bin/python benchmarks/fuzz.py --inputs 2000 [--seed 1] [--start 0] [--pages DIR]

Each input (tests/fuzzing.py: random bytes, news pages and articles built by code and
mutated — cut, duplicated, shuffled, control characters and NULs, RTL marks, 100k-character
lines, tags nested 10,000 deep, huge attributes, unclosed tags, near-identical lines, no
sentence ends, lying or unknown charsets, mixed encodings, huge inputs) goes through five
runs of the CLI, in this process (no start-up cost):

    split FILE --json · diff BASE FILE --json · diff FILE BASE (terminal) ·
    ingest URL BASE, ingest URL FILE · diff URL --json (the stored story)

where BASE is a generated article. It prints how many runs ended in a traceback, took
over 10 s, printed an error that is not one line, or printed an invalid ``--json``
document, and the process's peak RSS; then each problem with the input that caused it.
``--pages DIR`` adds the real pages of DIR (read at run time, never copied) as mutation
seeds. Use ``--seed`` and ``--start`` to split a long run into pieces over other inputs.
"""

from __future__ import annotations

import argparse
import random
import resource
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzzing import Input, article_text, generate, problems, run_cli  # noqa: E402


class _Hang(BaseException):
    """Raised by the alarm in a run that passed the hard limit (not caught by the CLI)."""


@dataclass
class Tally:
    runs: int = 0
    tracebacks: int = 0
    slow: int = 0
    hung: int = 0
    invalid_json: int = 0
    bad_errors: int = 0
    slowest: tuple[float, str] = (0.0, "")
    rss_jump: tuple[int, str] = (0, "")
    found: list[str] = field(default_factory=list)


def _rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _on_alarm(_signum: int, _frame: object) -> None:
    raise _Hang


def run_one(argv: list[str], label: str, tally: Tally, slow: float, hard: int) -> None:
    before = _rss_mb()
    started = time.monotonic()
    signal.alarm(hard)
    try:
        outcome = run_cli(argv)
    except _Hang:
        tally.hung += 1
        tally.found.append(f"hung over {hard} s: {label}")
        return
    finally:
        signal.alarm(0)
        elapsed = time.monotonic() - started
        tally.runs += 1
        if elapsed > slow:
            tally.slow += 1
            tally.found.append(f"{elapsed:.1f} s: {label}")
        tally.slowest = max(tally.slowest, (elapsed, label))
        tally.rss_jump = max(tally.rss_jump, (_rss_mb() - before, label))
    for problem in problems(argv, outcome):
        if problem.startswith("traceback"):
            tally.tracebacks += 1
        elif problem.startswith("invalid --json"):
            tally.invalid_json += 1
        else:
            tally.bad_errors += 1
        tally.found.append(f"{problem}: {label}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=200, help="how many inputs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="index of the first input")
    parser.add_argument("--pages", type=Path, help="a folder of real HTML pages to mutate")
    parser.add_argument("--slow", type=float, default=10.0, help="a run over this is counted")
    parser.add_argument("--hard", type=int, default=120, help="a run is stopped after this")
    parser.add_argument("--show", type=int, default=30, help="problems listed at most")
    parser.add_argument(
        "--budget",
        type=float,
        help="start no new input after this many seconds (the summary then says which inputs ran)",
    )
    args = parser.parse_args()
    seeds = [p.read_bytes() for p in sorted(args.pages.glob("*.htm*"))] if args.pages else []
    signal.signal(signal.SIGALRM, _on_alarm)
    tally = Tally()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tracker-fuzz-") as tmp:
        folder = Path(tmp)
        db = f"sqlite:///{folder / 'fuzz.db'}"
        base = folder / "base.txt"
        end = args.start - 1
        for index in range(args.start, args.start + args.inputs):
            if args.budget is not None and time.monotonic() - started > args.budget:
                break
            end = index
            item: Input = generate(args.seed, index, seeds)
            path = folder / item.name
            path.write_bytes(item.data)
            base.write_text(article_text(random.Random(f"base:{args.seed}:{index}")))
            label = f"input {args.seed}:{index} ({item.what}, {len(item.data):,} bytes)"
            url = f"https://news.example.com/fuzz/{args.seed}/{index}"
            for argv in (
                ["split", str(path), "--json"],
                ["diff", str(base), str(path), "--json"],
                ["diff", str(path), str(base), "--no-color", "--width", "100"],
                ["ingest", url, str(base), "--db", db],
                ["ingest", url, str(path), "--db", db],
                ["diff", url, "--json", "--db", db],
            ):
                run_one(argv, f"{argv[0]} {label}", tally, args.slow, args.hard)
    elapsed = time.monotonic() - started
    print(
        f"fuzz: seed {args.seed}, inputs {args.start}..{end} ({end - args.start + 1} inputs, "
        f"{tally.runs} runs) in {elapsed:.0f} s" + (f", {len(seeds)} page seeds" if seeds else "")
    )
    print(f"tracebacks: {tally.tracebacks}")
    print(
        f"runs over {args.slow:g} s: {tally.slow} (stopped at {args.hard} s: {tally.hung}); "
        f"slowest {tally.slowest[0]:.1f} s: {tally.slowest[1]}"
    )
    print(f"peak RSS: {_rss_mb()} MB; rose most ({tally.rss_jump[0]} MB) in {tally.rss_jump[1]}")
    print(f"invalid --json documents: {tally.invalid_json}")
    print(f"errors not one line: {tally.bad_errors}")
    for line in tally.found[: args.show]:
        print(f"  {line}")
    if len(tally.found) > args.show:
        print(f"  … and {len(tally.found) - args.show} more")
    return 1 if tally.tracebacks or tally.slow or tally.hung or tally.invalid_json else 0


if __name__ == "__main__":
    sys.exit(main())
