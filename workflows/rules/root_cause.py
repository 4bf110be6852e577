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
from dataclasses import dataclass

from workflows.codes import Code
from workflows.review import Finding
from workflows.rules.blameless import lint_text
from workflows.rules.lexicon import classes, read_json
from workflows.rules.people import FIRST_NAMES as _FIRST_NAMES
from workflows.rules.people import ORDINARY_NAMES as _ORDINARY
from workflows.rules.people import C as PEOPLE
from workflows.rules.text import Token, has, split, squash

__all__ = ["WHY_ONCE_MORE", "lint_root_cause"]

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
_DESIGN = C["design_words"]
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
    """The verdict on one statement, reading it the way a facilitator would.

    In order: an omission with no subject stops at a person; a blaming phrase in the part that
    explains stops at a person; an unnamed bad thing as the subject stops at the trigger; a gap
    (an absence, a limit, a design choice) or a standing condition stated in the present tense
    ("the runbook says to restart the primary") is a root cause; then a person's act, a
    restatement of the symptom, a trigger and an observed effect are symptoms, in that order.
    """
    every = _tokens(statement)
    toks = _explanation(every)
    words = [t for t in toks if t.word]
    if not words:
        return None
    whole = (words[0].start, words[-1].end)
    quoted = squash(statement)
    person = _bare_omission(every)
    if person is not None:
        return _person_verdict(statement, quoted, every, person)
    end = toks[-1].end
    blame = [
        f for f in lint_text(statement, responders) if f.code in _PERSON_CODES and f.start < end
    ]
    if blame:
        f = blame[0]
        return _Verdict(
            Code.ROOT_CAUSE_STOPS_AT_PERSON,
            f.start,
            f.end,
            f'The root cause "{quoted}" stops at a person ("{squash(f.text)}"), not at the '
            "condition that made the action possible or likely.",
        )
    trigger = _indefinite_trigger(toks)
    if trigger is not None and not _gap(toks, _next_clause(toks, trigger[1])):
        return _trigger_verdict(statement, quoted, toks, trigger)
    if _gap(toks) or _standing_condition(toks):
        return None
    if _negated_passive(toks) and not (symptom.strip() and _restates(words, _tokens(symptom))):
        return None
    person = _person_at_the_end(toks)
    if person is not None:
        return _person_verdict(statement, quoted, toks, person)
    if symptom.strip() and _restates(words, _tokens(symptom)):
        return _Verdict(
            Code.ROOT_CAUSE_RESTATES_SYMPTOM,
            *whole,
            f'The root cause "{quoted}" restates the symptom instead of explaining it.',
        )
    trigger = _trigger(toks) or _unexpected(toks)
    if trigger is not None:
        return _trigger_verdict(statement, quoted, toks, trigger)
    effect = _effect(toks)
    if effect is not None:
        return _Verdict(
            Code.ROOT_CAUSE_IS_SYMPTOM,
            *whole,
            f'The root cause "{quoted}" describes what was observed ("{squash(effect.text)}"), '
            "not why it happened.",
        )
    return None


def _negated_passive(toks: Sequence[Token]) -> bool:
    """A step that was not taken, said of a thing: "the release was not qualified as
    thoroughly as before", "the change was never reviewed" (not an effect that failed to happen:
    "the emails were not delivered")."""
    for k in range(len(toks) - 2):
        if (
            toks[k].low in ("was", "were", "is", "are", "been")
            and toks[k + 1].low in ("not", "never")
            and toks[k + 2].low.endswith(("ed", "en"))
            and not has(toks[k + 2], C["negated_effects"])
            and not has(toks[k + 2], C["effect_verbs"])
        ):
            return True
    return False


def _standing_condition(toks: Sequence[Token]) -> bool:
    """A condition stated as how things are, in the present tense, about no person: "the runbook
    says to restart the primary", "canary hosts run on newer kernels", "releases go out on
    Friday afternoons". An outage in the present ("the API is down") is no condition."""
    words = [t for t in toks if t.word]
    if words and (words[0].low in C["past_markers"] or words[0].low.endswith("ed")):
        return False  # "Occurred immediately following an upgrade"
    for idx, t in enumerate(words[1:12], start=1):
        if t.low in C["past_markers"] or (t.low.endswith("ed") and has(t, C["effect_verbs"])):
            return False
        if t.low.endswith("ed") and len(t.low) > 4 and idx <= 4:
            return False  # "this PR executed…": a past event, whatever follows
        aux = t.low in C["present_aux"]
        if not aux and t.low not in _PRESENT_FORMS:
            continue
        before = words[idx - 1]
        if before.low in ("which", "that", "who", "where"):
            continue  # "…, which contain some of our nodes": a relative clause's verb
        if not aux and (before.low in ("to", "the", "a", "an") or before.poss):
            continue  # "to run", "the run": no verb of the subject
        if has(before, PEOPLE["person_nouns"]) and before.low not in ("nobody", "no-one"):
            return False  # "the on-call restarts…": people's acts are not conditions
        return not (aux and any(has(x, C["effect_verbs"]) for x in words[idx + 1 : idx + 3]))
    return False


