"""The ``status`` query's findings (workflows/postmortem_handlers.py): linted once per revision."""

from __future__ import annotations

import pytest

from tests.support.rules import chain, ready_state
from workflows import rules
from workflows.postmortem_handlers import ReviewHandlers
from workflows.review import Finding, ReviewState


def handlers(state: ReviewState) -> ReviewHandlers:
    review = ReviewHandlers()
    review.state = state
    return review


@pytest.fixture
def lint_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = rules.review_findings

    def counting(state: ReviewState) -> list[Finding]:
        calls.append(state.revision)
        return real(state)

    monkeypatch.setattr(rules, "review_findings", counting)
    return calls


def test_the_status_query_reuses_the_findings_of_an_unchanged_revision(
    lint_calls: list[int],
) -> None:
    review = handlers(ready_state())

    first, again = review._findings(), review._findings()

    assert again == first
    assert lint_calls == [0]


def test_a_new_revision_is_linted_again_and_shows_its_new_text(lint_calls: list[int]) -> None:
    review = handlers(ready_state())
    assert not any(f.kind == "blame" for f in review._findings())
    whys = list(chain().whys)
    whys[0] = "Bob forgot to check the pool size because he was careless"
    review.state.five_whys = chain(whys=whys)
    review.state.revision += 1

    assert any(f.kind == "blame" for f in review._findings())
    assert lint_calls == [0, 1]
