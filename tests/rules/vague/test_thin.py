"""Titles whose verb is concrete but whose object is not: a setting changed to no value, an act
on generic things only, a target reached with no change."""

from __future__ import annotations

import pytest

from tests.support.smart import item, vague
from workflows.rules.vague.thin import thin_spans
from workflows.rules.vague.words import word_tokens


def test_a_setting_raised_to_no_value_is_vague() -> None:
    assert vague("Raise the heap on the indexer pods", "") == ["title"]


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        item("Raise the heap on the indexer pods from 4 GiB to 6 GiB", ""),
        item("Raise the heap on the indexer pods", "kubectl shows -Xmx6g on every indexer pod"),
        item("Raise the heap on the indexer pods using last month's peak plus 20%", ""),
    ],
)
def test_a_setting_change_with_its_value_in_the_title_or_done_when_is_not_thin(
    title: str, done_when: str
) -> None:
    words = [t for t in word_tokens(title) if t.word]
    valued = any(c.isdigit() for c in done_when)
    assert thin_spans(words, checked=False, valued=valued) == []


@pytest.mark.parametrize(
    "title",
    [
        "Update the runbook",
        "Add monitoring for the new services",
        "Create alerts for critical services",
    ],
)
def test_a_concrete_verb_on_generic_things_only_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Update the failover runbook with the pg_ctl promote command",
        "Add monitoring for Kafka consumer lag",
    ],
)
def test_a_concrete_verb_on_a_named_thing_is_not_thin(title: str) -> None:
    words = [t for t in word_tokens(title) if t.word]
    assert thin_spans(words, checked=False, valued=False) == []


def test_a_generic_object_with_a_runnable_check_is_not_thin() -> None:
    words = [t for t in word_tokens("Add monitoring for the new services") if t.word]
    assert thin_spans(words, checked=True, valued=False) == []


def test_a_target_reached_with_no_change_is_a_goal() -> None:
    assert vague("Reach 95% of hosts with the new agent", "") == ["title"]


def test_a_target_reached_by_a_named_change_is_not_a_thin_goal() -> None:
    words = [
        t for t in word_tokens("Reach 95% of hosts by baking the agent into the AMI") if t.word
    ]
    assert thin_spans(words, checked=False, valued=False) == []


@pytest.mark.parametrize(
    "title",
    ["Automate the manual steps", "Fix the underlying issue", "Migrate off the legacy system"],
)
def test_an_upgrade_fix_or_migration_of_generic_things_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Automate the manual steps of the Postgres minor upgrade runbook",
        "Migrate off the legacy Jenkins box",
    ],
)
def test_an_upgrade_fix_or_migration_of_a_named_thing_is_not_thin(title: str) -> None:
    words = [t for t in word_tokens(title) if t.word]
    assert thin_spans(words, checked=False, valued=False) == []
