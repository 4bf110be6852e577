"""The symptom check's learned part (workflows/rules/cause/model.py): how a model's say combines
with the rules' verdict, and that the committed weights are the seeded trainer's."""

from __future__ import annotations

import pytest

from tests.rules.train_check import run
from tests.rules.train_symptom import rows
from tests.support.root_cause import GAPS, SYMPTOM
from workflows.codes import Code
from workflows.rules.cause import model as cause_model
from workflows.rules.cause.words import Verdict
from workflows.rules.learned import LinearModel
from workflows.rules.root_cause import explaining_tokens, lint_root_cause, tokens


def _use(monkeypatch: pytest.MonkeyPatch, model: LinearModel) -> None:
    monkeypatch.setattr(cause_model, "load_model", lambda _name: model)


def test_the_committed_weights_are_what_the_seeded_trainer_writes() -> None:
    assert run("symptom", rows(), ["--check"]) == 0


def test_the_committed_model_leaves_every_rules_verdict_as_it_is() -> None:
    for statement in ("A bad deploy", "The payment system crashed", *GAPS.values()):
        assert lint_root_cause(statement, SYMPTOM) == lint_root_cause(
            statement, SYMPTOM, learned=False
        )


def test_a_model_finding_keeps_its_span_family_message_and_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    statement = GAPS["process"]
    _use(monkeypatch, LinearModel("t", 0.0, {"c#gap_noun": 5.0}, threshold=0.5))
    (finding,) = lint_root_cause(statement, SYMPTOM)
    assert finding.text == "checklist"
    assert finding.kind == "symptom"
    assert "why once more" in finding.hint.lower()
    assert "(model:" in finding.message


def test_a_model_below_its_threshold_adds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, LinearModel("t", -5.0, {"c#gap_noun": 1.0}, threshold=0.5))
    assert lint_root_cause(GAPS["process"], SYMPTOM) == []


def test_a_veto_drops_a_rules_verdict_the_model_finds_unlikely(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _use(monkeypatch, LinearModel("t", -9.0, {}, threshold=1.01, meta={"veto": 0.05}))
    assert lint_root_cause("A bad deploy", SYMPTOM) == []


def test_without_a_veto_the_rules_verdict_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    verdict = Verdict(Code.ROOT_CAUSE_PROXIMATE_TRIGGER, 0, 5, "m")
    _use(monkeypatch, LinearModel("t", -9.0, {}, threshold=0.5))
    toks = explaining_tokens("A bad deploy")
    assert cause_model.combine("A bad deploy", toks, tokens(SYMPTOM), verdict) is verdict
