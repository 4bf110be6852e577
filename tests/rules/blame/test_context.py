"""The sentence's context: credit, recovery and quotation around a phrase."""

from __future__ import annotations

import pytest

from tests.support.blame import NAMES, negative
from workflows.rules import lint_text


@pytest.mark.parametrize("text", negative("credit"))
def test_credit_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []
