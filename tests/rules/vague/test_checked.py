"""A done-when that is a check someone could run, and the trigger words it vouches for."""

from __future__ import annotations

import pytest

from tests.support.smart import item, vague
from workflows.rules.vague.checked import is_check


@pytest.mark.parametrize(
    ("done_when", "title"),
    [
        item("A forced disk fill on ledger-stg pages the storage on-call", "Monitor ledger disk"),
        item("The export job fails in a test with the bucket deleted", "Ensure the export job…"),
        item("SHOW max_connections returns 400 on orders-db", "Set orders max_connections"),
    ],
)
def test_an_outcome_seen_in_a_test_or_against_a_number_or_name_is_a_check(
    done_when: str, title: str
) -> None:
    assert is_check(done_when, title)


@pytest.mark.parametrize(
    ("done_when", "title"),
    [
        item("Investigation complete and root cause understood", "Investigate the lag"),
        item("Alert fires", "Add an alert on lag"),
        item("The team agrees the new flow is better in staging", "Rework the flow"),
    ],
)
def test_a_criterion_with_no_observable_outcome_or_too_short_is_not_a_check(
    done_when: str, title: str
) -> None:
    assert not is_check(done_when, title)


def test_a_check_of_another_subject_does_not_vouch_for_the_title() -> None:
    assert not is_check("The alert fires in staging when replica lag is forced", "Explore caches")


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        item(
            "Ensure the invoice worker retries a failed PDF render",
            "A stubbed renderer error in staging shows the invoice worker retrying 3 times",
        ),
        item(
            "Investigate the p99 spikes on cart-api",
            "A flame graph of cart-api from the 18:00 load test is attached to CART-91",
        ),
    ],
)
def test_a_trigger_word_with_a_concrete_object_and_a_check_of_it_is_not_vague(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when) == []


def test_a_trigger_word_with_a_concrete_object_but_no_check_stays_vague() -> None:
    assert vague("Investigate the p99 spikes on cart-api", "Investigation finished") != []


def test_a_check_does_not_rescue_talk() -> None:
    assert "title" in vague(
        "Review the cart-api paging rota", "A forced 500 on cart-api in staging pages the rota"
    )
