"""A root cause that is only a symptom: an observable effect, a restated symptom, the unexpected
thing that was seen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workflows.rules.cause.gap import too_many_of_a_load, used_up
from workflows.rules.cause.words import NEG_FOR_GAP, C
from workflows.rules.names import C as PEOPLE
from workflows.rules.text import Token, has

__all__ = [
    "circular",
    "effect_at",
    "log_line",
    "measured",
    "next_clause",
    "outage_only",
    "restates",
    "unexpected",
]


def next_clause(toks: Sequence[Token], k: int) -> int:
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


def unexpected(toks: Sequence[Token]) -> tuple[int, int] | None:
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


_LINKS = frozenset({"because", "since", "as"})


def circular(words: Sequence[Token]) -> bool:
    """A "because" that names the same thing on both sides: "The data was stale because the
    data was not refreshed", "the nightly job failed, which is why the nightly job's output was
    missing". The subject before the link comes back right after it."""
    for k, t in enumerate(words[1:], start=1):
        link_end = None
        if t.low in _LINKS:
            link_end = k
        elif t.low == "why" and k > 1 and words[k - 1].low == "is":
            link_end = k  # "which is why", "that is why"
        if link_end is None:
            continue
        before = [x.lem for x in words[:k] if x.low not in PEOPLE["np_stop"]][:2]
        after = [x.lem for x in words[link_end + 1 :] if x.low not in PEOPLE["np_stop"]][:2]
        if (
            len(before) == 2
            and len(after) == 2
            and all(not b.isdisjoint(a) for b, a in zip(before, after, strict=True))
        ):
            return True
    return False


def restates(words: Sequence[Token], symptom: Sequence[Token]) -> bool:
    if circular(words):
        return True
    content = [t for t in words if t.low not in PEOPLE["np_stop"] and len(t.low) > 2]
    if not content:
        return False
    lemmas: set[str] = set()
    for t in symptom:
        if t.word:
            lemmas |= t.lem
    shared = sum(1 for t in content if not t.lem.isdisjoint(lemmas))
    return shared / len(content) >= 0.6


_METRICS = _RESOURCES | frozenset(
    {"lag", "cpu", "latency", "queue", "depth", "backlog", "errors", "timeouts", "gc", "pause"}
)


def measured(toks: Sequence[Token]) -> Token | None:
    """A verbless statement that reports a measurement: "Replication lag of 20 minutes on the
    orders replica", "100% CPU on the auth nodes"."""
    words = [t for t in toks if t.word]
    if not words or len(words) > 12:
        return None
    if any(
        t.low in ("is", "are", "was", "were", "has", "have", "had", "does", "did")
        or (t.low.endswith("ed") and len(t.low) > 4)
        or has(t, C["gap_words"])
        for t in words
    ):
        return None
    metric = next((t for t in words if t.low in _METRICS), None)
    if metric is None or not any(t.digit for t in words):
        return None
    return metric


#: Effect words that are also adjectives of a thing.
_STATES = frozenset(
    {"empty", "blank", "wrong", "incorrect", "stale", "full", "cold", "broken", "late"}
    | {"duplicate", "inconsistent", "unhealthy"}
)


def _main_clause_end(toks: Sequence[Token]) -> int:
    """Where a relative clause after a comma starts ("…built around averages, which hid the
    latency increase"): what the statement's own clause says is read, not what it went on to
    cause."""
    for k in range(2, len(toks) - 1):
        if toks[k].text == "," and toks[k + 1].low == "which":
            main = toks[:k]
            if any(t.low in _FINITE or t.low in C["past_markers"] for t in main):
                return k
            return len(toks)  # "The zones eu-west-2a, which contain our nodes, had an outage"
    return len(toks)


_FINITE = frozenset({"was", "were", "is", "are", "has", "had", "have", "does", "did"})


def effect_at(toks: Sequence[Token]) -> Token | None:
    """The word that reports an observed effect: "crashed", "timed out", "were not delivered"."""
    metric = measured(toks)
    if metric is not None:
        return metric
    words = [t for t in toks if t.word]
    if (
        len(words) > 2
        and words[0].low in ("this", "that", "it", "which")
        and words[1].low in ("caused", "triggered", "produced", "created", "started")
    ):
        return words[1]  # "This caused a cache stampede…": what followed, with its cause left out
    for k, t in enumerate(toks[: _main_clause_end(toks)]):
        if t.word and has(t, C["effect_verbs"]):
            if t.low in _STATES and k > 0 and toks[k - 1].low in ("a", "an"):
                continue  # "ran against an empty database": a thing described, not an effect
            if t.low in ("run", "ran", "running") and (
                k + 1 >= len(toks) or toks[k + 1].low != "out"
            ):
                continue  # "the suite ran against…": to run is no effect, to run out is
            return t
        if (
            t.low in _DESTROYED
            and k > 0
            and toks[k - 1].low in ("was", "were", "got")
            and not any(x.low == "by" for x in toks[k + 1 : k + 3])
        ):
            return t  # "the namespaces managed by Crossplane were deleted": data lost, no agent
        if _error_name(t) or _bound(t):
            return t  # "OutOfOrderSequenceError emitted in the broker logs", "was CPU-bound"
        if used_up(toks, k) or too_many_of_a_load(toks, k):
            return t  # "The lack of disk space prevented logging", "Too many connections"
        if (
            t.low in ("fell", "falls", "fall", "falling")
            and k + 1 < len(toks)
            and toks[k + 1].low in ("over", "behind", "apart", "through", "flat")
        ):
            return t  # "the database fell over", "the scheduler fell behind"
        if (
            t.text == "%"
            and k > 0
            and toks[k - 1].digit
            and any(x.low in _METRICS for x in toks[max(0, k - 10) : k + 3])
        ):
            return t  # "the shard's CPU was pinned at 100%": a reading of a resource
        if t.low in ("high", "excessive", "huge", "large", "heavy", "increased") and any(
            x.low in _RESOURCES for x in toks[k + 1 : k + 4]
        ):
            return t  # "a pod using a high amount of memory"
        if t.low in C["negated_effects"] and (
            (k > 0 and toks[k - 1].low in NEG_FOR_GAP)
            or (k > 1 and toks[k - 1].low in ("being", "been") and toks[k - 2].low in NEG_FOR_GAP)
        ):
            return t  # "did not run on time", "were not being sent"
    return None