def _person_verdict(
    statement: str, quoted: str, toks: Sequence[Token], span: tuple[int, int]
) -> _Verdict:
    start, end = toks[span[0]].start, toks[span[1]].end
    return _Verdict(
        Code.ROOT_CAUSE_STOPS_AT_PERSON,
        start,
        end,
        f'The root cause "{quoted}" stops at a person ("{squash(statement[start:end])}"), not at '
        "the condition that made their action possible or likely.",
    )


def _bare_omission(toks: Sequence[Token]) -> tuple[int, int] | None:
    """A statement that is an omission with no subject ("Did not disable the pipeline despite
    the risk"), nobody's past omission ("Nobody read the deprecation notice") or a lack of
    awareness ("Without fully aware of the cluster context, …"): whatever gap the rest
    mentions, the statement ends at a person."""
    words = [(k, t) for k, t in enumerate(toks) if t.word]
    if not words:
        return None
    k0, first = words[0]
    if first.low in ("occurred", "happened", "started", "began", "appeared") and len(words) > 1:
        return None  # a statement of when, not of who: see _unexpected
    if first.low in (
        "did",
        "didn't",
        "didnt",
        "forgot",
        "failed",
        "neglected",
        "skipped",
        "ignored",
        "missed",
        "overlooked",
    ) and (first.low != "did" or (len(words) > 1 and words[1][1].low == "not")):
        return k0, words[min(2, len(words) - 1)][0]
    if first.low in ("nobody", "noone", "no-one") and len(words) > 1:
        verb = words[1][1]
        if verb.low.endswith("ed") or verb.low in (
            "read",
            "saw",
            "knew",
            "thought",
            "took",
            "ran",
            "caught",
            "told",
            "heard",
        ):
            return k0, words[1][0]
    for idx, (k, t) in enumerate(words[:8]):
        if (
            t.low in ("experience", "knowledge", "skill", "skills", "training", "attention", "care")
            and idx + 2 < len(words)
            and words[idx + 1][1].low in ("of", "by", "from")
            and any(has(x, PEOPLE["person_nouns"]) for _, x in words[idx + 2 : idx + 6])
        ):
            return k, words[min(idx + 5, len(words) - 1)][0]  # "experience of the new member"
        if (
            t.low in ("aware", "realising", "realizing", "knowing", "noticing")
            and idx > 0
            and (words[idx - 1][1].low in ("without", "unaware", "not", "fully", "being"))
        ):
            return words[max(0, idx - 2)][0], k
    return None


def _next_clause(toks: Sequence[Token], k: int) -> int:
    """Where the clause after token ``k`` starts ("…, and we have no method of preventing it")."""
    for j in range(k + 1, len(toks)):
        t = toks[j]
        if (
            t.low in ("and", "but", "while", "whereas")
            and j + 1 < len(toks)
            and (toks[j + 1].low in ("we", "there", "our", "nobody", "no", "the", "it", "they"))
        ):
            return j + 1
        if t.text in (";", ".") or t.low in ("because", "since"):
            return j + 1
    return len(toks)


def _unexpected(toks: Sequence[Token]) -> tuple[int, int] | None:
    """ "Kubernetes pipeline unexpectedly triggered", "the job accidentally ran twice", and a
    statement that only says when it happened: "Occurred immediately following an upgrade"."""
    words = [(k, t) for k, t in enumerate(toks) if t.word]
    if words and words[0][1].low in ("occurred", "happened", "started", "began", "appeared"):
        return words[0][0], words[min(4, len(words) - 1)][0]
    for k, t in enumerate(toks):
        if t.low in _UNEXPECTED:
            end = k + 1 if k + 1 < len(toks) and toks[k + 1].word else k
            return 0, end
    return None


