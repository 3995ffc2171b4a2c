"""Score the fact layer against gold annotations, in one process, with leave-stories-out folds.

The official scorer (``score_facts.py``) runs the ``tracker`` command once per pair; this
script runs the same diffs in-process (each version parsed once, cached on disk) and
matches with the scorer's own ``matches`` function, so its figures are the scorer's.

    python benchmarks/eval_facts.py --corpus ../shared/corpus --gold ../shared/gold \
        --seeds ../shared/seeds --scorer ../shared/eval/score_facts.py [--folds 5] [--fit]

``--fit`` fits the salience weights and threshold on every story and prints them in
the form of ``tracker/facts/salience.toml``. ``--folds K`` fits on K-1 folds of stories
and scores the held-out fold, and prints the pooled held-out figures next to the
in-sample ones: a gap between them is overfitting.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import pickle
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tracker import semdiff
from tracker.extract import read_article
from tracker.facts import salience

ENGINE_FILES = ("extract.py", "lexicon.py", "normalize.py", "model.py")


@dataclass
class Pair:
    story: str
    a: str
    b: str
    gold: list[dict[str, Any]]
    candidates: list[salience.Scored]


def _engine_hash() -> str:
    root = Path(semdiff.__file__).parent
    digest = hashlib.sha256()
    for name in ("sentences.py", "sections.py", "extract.py"):
        digest.update((root / name).read_bytes())
    for name in ENGINE_FILES:
        digest.update((root / "facts" / name).read_bytes())
    return digest.hexdigest()[:16]


def _side(path: Path, cache: Path, engine: str) -> semdiff.Side:
    key = hashlib.sha256(path.read_bytes() + engine.encode()).hexdigest()[:24]
    cached = cache / f"{key}.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    side = semdiff.prepare(read_article(path), str(path))
    cached.write_bytes(pickle.dumps(side))
    return side


def load_pairs(corpus: Path, gold: Path, seeds: Path | None, cache: Path) -> list[Pair]:
    cache.mkdir(parents=True, exist_ok=True)
    engine = _engine_hash()
    pairs = []
    for gold_file in sorted(gold.glob("*.json")):
        story = json.loads(gold_file.read_text())
        folder = seeds if story["story"] == "seed" and seeds else corpus / story["story"]
        for pair in story.get("pairs", []):
            a, b = pair["a"], pair["b"]
            if a.endswith("#earlier") and b.endswith("#update"):
                side = _side(folder / a.split("#")[0], cache, engine)
                found = semdiff.scored_sections(side)
            else:
                side_a = _side(folder / a, cache, engine)
                side_b = _side(folder / b, cache, engine)
                found = semdiff.scored_diff(side_a, side_b)
            pairs.append(Pair(story["story"], a, b, pair["facts"], found))
    return pairs


def _matcher(scorer: Path) -> Callable[[dict, dict], bool]:
    spec = importlib.util.spec_from_file_location("score_facts", scorer)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.matches


def labels(pair: Pair, matches: Callable[[dict, dict], bool]) -> list[int]:
    """1 for the first candidate that tells each gold fact, as the scorer would credit it."""
    out = [0] * len(pair.candidates)
    for g in pair.gold:
        for i, cand in enumerate(pair.candidates):
            if not out[i] and matches(g, asdict(cand.change)):
                out[i] = 1
                break
    return out


def score(
    pairs: Sequence[Pair],
    model: salience.Model,
    matches: Callable[[dict, dict], bool],
    verbose: bool = False,
) -> tuple[int, int, int]:
    """(gold, matched, predicted) with the scorer's greedy matching on reported items."""
    gold = matched = predicted = 0
    for pair in pairs:
        reported = [c.change for c in salience.select(pair.candidates, model)]
        used: set[int] = set()
        for g in pair.gold:
            for i, item in enumerate(reported):
                if i not in used and matches(g, asdict(item)):
                    used.add(i)
                    break
            else:
                if verbose:
                    print(f"  MISS {pair.story} {pair.a[:14]}: {g['note'][:110]}")
        if verbose:
            for i, item in enumerate(reported):
                if i not in used:
                    print(f"  EXTRA {pair.story} {pair.a[:14]}: {item.summary[:110]}")
        gold += len(pair.gold)
        matched += len(used)
        predicted += len(reported)
    return gold, matched, predicted


def fit(pairs: Sequence[Pair], matches: Callable[[dict, dict], bool]) -> salience.Model:
    rows = []
    for pair in pairs:
        for cand, label in zip(pair.candidates, labels(pair, matches), strict=True):
            rows.append((cand.features, label))
    model = salience.fit(rows)
    return salience.choose_threshold(model, lambda m: score(pairs, m, matches))


def _line(name: str, figures: tuple[int, int, int]) -> str:
    gold, matched, predicted = figures
    recall = matched / gold if gold else 0.0
    precision = matched / predicted if predicted else 0.0
    return (
        f"{name}: recall {recall:.2f} precision {precision:.2f} "
        f"(gold {gold}, matched {matched}, predicted {predicted})"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--seeds", type=Path)
    ap.add_argument("--scorer", type=Path, required=True, help="path of score_facts.py")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/tracker-eval-cache"))
    ap.add_argument("--folds", type=int, default=0)
    ap.add_argument("--fit", action="store_true", help="fit on all stories, print the weights")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)

    matches = _matcher(args.scorer)
    pairs = load_pairs(args.corpus, args.gold, args.seeds, args.cache)
    shipped = salience.load_model()
    print(_line("shipped weights, all stories", score(pairs, shipped, matches, args.verbose)))
    if args.fit:
        model = fit(pairs, matches)
        print(_line("fitted on all stories, in-sample", score(pairs, model, matches)))
        print(salience.dump_model(model))
    if args.folds:
        stories = sorted({p.story for p in pairs})
        held_out = [0, 0, 0]
        in_sample = [0, 0, 0]
        for k in range(args.folds):
            test = {s for i, s in enumerate(stories) if i % args.folds == k}
            train_pairs = [p for p in pairs if p.story not in test]
            test_pairs = [p for p in pairs if p.story in test]
            model = fit(train_pairs, matches)
            for total, part in ((held_out, test_pairs), (in_sample, train_pairs)):
                for i, n in enumerate(score(part, model, matches)):
                    total[i] += n
            print(
                _line(
                    f"fold {k + 1}/{args.folds} held out ({len(test)} stories)",
                    score(test_pairs, model, matches),
                )
            )
        print(_line(f"leave-stories-out, {args.folds} folds, held out", tuple(held_out)))
        print(_line(f"leave-stories-out, {args.folds} folds, in-sample", tuple(in_sample)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
