"""Root cause or symptom: is a root-cause statement a condition of the system someone can change?

A symptom is what was observed ("the payment system crashed"); a root cause is a condition of the
system that can be changed ("our deployment checklist does not require production-sized test
data"). A statement is flagged (``kind="symptom"``) when it

* describes an observable effect or outage (crashed, returned 5xx, timed out, users could not…),
* restates the symptom it is meant to explain,
* stops at a proximate trigger ("a buggy job", "a bad deploy", "the config push"), or
* stops at a person ("the DBA didn't check the replica", "human error"),

unless it names a gap in a process, tool, test, limit, documentation, role or environment ("has
no", "does not require", "is not documented", "allows", "relies on", "untested", "no owner") or
states a standing condition in the present tense ("the runbook says to restart the primary",
"canary hosts run newer kernels"). The statement is read without its lead-in ("The root cause
was…", "As a result,") and without the consequences it goes on to list ("…, causing health check
failures"). The hint is always the same question: ask why once more.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.codes import Code
from workflows.review import Finding
from workflows.rules.blameless import lint_text
from workflows.rules.cause.gap import (
    gap_at,
    negated_passive,
    present_conditional,
    silent_alarm,
    standing_condition,
)
from workflows.rules.cause.model import combine
from workflows.rules.cause.person import bare_omission, person_at_the_end, person_verdict
from workflows.rules.cause.symptom import (
    circular,
    effect_at,
    log_line,
    measured,
    next_clause,
    outage_only,
    restates,
    unexpected,
)
from workflows.rules.cause.trigger import (
    caused_by,
    change_event,
    change_with_content,
    done_wrongly,
    explanation,
    indefinite_trigger,
    trigger_at,
    trigger_verdict,
    upstream_change,
)
from workflows.rules.cause.words import Verdict
from workflows.rules.text import Token, split, squash

__all__ = ["WHY_ONCE_MORE", "explaining_tokens", "lint_root_cause", "tokens"]


WHY_ONCE_MORE = (
    "Ask why once more: what condition of the system let this happen? Name the missing check, "
    "limit, test, document, role or environment, e.g. "
    '"Our deployment checklist does not require production-sized test data".'
)


_PERSON_CODES = frozenset(
    {
        Code.BLAME_PERSON_SUBJECT.value,
        Code.BLAME_HUMAN_ERROR.value,
        Code.BLAME_LANGUAGE.value,
        Code.BLAME_COUNTERFACTUAL.value,
    }
)


def lint_root_cause(
    statement: str,
    symptom: str | None = None,
    responders: Sequence[str] = (),
    field: str | None = None,
    *,
    learned: bool = True,
) -> list[Finding]:
    """A ``symptom`` finding when the root-cause statement is not a changeable condition.

    Args:
        statement: The root cause as written.
        symptom: The chain's symptom, to tell a restatement of it.
        responders: Names of the people involved (a named person is a person, not a cause).
        field: Where the statement lives in the review, copied onto the finding.
        learned: Whether the learned model (:mod:`workflows.rules.cause.model`) joins the rules
            (default True: it may add a finding they miss or veto one, as the trainer chose by
            cross-validation on dev); False gives the rules alone.
    """
    if not statement or not statement.strip():
        return []
    verdict = _judge(statement, symptom or "", responders)
    if learned:
        verdict = combine(statement, explaining_tokens(statement), tokens(symptom or ""), verdict)
    if verdict is None:
        return []
    return [
        Finding(
            code=verdict.code.value,
            kind="symptom",
            field=field,
            start=verdict.start,
            end=verdict.end,
            text=statement[verdict.start : verdict.end],
            message=verdict.message,
            hint=WHY_ONCE_MORE,
        )
    ]


def tokens(text: str) -> list[Token]:
    """Every token of ``text``, sentence after sentence."""
    out: list[Token] = []
    for sent in split(text):
        out.extend(sent.tokens)
    return out


def explaining_tokens(statement: str) -> list[Token]:
    """The tokens of the part of ``statement`` that explains (``trigger.explanation``: without
    its lead-in and the consequences it lists); what the learned model reads."""
    return explanation(tokens(statement))


def _gap_behind(toks: Sequence[Token], end: int) -> bool:
    """Whether the statement goes past the person to a gap behind them: "The team was not aware
    the default had changed, as upgrade notes are not reviewed" (a causal link after the
    person's part, then a gap)."""
    for k, t in enumerate(toks):
        if t.start < end:
            if t.low in ("because", "since") and gap_at(toks, k + 1):
                return True  # "…broke clients because we have no usage metrics": the person's
                # words sit in a reason that is a gap
            continue
        linked = t.low in ("because", "since") or t.text == ";"
        linked = linked or (t.low == "as" and k > 0 and toks[k - 1].text == ",")
        if linked:
            return gap_at(toks, k + 1) or standing_condition(toks[k + 1 :])
    return False


def _gap_before(toks: Sequence[Token], start: int) -> bool:
    """Whether a gap comes first, in a clause of its own, before the person: "The dead letter
    handling is not documented and the on-call did not know it existed"."""
    head = [t for t in toks if t.end <= start]
    while head and (not head[-1].word or head[-1].low in ("and", "so", "but", "the", "a", "an")):
        head.pop()  # the link into the person's clause, and the start of its subject
    return len(head) >= 3 and gap_at(head)


def _capability(toks: Sequence[Token], start: int, end: int) -> bool:
    """Whether the blamed span says what people could do ("Engineers could merge…", "anyone can
    push"), a permission of the system rather than an act."""
    return any(t.low in ("could", "can", "may") for t in toks if start <= t.start < end)


