"""A root cause that stops at a proximate trigger."""

from __future__ import annotations

import pytest

from tests.support.root_cause import verdict
from workflows.codes import Code
from workflows.rules import lint_root_cause


@pytest.mark.parametrize(
    "statement",
    ["A misbehaving client flooded the API.", "An overeager retry loop in the mobile app."],
)
def test_a_misbehaving_actor_is_a_proximate_trigger(statement: str) -> None:
    found = lint_root_cause(statement, "The API was overloaded.")
    assert [f.code for f in found] == [Code.ROOT_CAUSE_PROXIMATE_TRIGGER]


@pytest.mark.parametrize(
    "statement",
    ["Misconfigured DNS.", "An unindexed query introduced in the last release."],
)
def test_a_bad_setting_or_query_alone_is_a_proximate_trigger(statement: str) -> None:
    found = lint_root_cause(statement, "The site was unreachable.")
    assert [f.code for f in found] == [Code.ROOT_CAUSE_PROXIMATE_TRIGGER]


PROXIMATE_TRIGGERS = [
    "A misconfiguration did not allow the header through",
    "Occurred right after the 14:02 deploy",
    "A buggy job",
    "A bad deploy",
    "The config push",
    "The cron job ran twice",
    "A bad config change",
    "The 14:02 deploy of payments-api",
]


@pytest.mark.parametrize("statement", PROXIMATE_TRIGGERS)
def test_a_root_cause_that_stops_at_a_proximate_trigger_is_a_symptom(statement: str) -> None:
    assert verdict(statement) == Code.ROOT_CAUSE_PROXIMATE_TRIGGER
