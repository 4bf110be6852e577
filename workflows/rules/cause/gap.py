"""A root cause that names a gap or a standing condition of the system: "has no", "does not
require", "is not documented", a present-tense setup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workflows.rules.cause.words import NEG_FOR_GAP, C
from workflows.rules.names import C as PEOPLE
from workflows.rules.text import Token, has

__all__ = [
    "gap_at",
    "negated_passive",
    "present_conditional",
    "silent_alarm",
    "standing_condition",
    "too_many_of_a_load",
    "used_up",
]


_ABSENCE = frozenset(
    {"no", "without", "lack", "lacks", "lacked", "lacking", "missing", "absent", "absence", "none"}
    | {"nothing"}
)


_DESIGN = C["design_words"]


#: A negation in the present, of what a system does: "the pipeline does not run integration
#: tests" is how it is set up, where "the job did not run" is what was seen.
_PRESENT_NEG = frozenset({"doesn't", "doesnt", "don't", "dont"})


_COULD = frozenset({"could", "couldn't", "couldnt", "unable", "cannot", "can't", "cant"})


def negated_passive(toks: Sequence[Token]) -> bool:
    """A step that was not taken, said of a thing: "the release was not qualified as
    thoroughly as before", "the change was never reviewed" (not an effect that failed to happen:
    "the emails were not delivered")."""
    for k in range(len(toks) - 2):
        p = k + 2
        if (
            toks[k].low in ("has", "had", "have")
            and toks[k + 1].low in ("not", "never")
            and toks[p].low == "been"
            and p + 1 < len(toks)
        ):
            p += 1  # "had never been rehearsed"
        elif toks[k].low not in ("was", "were", "is", "are", "been"):
            continue
        if (
            toks[k + 1].low in ("not", "never")
            and toks[p].low.endswith(("ed", "en"))
            and not has(toks[p], C["negated_effects"])
            and not has(toks[p], C["effect_verbs"])
        ):
            return True
    return False


def standing_condition(toks: Sequence[Token]) -> bool:
    """A condition stated as how things are, in the present tense, about no person: "the runbook
    says to restart the primary", "canary hosts run on newer kernels", "releases go out on
    Friday afternoons". An outage in the present ("the API is down") is no condition."""
    words = [t for t in toks if t.word]
    if words and (words[0].low in C["past_markers"] or words[0].low.endswith("ed")):
        return False  # "Occurred immediately following an upgrade"
    for idx, t in enumerate(words[1:12], start=1):
        if t.low in C["past_markers"] or (t.low.endswith("ed") and has(t, C["effect_verbs"])):
            return False
        if (
            t.low.endswith("ed")
            and len(t.low) > 4
            and idx <= 4
            and words[idx - 1].low not in ("the", "a", "an", "our", "their", "its")
        ):
            return False  # "this PR executed…": a past event, whatever follows (not "the
            # shared module": a participle after a determiner is an adjective)
        aux = t.low in C["present_aux"]
        if not aux and t.low not in _PRESENT_FORMS:
            continue
        before = words[idx - 1]
        if before.low in ("which", "that", "who", "where"):
            continue  # "…, which contain some of our nodes": a relative clause's verb
        if not aux and (before.low in ("to", "the", "a", "an") or before.poss):
            continue  # "to run", "the run": no verb of the subject
        if not aux and has(before, C["bad"]):
            continue  # "massive write amplification": an adjective before a noun
        after = words[idx + 1] if idx + 1 < len(words) else None
        if not aux and after is not None and after.low.endswith("ed") and len(after.low) > 4:
            continue  # "terraform apply deleted…", "the nightly run dropped…": a noun
        if not aux and _past_follows(words, idx):
            continue  # "the webhook calls to us timed out": a noun with its verb after it
        if has(before, PEOPLE["person_nouns"]) and before.low not in ("nobody", "no-one"):
            return False  # "the on-call restarts…": people's acts are not conditions
        return not (aux and any(has(x, C["effect_verbs"]) for x in words[idx + 1 : idx + 3]))
    return False


def _past_follows(words: Sequence[Token], idx: int) -> bool:
    """Whether a past verb follows the word at ``idx`` within three words of its clause ("calls
    to us timed out", "pages on the site froze"): that word is then a noun of the subject."""
    for x in words[idx + 1 : idx + 4]:
        if x.low in ("which", "that", "who", "because", "when", "if", "and", "but", "so"):
            return False
        if x.low in C["past_markers"] or (x.low.endswith("ed") and has(x, C["effect_verbs"])):
            return True
    return False


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