#: A program's name for an error, as logs print it: "OutOfOrderSequenceError",
#: "java.lang.OutOfMemoryError", "TimeoutException", "ECONNRESET", "ETIMEDOUT".
_ERROR_NAME = re.compile(
    r"^(?:[\w.]*[a-z][\w.]*(?:Error|Exception|Timeout|Panic|Fault)|E[A-Z]{4,}|SIG[A-Z]{3,})$"
)


def _error_name(t: Token) -> bool:
    """Whether the token is an error's name as a program prints it (see :data:`_ERROR_NAME`)."""
    return t.text[:1].isalpha() and _ERROR_NAME.match(t.text) is not None


#: What became of data that an outage destroyed, in an agentless passive.
_DESTROYED = frozenset(
    {"deleted", "wiped", "erased", "purged", "truncated", "overwritten", "destroyed", "removed"}
)


#: Levels a program prints before its own words: "FATAL: no more connections allowed".
_LOG_LEVELS = frozenset({"FATAL", "ERROR", "PANIC", "CRITICAL", "SEVERE", "EMERG", "ERR", "CRIT"})


def log_line(toks: Sequence[Token]) -> Token | None:
    """A pasted log line offered as the cause ("FATAL: no more connections allowed
    (max_client_conn)", "ERROR: could not serialize access"): what the program reported, an
    observed effect, whatever words of limits it contains. The level comes first, upper case,
    followed by a colon."""
    if len(toks) > 2 and toks[0].text in _LOG_LEVELS and toks[1].text == ":":
        return toks[0]
    return None


#: "CPU-bound", "IO-bound", "memory-bound": a resource the work was stuck on.
_BOUND = frozenset({"cpu-bound", "io-bound", "i/o-bound", "memory-bound", "disk-bound"})


def _bound(t: Token) -> bool:
    return t.low in _BOUND


#: Links to a reason or a purpose: a statement with one goes on past what was seen.
_REASONS = frozenset({"because", "since", "due", "therefore", "hence", "given", "whereas"})


#: States an outage leaves a system in, after a copula ("was down", "became unavailable").
_DOWN = frozenset(
    {"down", "offline", "unavailable", "unreachable", "unresponsive", "read-only", "affected"}
)


def outage_only(toks: Sequence[Token]) -> Token | None:
    """The verb of an outage that is the statement's own main clause, with no reason given: "The
    site went down with no errors in the logs", "All pods restarted at the same time and the
    service was unavailable", "The shared cache cluster ran out of memory". Such a statement is
    read as what was observed even though words of gaps ("only", "same", "shared", "no",
    "without") sit in its description; the caller still asks the strong marks of a gap."""
    if any(t.low in _REASONS for t in toks):
        return None
    if any(t.low == "as" and k and toks[k - 1].text == "," for k, t in enumerate(toks)):
        return None
    main = toks[: _main_clause_end(toks)]
    for k, t in enumerate(main):
        if not t.word or not has(t, C["effect_verbs"]):
            continue
        if k == 0 or any(has(x, C["safeguards"]) for x in main[:k]):
            return None  # "Failed jobs are retried…", "the synthetic checks only hit…": said of
            # a safeguard or by an adjective, the statement is about the set-up
        before = main[k - 1].low
        if before in ("is", "are", "be", "been"):
            return None  # "the app is down", "are retried": the present is a condition
        if t.low in _STATES and before in ("a", "an"):
            continue
        if t.low in ("run", "ran", "running") and (k + 1 >= len(main) or main[k + 1].low != "out"):
            continue
        if t.low in _DOWN and before in ("was", "were", "went", "became", "got"):
            return t
        if t.low.endswith("ed") and len(t.low) > 4 and before not in _DETERMINERS:
            return t
        if t.low in C["past_markers"] and t.low not in ("was", "were", "did"):
            return t
    return None


_DETERMINERS = frozenset({"the", "a", "an", "our", "its", "their", "this", "that"})