def _standing_reason(toks: Sequence[Token]) -> bool:
    """Whether the reason a statement gives for what was seen is a standing condition of the
    system: "Orders were lost because the queue stores messages in memory on the broker" (the
    clause after "because" or "since", not "because of", read on its own)."""
    for k, t in enumerate(toks[:-2]):
        if t.low in ("because", "since") and toks[k + 1].low != "of":
            return standing_condition(toks[k + 1 :])
    return False


def _judge(statement: str, symptom: str, responders: Sequence[str]) -> Verdict | None:
    """The verdict on one statement (:func:`_judge_reading`), read past a conceded clause
    ("While our monitoring shows that Kafka is healthy, we noticed OutOfOrderSequenceError…")
    and, when the main clause alone gets no verdict, read whole again: what is conceded can
    itself be the effect ("While our system was experiencing higher load, the optimizations…")."""
    verdict = _judge_reading(statement, symptom, responders, concede=True)
    every = tokens(statement)
    main = explanation(every)
    if verdict is None and main != explanation(every, concede=False):
        if gap_at(main) or standing_condition(main):
            return None  # "Although the alert fired, the paging policy sends…": the main
            # clause names the gap, whatever was conceded
        verdict = _judge_reading(statement, symptom, responders, concede=False)
    return verdict


def _judge_reading(
    statement: str, symptom: str, responders: Sequence[str], *, concede: bool
) -> Verdict | None:
    """The verdict on one statement, reading it the way a facilitator would.

    In order: an omission with no subject stops at a person; a blaming phrase in the part that
    explains stops at a person; an unnamed bad thing as the subject stops at the trigger; a change
    as the subject with what it did ("a config push that removed the only healthy upstream")
    stops at the trigger, whatever absence it describes, unless it gives a reason; a gap
    (an absence, a limit, a design choice) or a standing condition stated in the present tense
    ("the runbook says to restart the primary") is a root cause; then a person's act, a
    restatement of the symptom, a trigger and an observed effect are symptoms, in that order.
    """
    every = tokens(statement)
    toks = explanation(every, concede=concede)
    words = [t for t in toks if t.word]
    if not words:
        return None
    whole = (words[0].start, words[-1].end)
    quoted = squash(statement)
    logged = log_line(every)
    if logged is not None:
        return Verdict(
            Code.ROOT_CAUSE_IS_SYMPTOM,
            *whole,
            f'The root cause "{quoted}" is a log line, what was observed ("{logged.text}"), '
            "not why it happened.",
        )
    if silent_alarm(every) or present_conditional(every):
        return None  # "…, so no alert fired": what the monitoring does not page on is a gap;
        # "If a consumer restarts mid-batch, every message is delivered again": a design
    person = bare_omission(every)
    if person is not None and not _gap_behind(toks, every[person[1]].end):
        return person_verdict(statement, quoted, every, person)
    end = toks[-1].end
    blame = [
        f for f in lint_text(statement, responders) if f.code in _PERSON_CODES and f.start < end
    ]
    if blame and _capability(every, blame[0].start, blame[0].end) and gap_at(toks):
        blame = []  # "Engineers could merge to main without a passing integration run": what
        # the system let anyone do, with the missing safeguard, is a gap, not a person's act
    if blame and not _gap_behind(toks, blame[0].end) and not _gap_before(toks, blame[0].start):
        f = blame[0]
        return Verdict(
            Code.ROOT_CAUSE_STOPS_AT_PERSON,
            f.start,
            f.end,
            f'The root cause "{quoted}" stops at a person ("{squash(f.text)}"), not at the '
            "condition that made the action possible or likely.",
        )
    trigger = indefinite_trigger(toks)
    if trigger is not None and not gap_at(toks, next_clause(toks, trigger[1])):
        return trigger_verdict(statement, quoted, toks, trigger)
    if circular(words):  # "the data was stale because the data was not refreshed"
        return Verdict(
            Code.ROOT_CAUSE_RESTATES_SYMPTOM,
            *whole,
            f'The root cause "{quoted}" explains the effect by itself: the same thing stands on '
            "both sides of the because.",
        )
    trigger = change_with_content(toks) or done_wrongly(toks)
    if trigger is not None:
        return trigger_verdict(statement, quoted, toks, trigger)
    trigger = upstream_change(toks)
    if trigger is not None and not gap_at(toks, next_clause(toks, trigger[1])):
        return trigger_verdict(statement, quoted, toks, trigger)
    plain = outage_only(toks) is not None and not gap_at(toks, strict=True)
    if not plain and (gap_at(toks) or standing_condition(toks) or _standing_reason(toks)):
        return None
    if negated_passive(toks) and not (symptom.strip() and restates(words, tokens(symptom))):
        return None
    person = person_at_the_end(toks)
    if person is not None:
        return person_verdict(statement, quoted, toks, person)
    if symptom.strip() and restates(words, tokens(symptom)):
        return Verdict(
            Code.ROOT_CAUSE_RESTATES_SYMPTOM,
            *whole,
            f'The root cause "{quoted}" restates the symptom instead of explaining it.',
        )
    effect = measured(toks)  # "100% CPU on the auth nodes": a reading, whatever its nouns
    trigger = None
    if not effect:
        trigger = trigger_at(toks) or unexpected(toks) or change_event(toks) or caused_by(toks)
    if trigger is not None:
        return trigger_verdict(statement, quoted, toks, trigger)
    effect = effect or effect_at(toks)
    if effect is not None:
        return Verdict(
            Code.ROOT_CAUSE_IS_SYMPTOM,
            *whole,
            f'The root cause "{quoted}" describes what was observed ("{squash(effect.text)}"), '
            "not why it happened.",
        )
    return None