def gap_at(toks: Sequence[Token], start: int = 0, *, strict: bool = False) -> bool:
    """Evidence of a changeable condition (from token ``start``): an absence, a missing check, a
    design choice. With ``strict`` (default False), only the marks that name a gap whatever
    else the statement says: not the words that an outage's own description uses too ("only
    the EU region", "at the same time", "the shared cache", "with no errors in the logs",
    "without bound", "no writes were accepted", "nothing was processed")."""
    n = len(toks)
    for i in range(start, n):
        t = toks[i]
        if not t.word:
            continue
        if strict and _incidental(toks, i):
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
        if _failure_to_provide(toks, i):
            return True  # "Failure to provide sufficient collateralization…": a safeguard not there
        if too_many_of_a_load(toks, i):
            continue  # "Too many connections to the database": the load, not a limit set
        if _short_of_what_was_needed(toks, i) or _how_it_works(toks, i):
            return True
        if t.low in _LEFT_OUT and any(x.low in _WATCHERS for x in toks[max(0, i - 4) : i]):
            return True  # "the on-call runbook omitted the drain step": a safeguard left it out
        if _slipped_past(toks, i) or _document_wrong(toks, i):
            return True
        if t.low == "poorly" and i + 1 < n and toks[i + 1].low in _WATCHED:
            return True  # "was poorly detected by our volume based traffic monitoring"
        if t.low in _ABSENCE:
            # "no alert for", "without validating", "lack of tests" — not "no longer", not "no
            # operation was running": an absence of a safeguard, a check or a way.
            if used_up(toks, i):
                continue  # "the lack of disk space prevented logging": a resource used up
            if i + 1 < n and toks[i + 1].low in ("longer", "one", "more"):
                if toks[i + 1].low == "one" and i + 2 < n and has(toks[i + 2], C["gap_verbs"]):
                    return True  # "no one owns"
                continue
            if (
                t.low == "no"
                and not any(
                    has(x, C["safeguards"]) or has(x, C["system_nouns"]) or has(x, C["gap_verbs"])
                    for x in toks[i + 1 : i + 4]
                )
                and not _had_no(toks, i)
            ):
                continue
            return True
        if _set_to_a_value(toks, i) or _possible(toks, i) or _habit(toks, i):
            return True
        if _mismatch(toks, i) or _but_not(toks, i):
            return True
        if t.low in _WEAK and any(has(x, C["safeguards"]) for x in toks[i + 1 : i + 3]):
            return True  # "poor visibility into queue depth", "patchy test coverage"
        if t.low in _BROAD and i + 1 < n and toks[i + 1].low in _RIGHTS:
            return True  # "the bot account had admin rights to every repository"
        if t.low == "by" and i + 1 < n and toks[i + 1].low == "design":  # "overcommitted by design"
            return True
        if t.low == "instead" and i + 1 < n and toks[i + 1].low == "of" and i > 2:
            # "loads the whole file into memory instead of streaming it": a design choice
            return True
        if (
            t.low in ("not", "never")
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
            and not (t.low != "a" and i > 0 and has(toks[i - 1], C["effect_verbs"]))
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
            and not _version_number(toks[i + 1])
            and any(x.low == "to" for x in toks[i + 2 : i + 4])
            and not any(has(x, _VERSION_CHANGES) for x in toks[max(0, i - 8) : i])
        ):
            return True  # "reduced from 100Gb to 20Gb": a limit that was set
        if t.low in NEG_FOR_GAP:
            if i > 0 and toks[i - 1].low in _COULD:
                continue
            nxt = i + 2 if i + 2 < n and toks[i + 1].low in ("being", "been", "getting") else i + 1
            present = t.low in _PRESENT_NEG or (
                t.low == "not" and i > 0 and toks[i - 1].low in ("does", "do")
            )
            if (
                nxt < n
                and toks[nxt].low in C["negated_effects"]
                and not present
                and not _rehearsal(toks, nxt)
            ):
                continue  # "emails were not delivered": an effect, not a missing safeguard
            for k in range(i + 1, min(n, i + 4)):
                if has(toks[k], C["gap_verbs"]) or has(toks[k], C["system_nouns"]):
                    return True
            if (
                nxt + 1 < n
                and toks[nxt].low in ("have", "has", "had", "get", "got")
                and toks[nxt + 1].low in ("enough", "sufficient", "adequate")
            ):
                return True  # "the affected path did not have enough independent redundancy"
            if any(x.low in _WATCHERS for x in toks[max(0, i - 4) : i]):
                return True  # "the alerting did not reflect…": a safeguard that falls short
        if has(t, _DESIGN):
            if t.low in ("only", "single", "same", "too") and not _design_context(toks, i):
                continue
            if has(t, _DESIGN_VERBS) and not _design_verb_use(toks, i):
                continue
            if t.low == "stale" and i + 1 < n and toks[i + 1].low in _SERVED:
                continue  # "caused stale reads": what users got, not an out-of-date document
            if t.low in ("default", "defaults") and _fell_back(toks, i):
                continue  # "the flags fell back to defaults": what happened, not a design
            return True
    return False


