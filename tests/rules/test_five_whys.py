"""The five-whys chain: a symptom, 3 to 7 distinct whys, root causes that are not "human error"."""

from __future__ import annotations

import pytest

from tests.support.rules import RESPONDERS, by_code, cause, chain, codes
from workflows.codes import Code
from workflows.review import FiveWhys, RootCauseCategory
from workflows.rules import ONE_MORE_WHY, check_five_whys


def test_complete_chain_is_valid() -> None:
    assert check_five_whys(chain(), RESPONDERS) == []


def test_blank_symptom_is_rejected() -> None:
    violations = check_five_whys(chain(symptom="   "))
    assert codes(violations) == [Code.SYMPTOM_MISSING]
    assert violations[0].field == "symptom"


def test_two_whys_are_too_few() -> None:
    violation = by_code(
        check_five_whys(chain(whys=["a cause", "a deeper cause"])), Code.WHYS_TOO_FEW
    )
    assert violation.field == "whys"
    assert "2 whys" in violation.message


def test_eight_whys_are_too_many() -> None:
    whys = [f"cause number {i}" for i in range(8)]
    violation = by_code(check_five_whys(chain(whys=whys)), Code.WHYS_TOO_MANY)
    assert violation.field == "whys"


@pytest.mark.parametrize("count", [3, 7])
def test_three_to_seven_whys_are_accepted(count: int) -> None:
    assert check_five_whys(chain(whys=[f"cause number {i}" for i in range(count)])) == []


def test_empty_why_is_rejected_with_its_index() -> None:
    violations = check_five_whys(chain(whys=["first", " ", "third", "fourth"]))
    assert codes(violations) == [Code.WHY_EMPTY]
    assert violations[0].field == "whys.1"


def test_repeated_why_is_rejected_ignoring_case_space_and_punctuation() -> None:
    whys = ["The pool was exhausted.", "The config halved it", "  the POOL  was exhausted!"]
    violations = check_five_whys(chain(whys=whys))
    assert codes(violations) == [Code.WHY_REPEATED]
    assert violations[0].field == "whys.2"
    assert "repeats why 1" in violations[0].message


def test_chain_without_root_cause_is_rejected() -> None:
    violations = check_five_whys(chain(root_causes=[]))
    assert codes(violations) == [Code.ROOT_CAUSE_MISSING]
    assert violations[0].field == "root_causes"


def test_root_cause_without_statement_is_rejected() -> None:
    violations = check_five_whys(chain(root_causes=[cause(" ")]))
    assert codes(violations) == [Code.ROOT_CAUSE_EMPTY]
    assert violations[0].field == "root_causes.0.statement"


def test_duplicate_root_cause_id_is_rejected() -> None:
    first, second = chain().root_causes
    violations = check_five_whys(
        chain(root_causes=[first, second.model_copy(update={"id": "rc1"})])
    )
    assert codes(violations) == [Code.ROOT_CAUSE_DUPLICATE_ID]
    assert violations[0].field == "root_causes.1.id"


@pytest.mark.parametrize(
    "statement",
    [
        "Human error",
        "Operator error during the failover",
        "User error",
        "A mistake by the on-call engineer",
        "Engineer mistake",
        "A typo",
        "The engineer forgot to renew the certificate",
        "Carelessness during the deploy",
    ],
)
def test_root_cause_of_human_error_is_rejected_with_one_more_why_hint(statement: str) -> None:
    violations = check_five_whys(chain(root_causes=[cause(statement)]))
    violation = by_code(violations, Code.ROOT_CAUSE_HUMAN_ERROR)
    assert violation.field == "root_causes.0.statement"
    assert violation.hint.startswith(ONE_MORE_WHY)


@pytest.mark.parametrize(
    "statement",
    [
        "The deploy tool accepted a config without validating it",
        "The error budget policy had no owner",
        "Error handling in the client retried without backoff",
        "Human error was not the cause: the console had no confirmation step",
    ],
)
def test_system_root_cause_is_not_human_error(statement: str) -> None:
    assert check_five_whys(chain(root_causes=[cause(statement)]), RESPONDERS) == []


@pytest.mark.parametrize(
    "statement", ["Alice pushed the change", "Waiting for alice smith to review", "Bob's query"]
)
def test_root_cause_naming_a_responder_is_rejected(statement: str) -> None:
    cause_ = cause(statement, category=RootCauseCategory.ROLES)
    violations = check_five_whys(chain(root_causes=[cause_]), RESPONDERS)
    violation = by_code(violations, Code.ROOT_CAUSE_NAMES_PERSON)
    assert violation.field == "root_causes.0.statement"
    assert "responder" in violation.message


def test_a_root_cause_that_reads_as_a_symptom_is_accepted_by_the_chain() -> None:
    # Listed as a finding by review_findings and blocking publication, never a rejection.
    assert check_five_whys(chain(root_causes=[cause("The payment system crashed")])) == []


def test_blaming_words_in_whys_are_not_violations() -> None:
    whys = ["Alice broke the deploy", "She should have waited", "It was human error"]
    assert check_five_whys(chain(whys=whys), RESPONDERS) == []


def test_every_five_whys_violation_is_returned_at_once() -> None:
    causes = [cause("human error"), cause("")]
    violations = check_five_whys(FiveWhys(symptom="", whys=["x", ""], root_causes=causes))
    assert codes(violations) == [
        Code.SYMPTOM_MISSING,
        Code.WHYS_TOO_FEW,
        Code.WHY_EMPTY,
        Code.ROOT_CAUSE_HUMAN_ERROR,
        Code.ROOT_CAUSE_DUPLICATE_ID,
        Code.ROOT_CAUSE_EMPTY,
    ]
    assert all(v.message and v.hint for v in violations)