#: Verbs whose present tense states how a system is set up: the lexicon's present verbs, and
#: the third person of the verbs of gaps ("our alerting fires on error counts", "the load test
#: stops at 2x", "functional tests store data under /tmp") less those whose present is itself
#: an outage ("the job fails"). Bare forms of gap verbs are too often nouns ("the 2.3.1 release").
_STANDING_VERBS = (C["gap_verbs"] | {"fire", "stop", "store", "route"}) - {
    "fail",
    "fall",
    "expire",
    "restart",
    "recover",
    "reset",
    "block",
    "hold",
    "wait",
    "retry",
}
_PRESENT_FORMS = frozenset(
    [form for base in C["present_verbs"] for form in (base, base + "s", base + "es")]
    + [form for base in _STANDING_VERBS for form in (base + "s", base + "es")]
    + ["store", "route"]
)
_UNEXPECTED = frozenset(
    {
        "unexpectedly",
        "accidentally",
        "unintentionally",
        "inadvertently",
        "mistakenly",
        "spuriously",
        "erroneously",
    }
)
_RESOURCES = frozenset(
    {
        "memory",
        "cpu",
        "load",
        "traffic",
        "usage",
        "disk",
        "bandwidth",
        "connections",
        "latency",
        "requests",
        "io",
        "i/o",
    }
)


def _trigger_verdict(
    statement: str, quoted: str, toks: Sequence[Token], span: tuple[int, int]
) -> _Verdict:
    start, end = toks[span[0]].start, toks[span[1]].end
    return _Verdict(
        Code.ROOT_CAUSE_PROXIMATE_TRIGGER,
        start,
        end,
        f'The root cause "{quoted}" stops at the trigger ("{squash(statement[start:end])}"), '
        "not at the condition that let it do harm.",
    )


def _explanation(toks: list[Token]) -> list[Token]:
    """The part of a statement that explains: without a lead-in ("The root cause was…", "As a
    result,", "The team identified that…") and without the consequences it goes on to list
    ("…, causing some health check failures", "which leads to a loss of data")."""
    start = 0
    n = len(toks)
    lowered = [t.low for t in toks]
    # "The root cause was (determined to be)", "Root cause:", "As a result,", "However,"
    for k in range(min(n, 8)):
        if lowered[k] in ("cause", "reason") and k + 1 < n and toks[k + 1].text == ":":
            start = k + 2
        elif lowered[k] in ("cause", "reason") and k + 1 < n and lowered[k + 1] in ("was", "is"):
            start = k + 2
            while start < n and lowered[start] in ("determined", "found", "thought", "to", "be"):
                start += 1
        elif (
            lowered[k]
            in ("identified", "found", "discovered", "noticed", "realised", "realized", "learned")
            and k + 1 < n
            and lowered[k + 1] == "that"
        ):
            start = k + 2
    if start == 0:
        k = 0
        while k < n and (toks[k].low in C["discourse"] or toks[k].text == ","):
            k += 1
        if (
            k + 2 < n
            and lowered[k] == "as"
            and lowered[k + 1] == "a"
            and lowered[k + 2] == "result"
        ):
            k += 3
        while k < n and toks[k].text == ",":
            k += 1
        start = k
    end = n
    for k in range(start + 1, n):
        t = toks[k]
        if (
            t.low in ("causing", "leading", "resulting", "triggering", "meaning")
            or (t.low in ("which", "and", "that") and k + 1 < n and has(toks[k + 1], _CONSEQUENCE))
            or (t.text == "," and k + 1 < n and toks[k + 1].low in ("causing", "so", "leading"))
        ):
            end = k
            break
        if (
            t.low in ("can", "could", "would", "will")
            and k + 1 < n
            and has(toks[k + 1], frozenset({"cause", "lead", "result", "trigger"}))
        ):
            end = k
            break
    return toks[start:end] if end > start else toks


_CONSEQUENCE = frozenset(
    {
        "lead",
        "leads",
        "led",
        "cause",
        "causes",
        "caused",
        "result",
        "results",
        "resulted",
        "mean",
        "means",
        "meant",
        "trigger",
        "triggers",
    }
)


