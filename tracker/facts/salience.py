"""Salience: which candidate changes a standards editor would list, by one fitted threshold.

Each candidate carries features that every news story has: the kind of change,
its position (inverted pyramid), names and numbers new to the story, quotes and a
new source, the size of the change, and whether the story was revised or rewritten.
A logistic model turns them into a score in 0..1; a candidate at or above the
threshold is a ``fact``, below it ``minor``; house style is ``style`` whatever it
scores. The weights live in ``salience.toml`` beside this module and are fitted on
annotated stories by ``benchmarks/eval_facts.py --fit`` (leave-stories-out checked).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from tracker.facts import lexicon as lx
from tracker.model import FactChange, Significance

MODEL_FILE = Path(__file__).with_name("salience.toml")
# Recall weighs more than precision when the threshold is chosen: a missed fact is worse
# for a standards editor than one line too many.
RECALL_WEIGHT = 1.5
L2 = 10.0  # ridge strength, by 3-seed leave-stories-out CV: 0.3 → 10 took held-out F1 0.537 → 0.571
# An editor lists a handful of whole new or dropped sentences per update, however many
# a rewrite brings: past this many (by score) they are minor. A revision that keeps the
# story word for word adds each sentence on purpose, and lists a few more.
MAX_LISTED_SENTENCES = 3
MAX_LISTED_REVISION_SENTENCES = 5
_SENTENCE_FEATURES = ("sentence", "added_sentence", "removed_sentence")


@dataclass(frozen=True)
class Scored:
    """A candidate change and the features it is scored on."""

    change: FactChange
    features: dict[str, float]
    # A significance no score overrides: house style is never listed, a claim turned
    # into its negation always is, an opinion or a question to readers never is.
    fixed: Significance | None = None


@dataclass(frozen=True)
class Model:
    weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    threshold: float = 0.5

    def score(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def load_model(path: Path = MODEL_FILE) -> Model:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Model(
        weights={k: float(v) for k, v in data.get("weights", {}).items()},
        bias=float(data.get("bias", 0.0)),
        threshold=float(data.get("threshold", 0.5)),
    )


def dump_model(model: Model) -> str:
    lines = [
        "# Fitted by benchmarks/eval_facts.py --fit; see tracker/facts/salience.py.",
        f"bias = {model.bias:.4f}",
        f"threshold = {model.threshold:.4f}",
        "",
        "[weights]",
    ]
    lines += [f"{k} = {v:.4f}" for k, v in sorted(model.weights.items())]
    return "\n".join(lines) + "\n"


def classify(candidates: Iterable[Scored], model: Model) -> list[FactChange]:
    """Every candidate with its salience and significance, listed ones first."""
    candidates = list(candidates)
    listed = {id(c) for c in select(candidates, model)}
    out = []
    significance: Significance
    for cand in candidates:
        value = round(model.score(cand.features), 4)
        if cand.fixed:
            significance = cand.fixed
        elif id(cand) in listed:
            significance = "fact"
        else:
            significance = "minor"
        out.append(replace(cand.change, salience=value, significance=significance))
    rank = {"fact": 0, "minor": 1, "style": 2}
    return sorted(out, key=lambda c: rank[c.significance])


def select(candidates: Sequence[Scored], model: Model) -> list[Scored]:
    """The candidates ``model`` lists as facts, in their order: those at or above the
    threshold, with no more than MAX_LISTED_SENTENCES whole new or dropped sentences."""
    above = [
        c
        for c in candidates
        if c.fixed == "fact" or (c.fixed is None and model.score(c.features) >= model.threshold)
    ]
    sentences = [c for c in above if c.fixed is None and _whole_sentence(c)]
    ranked = sorted(sentences, key=lambda c: -model.score(c.features))
    revision = any(c.features.get("kept", 0.0) >= lx.REVISION_KEPT_SHARE for c in sentences)
    cap = MAX_LISTED_REVISION_SENTENCES if revision else MAX_LISTED_SENTENCES
    past_cap = {id(c) for c in ranked[cap:]}
    return [c for c in above if id(c) not in past_cap]


def _whole_sentence(candidate: Scored) -> bool:
    """A new or dropped sentence told whole ("New: …", "Removed: …")."""
    return candidate.change.change in ("added", "removed") and any(
        candidate.features.get(name) for name in _SENTENCE_FEATURES
    )


def fit(rows: Sequence[tuple[dict[str, float], int]], iterations: int = 3000) -> Model:
    """Ridge-regularised logistic regression over the feature dicts (plain gradient descent)."""
    names = sorted({k for features, _ in rows for k in features})
    if not rows or not names:
        return Model()
    x = np.array([[features.get(k, 0.0) for k in names] for features, _ in rows])
    y = np.array([label for _, label in rows], dtype=float)
    w = np.zeros(len(names))
    b = 0.0
    rate = 0.5
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w + b, -30, 30)))
        grad_w = x.T @ (p - y) / len(y) + L2 * w / len(y)
        grad_b = float(np.mean(p - y))
        w -= rate * grad_w
        b -= rate * grad_b
    return Model(dict(zip(names, (float(v) for v in w), strict=True)), float(b), 0.5)


def choose_threshold(
    model: Model,
    evaluate: Callable[[Model], tuple[int, int, int]],
    beta: float = RECALL_WEIGHT,
) -> Model:
    """The threshold with the best F-beta on ``evaluate``'s (gold, matched, predicted)."""
    best, best_f = model, -1.0
    for step in range(5, 96):
        trial = replace(model, threshold=step / 100)
        gold, matched, predicted = evaluate(trial)
        recall = matched / gold if gold else 0.0
        precision = matched / predicted if predicted else 0.0
        both = beta * beta * precision + recall
        f = (1 + beta * beta) * recall * precision / both if both else 0.0
        if f > best_f + 1e-9:
            best, best_f = trial, f
    return best
