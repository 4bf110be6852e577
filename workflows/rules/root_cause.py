"""Root cause or symptom: is a root-cause statement a condition of the system someone can change?

A symptom is what was observed ("the payment system crashed"); a root cause is a condition of the
system that can be changed ("our deployment checklist does not require production-sized test
data"). A statement is flagged (``kind="symptom"``) when it

* describes an observable effect or outage (crashed, returned 5xx, timed out, users could not…),
* restates the symptom it is meant to explain,
* stops at a proximate trigger ("a buggy job", "a bad deploy", "the config push"), or
* stops at a person ("the DBA didn't check the replica", "human error"),

unless it names a gap in a process, tool, test, limit, documentation, role or environment ("has
no", "does not require", "is not documented", "allows", "relies on", "untested", "no owner"). The
hint is always the same question: ask why once more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workflows.codes import Code
from workflows.review import Finding
from workflows.rules.blameless import lint_text
from workflows.rules.lexicon import classes, read_json
from workflows.rules.people import C as PEOPLE
from workflows.rules.text import Token, has, split, squash

C = classes(read_json("root_cause.json"))

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
_NEG_FOR_GAP = frozenset(
    {
        "not",
        "never",
        "doesn't",
        "don't",
        "isn't",
        "aren't",
        "hasn't",
        "haven't",
        "didn't",
        "wasn't",
        "weren't",
        "cannot",
        "can't",
        "won't",
        "doesnt",
        "dont",
        "isnt",
        "arent",
        "hasnt",
        "havent",
        "didnt",
        "wasnt",
        "werent",
        "cant",
        "wont",
        "nobody",
        "no-one",
    }
)
_ABSENCE = frozenset(
    {"no", "without", "lack", "lacks", "lacking", "missing", "absent", "absence", "none", "nothing"}
)
_DESIGN = frozenset(
    {
        "allow",
        "let",
        "permit",
        "accept",
        "default",
        "rely",
        "depend",
        "assume",
        "share",
        "treat",
        "hardcode",
        "hard-code",
        "hard-coded",
        "hardcoded",
        "only",
        "single",
        "manual",
        "manually",
        "too",
        "same",
        "static",
        "unbounded",
        "unlimited",
        "uncapped",
        "undocumented",
        "untested",
        "unmonitored",
        "unowned",
        "unclear",
        "unspecified",
        "undefined",
        "unvalidated",
        "unchecked",
        "unversioned",
        "unpinned",
        "unenforced",
        "unreviewed",
        "unalerted",
        "outdated",
        "out-of-date",
        "stale",
        "obsolete",
        "implicit",
        "ambiguous",
        "insufficient",
        "inadequate",
        "incomplete",
        "inconsistent",
        "gap",
        "gaps",
        "spof",
        "single-point",
        "require",
        "need",
        "expect",
        "trust",
        "couple",
        "bundle",
        "ownership",
        "unaware",
        "nobody",
        "mismatch",
        "mismatched",
        "differ",
        "diverge",
    }
)
_COULD = frozenset({"could", "couldn't", "couldnt", "unable", "cannot", "can't", "cant"})


@dataclass(slots=True)
class _Verdict:
    code: Code
    start: int
    end: int
    message: str


def lint_root_cause(
    statement: str,
    symptom: str | None = None,
    responders: Sequence[str] = (),
    field: str | None = None,
) -> list[Finding]:
    """A ``symptom`` finding when the root-cause statement is not a changeable condition.

    Args:
        statement: The root cause as written.
        symptom: The chain's symptom, to tell a restatement of it.
        responders: Names of the people involved (a named person is a person, not a cause).
        field: Where the statement lives in the review, copied onto the finding.
    """
    if not statement or not statement.strip():
        return []
    verdict = _judge(statement, symptom or "", responders)
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


def _tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for sent in split(text):
        out.extend(sent.tokens)
    return out


def _judge(statement: str, symptom: str, responders: Sequence[str]) -> _Verdict | None:
    toks = _tokens(statement)
    words = [t for t in toks if t.word]
    if not words:
        return None
    whole = (words[0].start, words[-1].end)
    quoted = squash(statement)
    blame = [f for f in lint_text(statement, responders) if f.code in _PERSON_CODES]
    if blame:
        f = blame[0]
        return _Verdict(
            Code.ROOT_CAUSE_STOPS_AT_PERSON,
            f.start,
            f.end,
            f'The root cause "{quoted}" stops at a person ("{squash(f.text)}"), not at the '
            "condition that made the action possible or likely.",
        )
    if _gap(toks):
        return None
    if symptom.strip() and _restates(words, _tokens(symptom)):
        return _Verdict(
            Code.ROOT_CAUSE_RESTATES_SYMPTOM,
            *whole,
            f'The root cause "{quoted}" restates the symptom instead of explaining it.',
        )
    trigger = _trigger(toks)
    if trigger is not None:
        i, j = trigger
        return _Verdict(
            Code.ROOT_CAUSE_PROXIMATE_TRIGGER,
            toks[i].start,
            toks[j].end,
            f'The root cause "{quoted}" stops at the trigger ("{squash(statement[toks[i].start : toks[j].end])}"), '
            "not at the condition that let it do harm.",
        )
    effect = _effect(toks)
    if effect is not None:
        return _Verdict(
            Code.ROOT_CAUSE_IS_SYMPTOM,
            *whole,
            f'The root cause "{quoted}" describes what was observed ("{squash(effect.text)}"), '
            "not why it happened.",
        )
    return None


def _gap(toks: Sequence[Token]) -> bool:
    """Evidence of a changeable condition: an absence, a missing check, a design choice."""
    n = len(toks)
    for i, t in enumerate(toks):
        if not t.word:
            continue
        if (
            t.low in ("out", "end")
            and i + 2 < n
            and toks[i + 1].low == "of"
            and toks[i + 2].low in ("date", "life", "support")
        ):
            return True  # "out of date", "end of life"
        if t.low in _ABSENCE:
            # "no alert for", "without validating", "lack of tests" — not "no longer".
            if i + 1 < n and toks[i + 1].low in ("longer", "one", "more"):
                if toks[i + 1].low == "one" and i + 2 < n and has(toks[i + 2], C["gap_verbs"]):
                    return True  # "no one owns"
                continue
            return True
        if t.low in _NEG_FOR_GAP:
            if i > 0 and toks[i - 1].low in _COULD:
                continue
            if i + 1 < n and toks[i + 1].low in C["negated_effects"]:
                continue  # "emails were not delivered": an effect, not a missing safeguard
            for k in range(i + 1, min(n, i + 4)):
                if has(toks[k], C["gap_verbs"]) or has(toks[k], C["system_nouns"]):
                    return True
        if has(t, _DESIGN):
            if t.low in ("only", "single", "same", "too") and not _design_context(toks, i):
                continue
            return True
    return False


def _design_context(toks: Sequence[Token], i: int) -> bool:
    """ "only checks", "a single replica", "the same credentials", "too low": a design choice."""
    n = len(toks)
    nxt = toks[i + 1] if i + 1 < n else None
    if nxt is None or not nxt.word:
        return False
    if toks[i].low == "too":
        return nxt.low in (
            "low",
            "high",
            "short",
            "long",
            "small",
            "large",
            "few",
            "many",
            "tight",
            "loose",
            "aggressive",
            "permissive",
            "broad",
            "narrow",
        )
    return True


def _restates(words: Sequence[Token], symptom: Sequence[Token]) -> bool:
    content = [t for t in words if t.low not in PEOPLE["np_stop"] and len(t.low) > 2]
    if not content:
        return False
    lemmas: set[str] = set()
    for t in symptom:
        if t.word:
            lemmas |= t.lem
    shared = sum(1 for t in content if not t.lem.isdisjoint(lemmas))
    return shared / len(content) >= 0.6


def _trigger(toks: Sequence[Token]) -> tuple[int, int] | None:
    """The proximate trigger the statement stops at: "a buggy job", "the config push"."""
    words = [t for t in toks if t.word]
    # The subject phrase: the words before the first verb-like word.
    subject_end = len(toks) - 1
    for i, t in enumerate(toks):
        if (
            t.word
            and i > 0
            and (
                t.low
                in (
                    "was",
                    "were",
                    "is",
                    "are",
                    "had",
                    "has",
                    "caused",
                    "triggered",
                    "introduced",
                    "broke",
                    "took",
                    "led",
                    "resulted",
                    "started",
                    "made",
                    "brought",
                    "knocked",
                    "deleted",
                    "dropped",
                    "filled",
                    "overloaded",
                    "exhausted",
                    "corrupted",
                    "crashed",
                    "failed",
                    "hit",
                    "pushed",
                )
                or (t.low.endswith("ed") and has(t, C["effect_verbs"]))
            )
        ):
            subject_end = i - 1
            break
        if not t.word and t.text in (",", ";", ":"):
            subject_end = i - 1
            break
    subject = [t for t in toks[: subject_end + 1] if t.word]
    if not subject or len(subject) > 8:
        return None
    heads = [t for t in subject if has(t, C["trigger_nouns"])]
    if not heads:
        return None
    bad = any(has(t, C["bad"]) for t in subject)
    verbless = subject_end >= len(toks) - 2 or len(words) == len(subject)
    if bad or verbless or subject_end < len(toks) - 1:
        first = subject[0]
        last = subject[-1]
        return first.index, last.index
    return None


def _effect(toks: Sequence[Token]) -> Token | None:
    """The word that reports an observed effect: "crashed", "timed out", "were not delivered"."""
    for k, t in enumerate(toks):
        if t.word and has(t, C["effect_verbs"]):
            return t
        if k > 0 and t.low in C["negated_effects"] and toks[k - 1].low in _NEG_FOR_GAP:
            return t
    return None
