"""Properties of the rules: they never raise, spans index the text, negated or quoted blame is not
blame, valid stays valid, and the cost grows linearly with the text."""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.rules import NOW, POLICY
from workflows.codes import Code
from workflows.review import ActionItemDraft, Finding, FiveWhys, RootCause, RootCauseCategory
from workflows.rules import (
    check_action_item,
    check_five_whys,
    lint,
    lint_action_wording,
    lint_root_cause,
    lint_text,
)

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


@SETTINGS
@given(text=texts, responders=names)
def test_lint_text_never_raises_and_spans_index_the_text(text: str, responders: list[str]) -> None:
    assert_spans_index(text, lint_text(text, responders, field="f"))


@SETTINGS
@given(text=texts, responders=names)
def test_lint_text_findings_do_not_overlap(text: str, responders: list[str]) -> None:
    findings = lint_text(text, responders)
    for earlier, later in pairwise(findings):
        assert earlier.end <= later.start


@SETTINGS
@given(clause=st.sampled_from(BLAMING_CLAUSES), frame=st.sampled_from(REJECTIONS))
def test_a_negated_or_quoted_blame_is_not_blame(clause: str, frame: str) -> None:
    assert lint_text(clause.capitalize() + ".", ["Alice Example"]) != []
    assert lint_text(frame.format(clause), ["Alice Example"]) == []


@SETTINGS
@given(title=texts, done_when=st.one_of(st.none(), texts))
def test_lint_action_wording_never_raises_and_spans_index_the_text(
    title: str, done_when: str | None
) -> None:
    findings = lint_action_wording(title, done_when, "action_items.1.")
    assert_spans_index(title, findings, "action_items.1.title")
    if done_when is not None:
        assert_spans_index(done_when, findings, "action_items.1.done_when")
    assert all(f.kind == "vague" for f in findings)


@SETTINGS
@given(statement=texts, symptom=st.one_of(st.none(), texts), responders=names)
def test_lint_root_cause_never_raises_and_gives_at_most_one_finding(
    statement: str, symptom: str | None, responders: list[str]
) -> None:
    findings = lint_root_cause(statement, symptom, responders, "rc")
    assert len(findings) <= 1
    assert_spans_index(statement, findings, "rc")
    assert all(f.kind == "symptom" for f in findings)


@SETTINGS
@given(
    symptom=st.text(),
    whys=st.lists(st.text(), max_size=10),
    statements=st.lists(st.text(), max_size=4),
    ids=st.lists(st.text(min_size=1, max_size=40), min_size=4, max_size=4),
    responders=names,
)
def test_check_five_whys_never_raises_on_arbitrary_text(
    symptom: str, whys: list[str], statements: list[str], ids: list[str], responders: list[str]
) -> None:
    causes = [
        RootCause(id=ids[i], category=RootCauseCategory.OTHER, statement=s)
        for i, s in enumerate(statements)
    ]
    violations = check_five_whys(
        FiveWhys(symptom=symptom, whys=whys, root_causes=causes), responders
    )
    assert all(v.code in CODES and v.field and v.message and v.hint for v in violations)


VALID_TITLES = [
    "Add a canary stage for config changes to the deploy pipeline",
    "Page the on-call when queue depth exceeds 10k for 5 minutes",
    "Cap the connection pool at 200 in the payments Helm chart",
]
VALID_DONE_WHEN = [
    "A config change without a canary run fails the pipeline in staging",
    "The alert fires in staging when replica lag exceeds 30 s",
    "The runbook page has a pool-resize section linked from the alert",
]
GOOD_ROOT_CAUSES = [
    "The deploy pipeline allows config changes without a canary stage",
    "The runbook does not describe how to resize the connection pool",
    "Alert routing sends database pages to a retired channel",
]
case_changes: list[Callable[[str], str]] = [
    str.upper,
    str.lower,
    str.title,
    str.swapcase,
    str.capitalize,
    lambda s: s,
]
padding = st.text(alphabet=" \t\n\r\u00a0", max_size=4)


@SETTINGS
@given(
    symptom=st.text(),
    whys=st.lists(st.text(), min_size=3, max_size=7),
    statements=st.lists(st.sampled_from(GOOD_ROOT_CAUSES), min_size=1, max_size=3),
)
def test_symptom_distinct_whys_and_a_root_cause_are_structurally_valid(
    symptom: str, whys: list[str], statements: list[str]
) -> None:
    chain = FiveWhys(
        symptom=f"Users saw errors {symptom}",
        whys=[f"Cause {i} {why}" for i, why in enumerate(whys)],
        root_causes=[
            RootCause(id=f"rc{i}", category=RootCauseCategory.TOOLING, statement=s)
            for i, s in enumerate(statements)
        ],
    )
    assert check_five_whys(chain, ["Alice Smith", "Bob"]) == []


