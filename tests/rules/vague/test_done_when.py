"""A vague done-when: unmeasurable, or a restatement of the title."""

from __future__ import annotations

import pytest

from tests.support.smart import item, vague

UNMEASURABLE_DONE_WHEN = [
    item("Add a replica lag alert at 30 s", "when everyone is comfortable"),
    item("Add a replica lag alert at 30 s", "Alerting is better"),
    item("Add a replica lag alert at 30 s", "done"),
    item("Add a replica lag alert at 30 s", "The team is aware of the risk"),
    item("Add a replica lag alert at 30 s", "Hopefully no more incidents"),
]


RESTATES_TITLE = [
    item("Harden the VPN config", "VPN hardened"),
    item("Add a canary stage to the deploy pipeline", "Canary stage added to the pipeline"),
    item("Document the failover procedure", "The failover procedure is documented"),
    item("Upgrade the payments database", "Payments database upgraded"),
]


@pytest.mark.parametrize(("title", "done_when"), UNMEASURABLE_DONE_WHEN)
def test_a_concrete_title_with_an_unmeasurable_done_when_is_vague(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when) == ["done_when"]


@pytest.mark.parametrize(("title", "done_when"), RESTATES_TITLE)
def test_a_done_when_that_restates_the_title_is_vague(title: str, done_when: str) -> None:
    assert "done_when" in vague(title, done_when)
