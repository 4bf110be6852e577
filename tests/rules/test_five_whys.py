"""The five-whys chain: a symptom, 3 to 7 distinct whys, root causes that are not "human error"."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.properties import CODES, SETTINGS, names
from tests.support.rules import RESPONDERS, by_code, cause, chain, codes
from workflows.codes import Code
from workflows.review import FiveWhys, RootCause, RootCauseCategory
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


@SETTINGS
@given(
    symptom=st.text(),
    whys=st.lists(st.text(), max_size=10),
    statements=st.lists(st.text(), max_size=4),
    ids=st.lists(st.text(min_size=1, max_size=40), min_size=4, max_size=4),
    responders=names,
)
def test_check_five_whys_never_raises_on_arbitrary_text(
    symptom: str, whys: list[str], statements: list[str], ids: list[str], responders: list[str]
) -> None:
    causes = [
        RootCause(id=ids[i], category=RootCauseCategory.OTHER, statement=s)
        for i, s in enumerate(statements)
    ]
    violations = check_five_whys(
        FiveWhys(symptom=symptom, whys=whys, root_causes=causes), responders
    )
    assert all(v.code in CODES and v.field and v.message and v.hint for v in violations)


GOOD_ROOT_CAUSES = [
    "The deploy pipeline allows config changes without a canary stage",
    "The runbook does not describe how to resize the connection pool",
    "Alert routing sends database pages to a retired channel",
]


@SETTINGS
@given(
    symptom=st.text(),
    whys=st.lists(st.text(), min_size=3, max_size=7),
    statements=st.lists(st.sampled_from(GOOD_ROOT_CAUSES), min_size=1, max_size=3),
)
def test_symptom_distinct_whys_and_a_root_cause_are_structurally_valid(
    symptom: str, whys: list[str], statements: list[str]
) -> None:
    chain = FiveWhys(
        symptom=f"Users saw errors {symptom}",
        whys=[f"Cause {i} {why}" for i, why in enumerate(whys)],
        root_causes=[
            RootCause(id=f"rc{i}", category=RootCauseCategory.TOOLING, statement=s)
            for i, s in enumerate(statements)
        ],
    )
    assert check_five_whys(chain, ["Alice Smith", "Bob"]) == []