#: Safeguards whose shortfall, with any verb, is a gap: "the alerting did not reflect that…",
#: "our tests never exercised the restart path", "the runbook did not mention the flag".
_WATCHERS = frozenset(
    {"alert", "alerts", "alerting", "alarm", "alarms", "monitoring", "monitors", "dashboard"}
    | {"dashboards", "test", "tests", "testing", "checklist", "runbook", "runbooks", "playbook"}
    | {"documentation", "docs", "process", "procedure", "policy", "review", "reviews", "linter"}
    | {"validation", "coverage", "ci", "pipeline", "slo", "slos", "probe", "probes"}
)


#: Past verbs of leaving something out, said of a safeguard ("the runbook omitted the drain
#: step", "the test suite skipped the slow path"): the safeguard's gap.
_LEFT_OUT = frozenset({"omitted", "omits", "skipped", "skips", "ignored", "ignores", "excluded"})
_LEFT_OUT = _LEFT_OUT | {"excludes", "missed", "misses", "overlooked", "overlooks"}


def _slipped_past(toks: Sequence[Token], i: int) -> bool:
    """ "The issue was missed in code review", "was overlooked by our tests": a passive of
    escaping notice whose agent or place is a safeguard (not "missed the deadline")."""
    if toks[i].low not in _LEFT_OUT or i == 0 or toks[i - 1].low not in ("was", "were", "got"):
        return False
    after = toks[i + 1 : i + 5]
    return (
        bool(after)
        and after[0].low in ("in", "by", "during")
        and (any(x.low in _WATCHERS or x.low in ("qa", "staging") for x in after[1:]))
    )


#: What a document is when it misleads: "the runbook's restart order is wrong".
_WRONG_DOC = frozenset({"wrong", "incorrect", "inaccurate", "misleading", "erroneous"})


def _document_wrong(toks: Sequence[Token], i: int) -> bool:
    """ "The runbook's restart order is wrong: it restarts consumers first", "the documented
    limit was incorrect": a safeguard that says the wrong thing is a documentation gap."""
    if toks[i].low not in _WRONG_DOC or i < 2 or toks[i - 1].low not in ("is", "was", "are"):
        return False
    return any(x.low in _WATCHERS for x in toks[:i])


#: Where a negated "run" is a rehearsal that never happened ("the failover script was never run
#: end to end outside production", "has not been run in staging"), not a job that did not run.
_REHEARSED_IN = frozenset(
    {"staging", "outside", "end-to-end", "end", "drill", "drills", "rehearsal", "sandbox"}
    | {"preprod", "pre-production", "qa", "test", "tests", "testing", "practice", "dry-run"}
)


def _rehearsal(toks: Sequence[Token], k: int) -> bool:
    return toks[k].low in ("run", "exercised", "tested", "rehearsed") and any(
        x.low in _REHEARSED_IN for x in toks[k + 1 : k + 6]
    )


#: What "than" compares a setting with when it says the setting fell short of (or went past)
#: what was needed: "a lower SLO than was appropriate", "more retries than necessary".
_ADEQUATE = frozenset(
    {"appropriate", "needed", "necessary", "required", "warranted", "adequate", "sufficient"}
    | {"safe", "intended", "recommended", "advisable", "justified", "prudent", "expected"}
)


def _short_of_what_was_needed(toks: Sequence[Token], i: int) -> bool:
    """ "monitored with a lower SLO than was appropriate for its customer impact", "retried more
    often than necessary": a setting measured against what it should have been is a limit gap."""
    if toks[i].low != "than" or i == 0:
        return False
    k = i + 1
    while k < len(toks) and toks[k].low in ("was", "is", "were", "are", "it", "deemed", "really"):
        k += 1
    return k < len(toks) and toks[k].low in _ADEQUATE