def _indefinite_trigger(toks: Sequence[Token]) -> tuple[int, int] | None:
    """A statement whose subject is an unnamed bad thing: "A misconfiguration didn't allow…",
    "a bug in the retry logic…", "a malicious message…", "caused by that bug", "due to a bug in
    the mempool". Whatever such a thing did or failed to do, the statement stops at it."""
    words = [(k, t) for k, t in enumerate(toks) if t.word]
    if not words:
        return None
    k0, first = words[0]
    if first.low in ("a", "an", "some") and len(words) > 1:
        for idx, (k, t) in enumerate(words[1:4], start=1):
            if has(t, C["bad"]) or t.low in _BUGS:
                end = k
                for k2, t2 in words[idx + 1 : idx + 4]:  # "a bad config change"
                    if t2.low in _STOP_NOUN or has(t2, C["effect_verbs"]):
                        break
                    end = k2
                return k0, end
            if not t.low.isalpha():
                break
    for idx, (k, t) in enumerate(words):
        if (
            t.low in ("by", "to", "of")
            and idx + 2 < len(words)
            and words[idx + 1][1].low in ("a", "an", "that", "this", "the")
            and words[idx + 2][1].low in _BUGS
            and (t.low == "by" or (idx > 0 and words[idx - 1][1].low in ("due", "because")))
        ):
            return k, words[idx + 2][0]
        if t.low in ("contained", "contains", "had", "has", "introduced") and idx + 2 < len(words):
            nxt = words[idx + 1][1]
            target = words[idx + 2][1] if nxt.low in ("a", "an") else nxt
            if target.low in _BUGS:
                return k, words[idx + 2][0] if nxt.low in ("a", "an") else words[idx + 1][0]
    return None


_STOP_NOUN = frozenset(
    {
        "in",
        "of",
        "on",
        "for",
        "to",
        "from",
        "with",
        "was",
        "were",
        "is",
        "are",
        "did",
        "didn't",
        "has",
        "had",
        "can",
        "could",
        "which",
        "that",
        "and",
    }
)


_BUGS = frozenset(
    {
        "bug",
        "bugs",
        "typo",
        "typos",
        "misconfiguration",
        "misconfigurations",
        "glitch",
        "regression",
        "defect",
        "flaw",
        "mistake",
        "error",
        "fault",
    }
)


def _person_at_the_end(toks: Sequence[Token]) -> tuple[int, int] | None:
    """A statement that ends at someone: a person's act as its subject or agent ("It was deemed
    good enough by the developer"), or an omission with no subject ("Did not disable the
    pipeline"), or a lack of awareness ("without being fully aware")."""
    words = [(k, t) for k, t in enumerate(toks) if t.word]
    if not words:
        return None
    k0, first = words[0]
    if len(words) > 1:
        # "oksana approved her own change", "The reviewer approved it without reading it": a
        # person's past act as the whole explanation.
        subject_end = 0
        if first.low in ("the", "a", "an", "our") and len(words) > 2:
            subject_end = 1
        head = words[subject_end][1]
        verb = words[subject_end + 1][1] if subject_end + 1 < len(words) else None
        person = has(head, PEOPLE["person_nouns"]) or (
            head.low in _FIRST_NAMES and head.low not in _ORDINARY
        )
        if person and verb is not None and verb.low.endswith("ed") and len(verb.low) > 4:
            return words[subject_end][0], words[subject_end + 1][0]
    if first.low in (
        "did",
        "didn't",
        "didnt",
        "forgot",
        "failed",
        "neglected",
        "skipped",
        "ignored",
        "missed",
    ):
        return k0, words[min(2, len(words) - 1)][0]
    for idx, (k, t) in enumerate(words):
        if (
            t.low in ("aware", "realising", "realizing", "knowing", "noticing")
            and idx > 0
            and (words[idx - 1][1].low in ("without", "unaware", "not", "fully", "being"))
        ):
            return words[max(0, idx - 2)][0], k
        if t.low == "by" and idx + 1 < len(words):
            nxt = words[idx + 1][1]
            after = words[idx + 2][1] if idx + 2 < len(words) else None
            role = after if nxt.low in ("the", "a", "an", "another", "our") else nxt
            if (
                role is not None
                and (has(role, PEOPLE["person_nouns"]) or role.low in PEOPLE["team_names"])
                and nxt.low not in ("a", "an", "another", "any")
            ):
                return max(0, k - 2), (words[idx + 2][0] if role is after else words[idx + 1][0])
    return None


