"""What takes evidence back: negations, denials, framings, quotations."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.blame import NAMES, flagged, negative
from tests.support.properties import SETTINGS
from workflows.rules import lint_text


@pytest.mark.parametrize("text", negative("rejected or quoted"))
def test_a_negated_or_quoted_blame_phrase_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


def test_the_wrong_thing_in_a_passive_is_no_framing_that_rejects_blame() -> None:
    assert flagged("The wrong bucket was deleted by an engineer cleaning up test data.")


@pytest.mark.parametrize(
    "text",
    [
        "Priya rolled back with the flag removed.",
        "Facilitators should steer the discussion away from who should have done what.",
        "Reviewers flag loaded words such as careless or negligent so the author can rephrase.",
        "A user reported that login is down because they could not authenticate.",
        "Our log retention is shorter than the time it takes to notice a slow data leak.",
        "The platform team started investigating the issue and restarted the pods.",
    ],
)
def test_a_fix_an_embedded_question_a_mentioned_word_or_a_users_pronoun_is_not_blame(
    text: str,
) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The on-call left the incident channel open for customer updates.",
        "Marco left the feature flag on for internal users only, as agreed.",
        "Nobody typed anything in the wrong terminal; the script resolved the path itself.",
    ],
)
def test_leaving_something_as_agreed_or_a_denial_is_not_blame(text: str) -> None:
    assert flagged(text) == []


# Sentences that blame, each as a clause that a negation or a quotation can take back.
BLAMING_CLAUSES = [
    "the operator was careless",
    "it was human error",
    "the engineer should have checked the replica",
    "Alice forgot to renew the certificate",
    "the DBA dropped the ball",
    "this was operator error",
    "the on-call ignored the alert",
]


REJECTIONS = [
    "We chose not to say that {}.",
    "It would be wrong to say that {}.",
    "Nobody here thinks {}.",
    'The ticket claimed "{}".',
    "The customer wrote \u201c{}\u201d.",
    "It is tempting to say {}, but the dashboard hid the lag.",
]


@SETTINGS
@given(clause=st.sampled_from(BLAMING_CLAUSES), frame=st.sampled_from(REJECTIONS))
def test_a_negated_or_quoted_blame_is_not_blame(clause: str, frame: str) -> None:
    assert lint_text(clause.capitalize() + ".", ["Alice Example"]) != []
    assert lint_text(frame.format(clause), ["Alice Example"]) == []