def _how_it_works(toks: Sequence[Token], i: int) -> bool:
    """ "due to ack/nack policies and how our message broker handles acknowledgements", "because
    of the way the client retries": the reason is how a system works, a standing condition."""
    t = toks[i]
    the_way = t.low == "way" and i > 0 and toks[i - 1].low == "the"
    if t.low != "how" and not the_way:
        return False
    before = {x.low for x in toks[max(0, i - 12) : i]}
    if not ({"due", "because", "given"} & before):
        return False
    return any(x.low in _PRESENT_FORMS for x in toks[i + 1 : i + 8])


#: What an outage has too many of ("Too many connections", MySQL's own error, "too many open
#: files"): a load that arrived, not a limit someone set.
_LOAD_NOUNS = frozenset(
    {"connections", "requests", "queries", "files", "errors", "threads", "processes", "calls"}
    | {"messages", "events", "writes", "reads", "jobs", "sessions", "clients", "redirects"}
)


def too_many_of_a_load(toks: Sequence[Token], i: int) -> bool:
    """ "Too many connections to the database", "too many open files": ``toks[i]`` is "too"."""
    if toks[i].low != "too" or i + 1 >= len(toks) or toks[i + 1].low not in ("many", "much"):
        return False
    return any(x.low in _LOAD_NOUNS for x in toks[i + 2 : i + 4])


#: A resource that an outage uses up; "lack of" one of them is what was observed ("the lack of
#: disk space prevented logging"), not a safeguard that was never put in place.
_USED_UP = frozenset(
    {"disk", "space", "memory", "ram", "storage", "inodes", "descriptors", "iops", "bandwidth"}
)


def used_up(toks: Sequence[Token], i: int) -> bool:
    """ "lack of disk space", "lack of free memory": an exhausted resource after lack/absence."""
    if toks[i].low not in ("lack", "absence") or i + 2 >= len(toks) or toks[i + 1].low != "of":
        return False
    return any(x.low in _USED_UP for x in toks[i + 2 : i + 4])


#: Past verbs of a system reverting, in what an outage did: "fell back to defaults".
_FELL_BACK = frozenset({"fell", "reverted", "went", "reset", "dropped", "defaulted"})


def _fell_back(toks: Sequence[Token], i: int) -> bool:
    """ "all affected feature flags reverted to their default states", "fell back to defaults":
    a past reversion is an event; the present "falls back to defaults" stays a design."""
    return any(x.low in _FELL_BACK for x in toks[max(0, i - 5) : i])


#: What a system serves stale when it fails: "stale reads", "stale data".
_SERVED = frozenset(
    {"read", "reads", "data", "results", "values", "responses", "content", "prices", "pages"}
)


#: Design words that are verbs ("the client allows", "relies on", "is shared by"); their nouns
#: and look-alikes are no gap ("a large share of traffic", "the frontend bundle", "the dead
#: letter queue").
_DESIGN_VERBS = frozenset(
    {
        "allow",
        "let",
        "permit",
        "accept",
        "rely",
        "depend",
        "assume",
        "share",
        "treat",
        "require",
        "need",
        "expect",
        "trust",
        "couple",
        "bundle",
        "differ",
        "diverge",
    }
)


def _inflections(base: str) -> set[str]:
    forms = {base, base + "s", base + "es", base + "ed", base + "d", base + "ing"}
    if base.endswith("e"):
        forms |= {base[:-1] + "ing"}
    if base.endswith("y"):
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    if len(base) > 2 and base[-1] not in "aeiouwy" and base[-2] in "aeiou":
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return forms


_DESIGN_VERB_FORMS = frozenset(form for base in _DESIGN_VERBS for form in _inflections(base))


#: Words before a noun: "a share", "the bundle", "its needs".
_DETERMINERS = frozenset(
    {"a", "an", "the", "this", "its", "their", "our", "his", "her", "large", "small", "fair"}
)


#: Verbs after which a design verb reports what stopped working: "stopped accepting writes",
#: "began rejecting", "failed to accept".
_ONSETS = frozenset({"stopped", "ceased", "began", "started", "failed", "unable"})