def _gap(toks: Sequence[Token], start: int = 0) -> bool:
    """Evidence of a changeable condition (from token ``start``): an absence, a missing check, a
    design choice."""
    n = len(toks)
    for i in range(start, n):
        t = toks[i]
        if not t.word:
            continue
        if (
            t.low in ("historical", "historic", "legacy")
            and i + 1 < n
            and toks[i + 1].low
            in (
                "reasons",
                "reason",
                "behaviour",
                "behavior",
                "default",
                "defaults",
                "setting",
                "settings",
                "config",
                "configuration",
                "choice",
                "decision",
                "design",
            )
        ):
            return True  # "run early for historical reasons"
        if (
            t.low in ("out", "end")
            and i + 2 < n
            and toks[i + 1].low == "of"
            and toks[i + 2].low in ("date", "life", "support")
        ):
            return True  # "out of date", "end of life"
        if t.low in _ABSENCE:
            # "no alert for", "without validating", "lack of tests" — not "no longer", not "no
            # operation was running": an absence of a safeguard, a check or a way.
            if i + 1 < n and toks[i + 1].low in ("longer", "one", "more"):
                if toks[i + 1].low == "one" and i + 2 < n and has(toks[i + 2], C["gap_verbs"]):
                    return True  # "no one owns"
                continue
            if t.low == "no" and not any(
                has(x, C["safeguards"]) or has(x, C["system_nouns"]) or has(x, C["gap_verbs"])
                for x in toks[i + 1 : i + 4]
            ):
                continue
            return True
        if (
            t.low == "not"
            and i + 1 < n
            and toks[i + 1].low
            in (
                "for",
                "covered",
                "cover",
                "on",
                "in",
                "part",
                "included",
                "tracked",
                "listed",
                "prioritised",
                "prioritized",
                "scheduled",
                "planned",
                "owned",
                "assigned",
            )
        ):
            return True  # "works for X, however, not for null_resources"
        if (
            t.low in ("1", "one", "a")
            and i + 1 < n
            and toks[i + 1].low in _SINGLE_THINGS
            and (t.low != "a" or (i > 0 and toks[i - 1].low in ("only", "just", "have", "has")))
        ):
            return True  # "have 1 replica", "only a single node"
        if (
            t.low == "at"
            and i + 2 < n
            and toks[i + 1].low in ("once", "a")
            and (toks[i + 1].low == "once" or toks[i + 2].low == "time")
            and i > 0
            and toks[i - 1].low == "all"
        ):
            return True  # "recycled all at once", "all at a time"
        if (
            t.low == "from"
            and i + 3 < n
            and _numeric(toks[i + 1])
            and any(x.low == "to" for x in toks[i + 2 : i + 4])
        ):
            return True  # "reduced from 100Gb to 20Gb": a limit that was set
        if t.low in _NEG_FOR_GAP:
            if i > 0 and toks[i - 1].low in _COULD:
                continue
            nxt = i + 2 if i + 2 < n and toks[i + 1].low in ("being", "been", "getting") else i + 1
            if nxt < n and toks[nxt].low in C["negated_effects"]:
                continue  # "emails were not delivered": an effect, not a missing safeguard
            for k in range(i + 1, min(n, i + 4)):
                if has(toks[k], C["gap_verbs"]) or has(toks[k], C["system_nouns"]):
                    return True
        if has(t, _DESIGN):
            if t.low in ("only", "single", "same", "too") and not _design_context(toks, i):
                continue
            return True
    return False


_SINGLE_THINGS = frozenset(
    {
        "replica",
        "instance",
        "node",
        "server",
        "zone",
        "region",
        "host",
        "copy",
        "pod",
        "person",
        "owner",
        "point",
    }
)


def _numeric(t: Token) -> bool:
    return t.digit


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
            "much",
            "little",
            "noisy",
            "slow",
            "fast",
            "big",
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
                or (t.low.endswith("ed") and (has(t, C["effect_verbs"]) or len(t.low) > 4))
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
        position = {id(t): k for k, t in enumerate(toks)}
        return position[id(subject[0])], position[id(subject[-1])]
    return None


def _effect(toks: Sequence[Token]) -> Token | None:
    """The word that reports an observed effect: "crashed", "timed out", "were not delivered"."""
    for k, t in enumerate(toks):
        if t.word and has(t, C["effect_verbs"]):
            return t
        if t.low in ("high", "excessive", "huge", "large", "heavy", "increased") and any(
            x.low in _RESOURCES for x in toks[k + 1 : k + 4]
        ):
            return t  # "a pod using a high amount of memory"
        if t.low in C["negated_effects"] and (
            (k > 0 and toks[k - 1].low in _NEG_FOR_GAP)
            or (k > 1 and toks[k - 1].low in ("being", "been") and toks[k - 2].low in _NEG_FOR_GAP)
        ):
            return t  # "did not run on time", "were not being sent"
    return None
