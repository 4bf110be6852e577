"""The checks' linear model and its trainer: deterministic, and it learns what the data says."""

from __future__ import annotations

from tests.rules.training import Fit, cross_validated_scores, pick_threshold, train
from workflows.rules.learned import LinearModel

_DATA = [
    (frozenset({"w:forgot", "agent:person"}), 1),
    (frozenset({"w:forgot", "agent:person", "w:again"}), 1),
    (frozenset({"w:crashed", "agent:system"}), 0),
    (frozenset({"w:crashed", "agent:system", "w:again"}), 0),
] * 5


def test_training_twice_with_one_seed_gives_the_same_weights() -> None:
    assert train(_DATA, seed=3) == train(_DATA, seed=3)


def test_training_learns_a_positive_weight_for_a_positive_cue() -> None:
    fit = train(_DATA)
    assert fit.weights["agent:person"] > 0 > fit.weights["agent:system"]


def test_features_seen_too_rarely_are_dropped() -> None:
    fit = train([*_DATA, (frozenset({"w:once"}), 1)], min_count=2)
    assert "w:once" not in fit.weights


def test_cross_validated_scores_separate_a_separable_set() -> None:
    scores = cross_validated_scores(_DATA, folds=4)
    positives = [s for s, (_, label) in zip(scores, _DATA, strict=True) if label]
    negatives = [s for s, (_, label) in zip(scores, _DATA, strict=True) if not label]
    assert min(positives) > max(negatives)


def test_threshold_is_the_lowest_that_keeps_the_precision() -> None:
    assert pick_threshold([0.9, 0.8, 0.7, 0.6], [1, 1, 0, 1], min_precision=1.0) == 0.8


def test_threshold_never_flags_when_no_score_is_precise_enough() -> None:
    assert pick_threshold([0.9, 0.8], [0, 0], min_precision=0.5) == 1.01


def test_model_counts_each_feature_once_and_names_the_strongest() -> None:
    model = LinearModel(name="t", bias=-1.0, weights={"a": 2.0, "b": 0.5, "c": -3.0}, threshold=0.5)
    assert model.logit(["a", "a"]) == 1.0
    assert model.positive(["a"]) and not model.positive(["a", "c"])
    assert model.strongest(["c", "b", "a"]) == [("a", 2.0), ("b", 0.5)]


def test_fit_probability_matches_the_model_it_saves_to() -> None:
    fit = Fit(bias=0.2, weights={"a": 1.0})
    model = LinearModel(name="t", bias=0.2, weights={"a": 1.0}, threshold=0.5)
    assert abs(fit.probability(frozenset({"a"})) - model.probability(["a"])) < 1e-12