def _design_verb_use(toks: Sequence[Token], i: int) -> bool:
    """Whether the design verb at ``i`` is used as a verb of the system's set-up: an inflection
    of the verb itself (not "letter" read as "let"), not a noun after a determiner ("a large
    share"), not what stopped working after an onset ("stopped accepting connections")."""
    t = toks[i]
    if t.low not in _DESIGN_VERB_FORMS:
        return False
    prev = [x for x in toks[max(0, i - 2) : i] if x.word]
    if prev and prev[-1].low in _DETERMINERS and not t.low.endswith(("ed", "ing")):
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if t.low in _DESIGN_VERBS and nxt is not None and nxt.low.endswith("ed") and len(nxt.low) > 4:
        return False  # "the frontend bundle failed to load": a noun with its verb after it
    if prev and prev[-1].low == "to" and len(prev) > 1:
        prev = prev[:-1]
    return not (prev and prev[-1].low in _ONSETS)


_WATCHED = frozenset(
    {"detected", "monitored", "documented", "tested", "logged", "alerted", "covered", "owned"}
)


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


#: Words of a version change: "bumped from 2.9 to 2.10", "upgraded from v1.14.1 to v1.16.0"
#: is the change that set the failure off, not a limit someone set.
_VERSION_CHANGES = frozenset(
    {"upgrade", "update", "bump", "downgrade", "version", "release", "patch", "migrate"}
)


def _numeric(t: Token) -> bool:
    """A number that may be a value set ("100Gb", "20"), not a clock time ("18:13")."""
    return t.digit and ":" not in t.text


#: A version as real reports write it: "v0.9.18", "v2", "1.27.3" (two dots); "1.5" or "100Gb"
#: may be a limit, so only these shapes are read as a version.
_VERSION_SHAPE = re.compile(r"^(?:v\d+(?:\.\d+)*|\d+\.\d+\.\d+(?:[.-]\w+)*)$")


def _version_number(t: Token) -> bool:
    """Whether ``t`` is a version number: "from v0.9.17 to v0.9.18" is a version change, whatever
    noun names it (a migration, a node move), not a limit that was set."""
    return bool(_VERSION_SHAPE.match(t.low))


#: What an outage leaves none of: "there were no healthy hosts", "had no free disk".
_RUN_OUT = frozenset(
    {"healthy", "available", "free", "left", "remaining", "response", "responses", "data", "space"}
)


def _had_no(toks: Sequence[Token], i: int) -> bool:
    """ "with no jitter", "has no X", "there was no X": something the system is built without,
    whatever X is (not what an outage leaves none of: "there were no healthy hosts")."""
    if i == 0 or i + 1 >= len(toks) or toks[i + 1].low in _RUN_OUT:
        return False
    before = toks[i - 1].low
    if before in ("with", "has", "have", "had", "having"):
        return True
    return before in ("is", "was", "are", "were") and i > 1 and toks[i - 2].low == "there"


_SET_VERBS = frozenset(
    {"set", "configured", "capped", "limited", "hard-coded", "hardcoded", "fixed", "pinned"}
    | {"sized", "provisioned", "dimensioned"}
)


#: What a "failure to …" leaves out when it names a safeguard, not an outage: "failure to provide
#: sufficient collateral", "failure to validate the input" (not "failure to connect").
_PROVIDING = frozenset(
    {"provide", "implement", "enforce", "validate", "require", "configure", "document", "limit"}
    | {"cap", "test", "pin", "set", "maintain", "define", "specify", "include", "add"}
)


#: What a system "failed to" do when that names a safeguard it lacks ("the pipeline failed to
#: require a canary stage", "the health check failed to detect the dead node"), not an outage
#: ("failed to connect", "failed to start").
_GUARDING = _PROVIDING | frozenset(
    {"check", "verify", "alert", "warn", "notify", "page", "catch", "detect", "flag", "block"}
    | {"gate", "guard", "prevent", "cover", "reject", "monitor", "track", "surface", "escalate"}
    | {"show", "display", "expose", "report", "record", "capture", "mention", "list", "stop"}
)


def _failure_to_provide(toks: Sequence[Token], i: int) -> bool:
    """ "Failure to provide sufficient collateralization to the UST market enabled the exploit":
    a nominal omission that names what was not put in place is an absence, like "lack of"; so is
    a system that "failed to require", "fails to validate" or "failed to detect" something."""
    if i + 2 >= len(toks) or toks[i + 1].low != "to":
        return False
    if toks[i].low in ("failure", "failing"):
        return toks[i + 2].low in _PROVIDING
    return toks[i].low in ("failed", "fails", "fail") and toks[i + 2].low in _GUARDING


