"""Train the blame model on the corpus's development part and write ``data/models/blame.json``.

    .venv/bin/python -m tests.rules.train_blame           # train, print CV figures, write weights
    .venv/bin/python -m tests.rules.train_blame --check   # the committed weights reproduce exactly

Cases: every development blame line, every sentence of the probe batches already scored
(``TUNED_PROBES``), every development prose sentence (the prose keeps the false-alarm rate on
real post-mortem text in view) and every development root-cause statement (the root-cause check
reads their blame: blame when the cause stops at a person, else not; they teach the model the
register of gap statements that name no one to blame). A case's features are the union of its
sentences' features (:func:`workflows.rules.blame.learned.features`), the rule hits among them.
Five-fold cross-validation (seed 0) gives each case an out-of-fold probability; the threshold is
the lowest at which the model alone, on the sentences it may flag (someone to blame,
``workflows.rules.blame.model.eligible``), keeps a cross-validated precision of ``MIN_PRECISION``, so the
findings it adds where no rule fires are held to that bar rather than to the dev recall of the
rules, which overfit dev. The veto is kept only when cross-validation shows it gains F1. The test
part of the corpus is never read.

Prints per-check figures for rules alone, model alone and both, then writes the weights trained
on all development cases, pruned to ``|w| >= MIN_WEIGHT``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.rules.corpus_loader import BlameCase, load_split, read_cases
from tests.rules.probe_blame import PROBES
from tests.rules.training import (
    Fit,
    Sample,
    cross_validated_scores,
    pick_threshold,
    save_model,
    train,
)
from workflows.rules.blame.context import Context
from workflows.rules.blame.learned import features
from workflows.rules.blame.model import eligible
from workflows.rules.blameless import sentence_hits
from workflows.rules.names import names, names_key
from workflows.rules.text import split

SEED = 0
EPOCHS = 30
L2 = 3e-3
MIN_PRECISION = 0.95
#: Whether the rule hits ("r:" features) are given to the model. Off: with them, cross-validation
#: on dev gives them nearly all the weight (the rules fire on 98 % of dev blame), and the model
#: becomes a copy of the rules that adds nothing where they miss; without them it is a second,
#: independent reading of the words and parse.
USE_RULE_FEATURES = False
#: Weights below this are pruned after the CV: 0.15 keeps the committed file under 100 KB.
MIN_WEIGHT = 0.15
VETOES = (0.0, 0.02, 0.05, 0.1)
MODEL_PATH = Path(__file__).resolve().parents[2] / "workflows/rules/data/models/blame.json"
#: Probe batches already scored once and so open to tuning (``probe_blame``); a batch is added
#: here only after its clean score is recorded, so a newer batch stays an honest measure.
TUNED_PROBES = ("blame_1.jsonl", "blame_2.jsonl", "blame_4.jsonl", "blame_5.jsonl")

#: The model family each corpus family's findings take (see ``workflows/rules/blame/families.py``).
CORPUS_FAMILY = {
    "agent_name_or_role": "agent",
    "passive_human_agent": "agent",
    "judgement_and_should_have": "judgement",
    "counterfactual_person": "counterfactual",
    "human_error": "human_error",
    "sarcasm_disclaimer_self_collective_insinuation": "insinuation",
}


@dataclass(frozen=True)
class Case:
    """One development case as the trainer sees it."""

    features: frozenset[str]
    label: int
    rules: bool  # some rule fires in it
    eligible: bool  # the model may add a finding to one of its sentences
    family: str  # the corpus family ("prose" for prose sentences)
    check: str  # "blame", "prose" or "cause" (a root-cause statement)


def case_features(text: str, responders: Sequence[str]) -> tuple[frozenset[str], bool, bool]:
    """The union of the sentences' features of ``text``, whether a rule fires in it, and whether
    the model may add a finding to one of its sentences."""
    known = names(names_key(responders))
    out: set[str] = set()
    fired = ok = False
    for sent in split(text):
        if not sent.words:
            continue
        ctx = Context(sent, known)
        hits = sentence_hits(sent, known, ctx)
        fired = fired or bool(hits)
        ok = ok or eligible(sent, ctx)
        out |= features(sent, ctx, hits if USE_RULE_FEATURES else ()).keys()
    return frozenset(out), fired, ok


def dev_cases() -> list[Case]:
    dev = load_split("dev")
    tuned = [c for name in TUNED_PROBES for c in read_cases(PROBES / name, BlameCase)]
    cases: list[Case] = []
    for b in [*dev.blame, *tuned]:
        feats, fired, ok = case_features(b.text, b.responders)
        cases.append(Case(feats, int(b.label == "blame"), fired, ok, b.family, "blame"))
    for p in dev.prose:
        feats, fired, ok = case_features(p.text, [])
        cases.append(Case(feats, int(p.label == "blame"), fired, ok, "prose", "prose"))
    for r in dev.root_causes:
        # The root-cause check reads each statement's blame: a cause that stops at a person is
        # blame, every other one (gaps, symptoms about systems) is not.
        feats, fired, ok = case_features(r.statement, [])
        cases.append(Case(feats, int(r.family == "person"), fired, ok, r.family, "cause"))
    return cases


def fit(samples: Sequence[Sample]) -> Fit:
    return train(samples, epochs=EPOCHS, l2=L2, seed=SEED)


def predictions(
    cases: Sequence[Case], scores: Sequence[float], t: float, veto: float
) -> list[bool]:
    return [
        (c.rules and s >= veto) or (not c.rules and c.eligible and s >= t)
        for c, s in zip(cases, scores, strict=True)
    ]


def figures(cases: Sequence[Case], predicted: Sequence[bool]) -> str:
    """Blame P/R/F1, recall per positive family, and the prose false-alarm rate."""
    tp = fp = fn = 0
    fam: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    prose_fp = prose_n = 0
    for c, flag in zip(cases, predicted, strict=True):
        if c.check == "cause":
            continue
        if c.check == "prose":
            if not c.label:
                prose_n += 1
                prose_fp += flag
            continue
        tp += c.label and flag
        fp += (not c.label) and flag
        fn += c.label and not flag
        if c.label:
            fam[c.family][0] += flag
            fam[c.family][1] += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    worst = min((a / n, f) for f, (a, n) in fam.items())
    fa = prose_fp / prose_n if prose_n else 0.0
    return f"P {p:.3f} R {r:.3f} F1 {f1:.3f}  worst family {worst[1]} {worst[0]:.2f}  prose FA {fa:.3f}"


def _f1(cases: Sequence[Case], predicted: Sequence[bool]) -> float:
    tp = sum(c.label and f for c, f in zip(cases, predicted, strict=True) if c.check == "blame")
    fp = sum(
        (not c.label) and f for c, f in zip(cases, predicted, strict=True) if c.check == "blame"
    )
    fn = sum(c.label and not f for c, f in zip(cases, predicted, strict=True) if c.check == "blame")
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def feature_families(cases: Sequence[Case], weights: dict[str, float]) -> dict[str, str]:
    """For each positive-weight feature, the model family of the corpus family whose blame cases
    carry it most often (kept only when that family has at least two of them)."""
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for c in cases:
        if c.label and c.family in CORPUS_FAMILY:
            for f in c.features:
                if weights.get(f, 0.0) > 0:
                    counts[f][CORPUS_FAMILY[c.family]] += 1
    out: dict[str, str] = {}
    for f, counter in sorted(counts.items()):
        (family, n), *_ = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        if n >= 2:
            out[f] = family
    return out


def build() -> tuple[dict[str, object], list[str]]:
    """Train, cross-validate and choose; the model body to save, and the lines to print."""
    cases = dev_cases()
    samples: list[Sample] = [(c.features, c.label) for c in cases]
    scores = cross_validated_scores(samples, folds=5, seed=SEED, fit=fit)
    open_scores = [s for c, s in zip(cases, scores, strict=True) if c.eligible]
    open_labels = [c.label for c in cases if c.eligible]
    threshold = pick_threshold(open_scores, open_labels, min_precision=MIN_PRECISION)
    rules = [c.rules for c in cases]
    model_alone = [c.eligible and s >= threshold for c, s in zip(cases, scores, strict=True)]
    best_veto = 0.0
    best_f1 = _f1(cases, predictions(cases, scores, threshold, 0.0))
    for veto in VETOES[1:]:
        f1 = _f1(cases, predictions(cases, scores, threshold, veto))
        if f1 > best_f1 + 1e-9:
            best_veto, best_f1 = veto, f1
    combined = predictions(cases, scores, threshold, best_veto)
    lines = [
        f"dev + tuned probes: {sum(c.check == 'blame' for c in cases)} blame lines, "
        f"{sum(c.check == 'prose' for c in cases)} prose, "
        f"{sum(c.check == 'cause' for c in cases)} root causes; 5-fold CV, seed {SEED}",
        f"threshold {threshold:.4f} (model alone CV precision >= {MIN_PRECISION}), veto {best_veto}",
        f"rules only   {figures(cases, rules)}",
        f"model only   {figures(cases, model_alone)}",
        f"combined     {figures(cases, combined)}",
    ]
    full = fit(samples)
    weights = {f: w for f, w in full.weights.items() if abs(w) >= MIN_WEIGHT}
    meta: dict[str, object] = {
        "seed": SEED,
        "epochs": EPOCHS,
        "l2": L2,
        "cases": len(cases),
        "min_precision": MIN_PRECISION,
        "veto": best_veto,
        "cv": lines[2:],
        "families": feature_families(cases, weights),
    }
    return {
        "fit": Fit(bias=full.bias, weights=weights),
        "threshold": threshold,
        "meta": meta,
    }, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the committed weights")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    body, lines = build()
    print("\n".join(lines))
    fitted = body["fit"]
    threshold = body["threshold"]
    meta = body["meta"]
    assert isinstance(fitted, Fit) and isinstance(threshold, float) and isinstance(meta, dict)
    if args.check:
        scratch = args.out.with_suffix(".check.json")
        save_model(scratch, fitted, threshold, meta)
        same = scratch.read_bytes() == args.out.read_bytes()
        scratch.unlink()
        print("weights reproduce exactly" if same else "weights DIFFER from the committed file")
        return 0 if same else 1
    save_model(args.out, fitted, threshold, meta)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size} bytes, {len(fitted.weights)} weights)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
