"""A gap or a standing condition of the system is a root cause."""

from __future__ import annotations

import pytest

from tests.support.root_cause import GAPS, verdict
from workflows.rules import lint_root_cause


def test_a_client_that_retries_without_limit_is_a_gap() -> None:
    statement = "The client library retries every failed request immediately and without limit."
    assert lint_root_cause(statement, "The API was overloaded.") == []


@pytest.mark.parametrize(
    "statement",
    [
        "Our alerting fires on error counts, so an endpoint that stops receiving traffic never alerts.",
        "The load test stops at 2x normal traffic, below a routine marketing peak.",
        "Functional tests store their data under /tmp, which is an in-memory filesystem.",
    ],
)
def test_a_present_tense_setup_of_the_system_is_a_standing_condition(statement: str) -> None:
    assert lint_root_cause(statement, "The site fell over during the campaign.") == []


def test_a_step_that_was_not_taken_is_a_gap() -> None:
    statement = "The v3.5 release was not qualified as thoroughly as the previous ones."
    assert lint_root_cause(statement, "Data became inconsistent after a crash.") == []


@pytest.mark.parametrize("statement", list(GAPS.values()), ids=list(GAPS))
def test_a_gap_in_the_system_is_a_root_cause(statement: str) -> None:
    assert verdict(statement) is None


def test_a_gap_stays_a_root_cause_when_it_mentions_the_effect() -> None:
    statement = "The payment service has no limit on batch size, so a large batch crashed it"
    assert verdict(statement) is None