def _set_to_a_value(toks: Sequence[Token], i: int) -> bool:
    """ "the alert threshold was set at 95%", "retries are capped to 3": a value someone chose."""
    t = toks[i]
    if t.low not in _SET_VERBS or i == 0 or toks[i - 1].low not in ("was", "were", "is", "are"):
        return False
    after = toks[i + 1 : i + 4]
    if t.low == "pinned" and any(x.text == "%" for x in after):
        return False  # "CPU was pinned at 100%": a reading of a resource, not a value chosen
    return bool(after) and after[0].low in ("at", "to", "for") and any(x.digit for x in after[1:])


def _possible(toks: Sequence[Token], i: int) -> bool:
    """ "It was possible to run the migration from a laptop", "anyone could push": what the
    system allows."""
    t = toks[i]
    if t.low == "possible":
        return (
            i > 0
            and toks[i - 1].low in ("was", "is", "were", "are")
            and (i + 1 < len(toks) and toks[i + 1].low in ("to", "for"))
        )
    return t.low in ("anyone", "anybody") and i + 1 < len(toks) and toks[i + 1].low in _MODALS


_MODALS = frozenset({"can", "could", "may", "might", "was", "is", "with"})


_HABITS = frozenset(
    {"routinely", "often", "frequently", "sometimes", "usually", "regularly", "easily"}
    | {"typically", "commonly", "habitually"}
)


def _habit(toks: Sequence[Token], i: int) -> bool:
    """ "open incidents are easily missed", "chart changes are routinely approved": how things
    go, in the present, is a condition of the process (not "was often timing out")."""
    if toks[i].low not in _HABITS:
        return False
    near = toks[max(0, i - 2) : i + 2]
    return any(x.low in ("is", "are", "can", "do", "does", "get", "gets") for x in near)


_COVERING = frozenset(
    {"cover", "test", "check", "validate", "verify", "monitor", "alert", "document", "handle"}
)


def _but_not(toks: Sequence[Token], i: int) -> bool:
    """ "the tests covered the happy path but not malformed input": a check with a hole."""
    return (
        toks[i].low == "not"
        and i > 0
        and toks[i - 1].low == "but"
        and any(has(x, _COVERING) for x in toks[max(0, i - 8) : i - 1])
    )


_WEAK = frozenset({"poor", "weak", "little", "minimal", "patchy", "spotty", "sparse", "thin"})


_BROAD = frozenset({"admin", "administrator", "full", "root", "write", "owner", "superuser"})
_RIGHTS = frozenset({"rights", "access", "permissions", "privileges", "role"})


_COMPARATIVES = frozenset(
    {"longer", "shorter", "lower", "higher", "larger", "smaller", "bigger", "greater", "fewer"}
)


def _mismatch(toks: Sequence[Token], i: int) -> bool:
    """ "client timeouts were longer than the server's": two settings that do not fit."""
    if toks[i].low != "than" or i == 0 or toks[i - 1].low not in _COMPARATIVES:
        return False
    return any(
        has(x, C["safeguards"]) or has(x, C["system_nouns"]) for x in toks[max(0, i - 6) : i]
    )


_INCIDENTAL = frozenset(
    {"only", "single", "same", "shared", "share", "simultaneously", "too", "nothing", "none"}
    | {"all", "at", "every", "any", "whatever", "instead", "rather"}
)


def _incidental(toks: Sequence[Token], i: int) -> bool:
    """A gap mark that an outage's description uses too (see ``gap_at(strict=True)``)."""
    t = toks[i]
    if t.low in _INCIDENTAL:
        return True
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if t.low in ("without", "missing") and not (nxt is not None and _guarded(toks, i + 1)):
        return True  # "grew without bound", "the backups were missing"
    if t.low == "no" and i > 0 and toks[i - 1].low == "with":
        return not _guarded(toks, i + 1)  # "went down with no errors in the logs"
    if t.low == "no" and (i == 0 or not toks[i - 1].word or toks[i - 1].low == "and"):
        return not _guarded(toks, i + 1)  # "no writes were accepted": a subject, not a lack
    return False


def _guarded(toks: Sequence[Token], k: int) -> bool:
    """Whether a safeguard is named within two words from ``k`` ("without a review")."""
    return any(has(x, C["safeguards"]) for x in toks[k : k + 3])


