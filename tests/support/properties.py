"""What the property tests of the rules share: arbitrary text with trigger words mixed in, names,
the settings, and the check that findings' spans index their text."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

from workflows.codes import Code
from workflows.review import Finding

__all__ = ["BLAME_WORDS", "CODES", "SETTINGS", "assert_spans_index", "names", "texts"]


CODES = {c.value for c in Code}


SETTINGS = settings(max_examples=150, deadline=None)


BLAME_WORDS = [
    "should have",
    "human error",
    "careless",
    "if only",
    "at fault",
    "forgot to",
    "Alice broke",
    "deployed by Erin",
    "why didn't",
    "blame",
    "shouldn\u2019t have",
    "fault",
    "kudos to",
    "not blaming anyone, but",
    "Oksana's migration dropped",
    "w/o",
    '"',
    "'",
    ".",
    "\n",
]


# Arbitrary text with blame phrases and names mixed in, so the interesting paths run too.
texts = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(BLAME_WORDS), st.text(max_size=8)), max_size=12).map(
        " ".join
    ),
)


names = st.lists(
    st.one_of(st.text(max_size=12), st.sampled_from(["Alice", "Erin Lee", "Oksana P"])),
    max_size=4,
)


def assert_spans_index(text: str, findings: list[Finding], field: str | None = None) -> None:
    previous = -1
    for finding in findings:
        if field is not None and finding.field != field:
            continue
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
        assert finding.start >= previous
        previous = finding.start
        assert finding.code in CODES
        assert finding.hint
        assert finding.message
