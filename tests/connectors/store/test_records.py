"""The store's records spell the domain's enumerations without importing the workflows."""

from __future__ import annotations

from connectors.store.records import CATEGORIES, ITEM_STATUSES, PHASES
from workflows.review import ItemStatus, Phase, RootCauseCategory


def test_phases_mirror_the_domain() -> None:
    assert list(PHASES) == [p.value for p in Phase]


def test_item_statuses_mirror_the_domain() -> None:
    assert list(ITEM_STATUSES) == [s.value for s in ItemStatus]


def test_root_cause_categories_mirror_the_domain() -> None:
    assert list(CATEGORIES) == [c.value for c in RootCauseCategory]