@SETTINGS
@given(
    title=st.sampled_from(VALID_TITLES),
    done_when=st.sampled_from(VALID_DONE_WHEN),
    title_case=st.sampled_from(case_changes),
    done_case=st.sampled_from(case_changes),
    pads=st.tuples(padding, padding, padding, padding),
)
def test_valid_item_stays_valid_under_whitespace_and_case_changes(
    title: str,
    done_when: str,
    title_case: Callable[[str], str],
    done_case: Callable[[str], str],
    pads: tuple[str, str, str, str],
) -> None:
    item = ActionItemDraft(
        title=f"{pads[0]}{title_case(title)}{pads[1]}",
        owner="alice@example.com",
        due="2025-06-30",
        done_when=f"{pads[2]}{done_case(done_when)}{pads[3]}",
        root_cause="rc1",
    )
    assert check_action_item(item, ["rc1"], NOW, POLICY) == []


@SETTINGS
@given(
    title=st.one_of(st.sampled_from(VALID_TITLES), texts),
    owner=st.one_of(st.just("alice@example.com"), st.text(max_size=40)),
    due=st.one_of(
        st.sampled_from(["2025-06-30", "2024-01-01", "2026-06-01"]), st.text(max_size=30)
    ),
    done_when=st.one_of(st.sampled_from(VALID_DONE_WHEN), texts),
    root_cause=st.one_of(st.just("rc1"), st.text(max_size=10)),
)
def test_every_rejected_item_carries_a_violation_with_a_hint(
    title: str, owner: str, due: str, done_when: str, root_cause: str
) -> None:
    item = ActionItemDraft(
        title=title, owner=owner, due=due, done_when=done_when, root_cause=root_cause
    )
    violations = check_action_item(item, ["rc1"], NOW, POLICY, "action_items.1.")
    for violation in violations:
        assert violation.hint.strip()
        assert violation.message.strip()
        assert violation.code in CODES
        assert violation.field.startswith("action_items.1.")
    fields = [v.field for v in violations]
    assert len(fields) == len(set(fields)), "at most one violation per field"


# --- cost: linear in the text -----------------------------------------------------------------

# Dense trigger words of every check, the text an attacker would paste into a "went well" entry.
HOSTILE = (
    "Kudos to Alice for another outage, not blaming anyone but she forgot to check; should have "
    "known. If only they had waited: human error, careless, at fault. Look into and improve and "
    "investigate more reasonable numbers by monitoring \"quoted 'nested\" Oksana's migration "
    "dropped w/o review "
)


_RUN = iter(range(10**9))


def _fresh(text: str) -> str:
    """The text with a new number in front, so the rules' memory of recent texts never answers."""
    return f"{next(_RUN)} {text}"


def _cpu_best_of(check: Callable[[str], object], text: str, runs: int = 5) -> float:
    """The least CPU time of a few runs: CPU time of this process only, so other processes on the
    machine do not count, and the least of several runs filters out the interpreter's pauses."""
    best = float("inf")
    for _ in range(runs):
        fresh = _fresh(text)
        started = time.process_time()
        check(fresh)
        best = min(best, time.process_time() - started)
    return best


def _calls(check: Callable[[str], object], text: str) -> int:
    """How many function calls one check makes: a measure of work that no load can disturb."""
    profile = cProfile.Profile()
    profile.runcall(check, _fresh(text))
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


CHECKS: list[Callable[[str], object]] = [
    lambda t: lint(t, ["Alice Example", "Oksana Petrenko"]),
    lambda t: lint(t, ["Alice Example"], "action_item", done_when=t),
    lambda t: lint(t, ["Alice Example"], "root_cause", symptom=t),
]


def _hostile(size: int) -> str:
    return (HOSTILE * (size // len(HOSTILE) + 1))[:size]


@settings(max_examples=6, deadline=None)
@given(check=st.sampled_from(CHECKS), size=st.sampled_from([2_500, 5_000]))
def test_doubling_the_text_at_most_roughly_doubles_the_work(
    check: Callable[[str], object], size: int
) -> None:
    check(_hostile(2 * size))  # warm the caches (lemmas, responder names)
    assert _calls(check, _hostile(2 * size)) <= 2.3 * _calls(check, _hostile(size))


@settings(max_examples=6, deadline=None)
@given(check=st.sampled_from(CHECKS), size=st.sampled_from([2_500, 5_000]))
def test_doubling_the_text_at_most_roughly_doubles_the_time(
    check: Callable[[str], object], size: int
) -> None:
    check(_hostile(2 * size))
    # A quadratic step would take four times as long for twice the text, above the factor 3
    # allowed here; work inside one call of a C function (a split, a join) shows only in time.
    single = _cpu_best_of(check, _hostile(size))
    double = _cpu_best_of(check, _hostile(2 * size))
    assert double <= 3 * single + 0.002