#: What an outage leaves of something: "the only remaining node", "the only healthy replica".
_LEFT_OVER = frozenset({"remaining", "surviving", "healthy", "working", "available", "live"})


def _design_context(toks: Sequence[Token], i: int) -> bool:
    """ "only checks", "a single replica", "the same credentials", "too low": a design choice."""
    n = len(toks)
    nxt = toks[i + 1] if i + 1 < n else None
    if nxt is None or not nxt.word:
        return False
    if toks[i].low == "only" and nxt.low in _LEFT_OVER:
        return False  # "knocked the only remaining node offline": what the outage left
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


#: What raises an alarm: a page, an alert, a notification.
_ALARMS = frozenset(
    {"alert", "alerts", "alarm", "alarms", "page", "pages", "notification", "notifications"}
)
#: What an alarm does when it works: "fire alerts", "raise an alert", "send a page".
_RAISE = frozenset({"fire", "raise", "send", "trigger", "emit", "generate", "open"})
_ALARM_WORDS = _ALARMS | {"alerting", "paging"}
_NEVER = frozenset({"never", "not", "didn't", "didnt", "doesn't", "doesnt", "don't", "dont"})


def silent_alarm(toks: Sequence[Token]) -> bool:
    """Whether the statement says no alarm was raised for what went wrong: "so no alert fired",
    "and so did not fire alerts on Sentry", "logs a warning but never raises an alert", "without
    paging anyone". That is a gap in the monitoring (a tool gap), whatever act of ours comes
    before it ("We logged a warning, but failed to see that warning as an error case…"): the
    tool decides what pages. Only a negation that governs the alarm counts (within two words
    before it: "no", "without"; or before its verb of raising: "did not fire alerts"), so "the
    on-call did not acknowledge the page" is still a person's act."""
    n = len(toks)
    if not any(t.low in _ALARM_WORDS for t in toks):
        return False
    for i, t in enumerate(toks):
        if not t.word:
            continue
        if t.low in _ALARMS or (t.low in ("alerting", "paging") and i > 0):
            before = [x.low for x in toks[max(0, i - 2) : i]]
            if any(b in ("no", "without") for b in before):
                return True  # "no alert", "no paging alert", "without paging"
            after = [x.low for x in toks[i + 1 : min(n, i + 3)]]
            if (after[:1] and after[0] in ("never", "didn't", "didnt")) or after[:2] == [
                "did",
                "not",
            ]:
                return True  # "the alert never fired", "the page did not go out"
        raised = i > 0 and toks[i - 1].low in _NEVER and has(t, _RAISE)
        if raised and any(x.low in _ALARMS for x in toks[i + 1 : min(n, i + 4)]):
            return True  # "never raises an alert"
    return False


#: Words that open a condition: "If a consumer restarts…", "Whenever the lease expires…".
_CONDITIONS = frozenset({"if", "when", "whenever"})
#: Words a participle ending in -ed follows as an adjective or in the passive, not as a past
#: verb: "every queued retry", "is changed".
_NOT_PAST_BEFORE = frozenset(
    {"the", "a", "an", "every", "each", "any", "all", "no", "some", "its", "their", "our", "your"}
    | {"is", "are", "be", "been", "being", "get", "gets", "isn't", "aren't", "not", "stay"}
)


def present_conditional(toks: Sequence[Token]) -> bool:
    """Whether the statement is a rule of how the system behaves, a condition in the present
    tense with what follows from it: "If a consumer restarts mid-batch, every message is
    delivered again", "When the node instance type is changed, the nodes are recycled all at a
    time". That is a design (a gap in the tool), not an event. Any past verb ("When we deployed
    this configuration, Terraform removed…"; "was", "had", "began") makes it an account of what
    happened, read as before."""
    words = [t for t in toks if t.word]
    if len(words) < 6 or words[0].low not in _CONDITIONS:
        return False
    if not any(t.text in (",", "\u2014", "-") for t in toks[2:]):
        return False  # a condition, then its consequence after a comma or a dash
    for k, t in enumerate(words):
        if t.low in C["past_markers"] or t.low in ("had", "hadn't", "wasn't", "weren't"):
            return False
        if t.low in ("didn't", "didnt", "would", "could"):
            return False
        past = t.low.endswith("ed") and len(t.low) > 4 and k > 0
        if past and words[k - 1].low not in _NOT_PAST_BEFORE:
            return False
    return True
