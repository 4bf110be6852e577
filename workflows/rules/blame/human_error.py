"""Human error: the predicate that makes a subject's act a failure (an omission, a slip, an act done
at the wrong moment or in the wrong way), but not a remedy or what the runbook said.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.blame.evidence import CREDIT_ACTS, PASSIVE_AUX, TAKE_FAMILY
from workflows.rules.names import C
from workflows.rules.text import Sentence, Token, has

__all__ = ["VERB_CLASSES", "failure_predicate", "mis_verb", "sanctioned"]


def mis_verb(tok: Token) -> bool:
    """A verb of doing something wrongly by its prefix: "misrouted", "misapplied", "mislabelled"."""
    low = tok.low
    return (
        tok.word
        and len(low) > 7
        and low.startswith(("mis", "mis-"))
        and low.endswith("ed")
        and not low.startswith(("missed", "mission", "misses"))
    )


def failure_predicate(sent: Sentence, i: int) -> int | None:
    """End token of a failure predicate starting at ``i``, or None.

    Omissions ("didn't check", "never tested", "failed to escalate"), failure verbs not negated
    ("forgot", "overlooked", "broke"), causing an outage ("caused the outage", "took down"), and
    ordinary actions done wrongly ("accidentally deleted", "pushed a bad config", "ran the
    migration without a dry run").
    """
    toks = sent.tokens
    n = len(toks)
    tok = toks[i]
    # omissions
    if tok.low == "not" and not (i > 0 and toks[i - 1].low in _PAST_AUX):
        return None  # "we are not calling this…", "chose not to page": no omission
    if (
        has(tok, C["past_negators"])
        or tok.low in ("did", "fail", "failed", "fails", "failing")
        or (has(tok, C["did_not"]) and _habitual_slight(sent, i))
    ):
        # Past negations only: "didn't check" is an omission, "we don't think" is an opinion
        # and "the on-call can't see the lag" a condition.
        k = i + 1
        if tok.low == "did":
            if k < n and toks[k].low == "not":
                k += 1
            else:
                return None
        elif tok.low.startswith("fail"):
            if k < n and toks[k].low == "to":
                k += 1
            else:
                return None
        while k < n and toks[k].low in (
            "even",
            "always",
            "actually",
            "properly",
            "bother",
            "to",
            "bothered",
            "first",
            "fully",
            "really",
            "once",
            "ever",
        ):
            k += 1
        if k < n and i > 0 and toks[i - 1].low in ("was", "were") and has(toks[k], C["receiving"]):
            return None  # "support was not told": the person is who was let down
        if _expectation(toks, k):
            return None  # "I wasn't really thinking it would fill up": what they expected
        if (
            k < n
            and toks[k].word
            and has(toks[k], C["omission_verbs"])
            and not has(toks[k], C["strong_fail"])
        ):
            # "did not have" is a fact, "never check" a habit: both are fine only for systems.
            return i + 1 if tok.low.startswith("fail") else k
        if tok.low.startswith("fail") and k < n and toks[k].word:
            return i + 1  # "failed to": the omission, whatever was not done
        return None
    if i > 0 and has(toks[i - 1], C["did_not"]):
        return None
    if (i > 1 and toks[i - 1].low in ("not",)) or (
        i > 1 and has(toks[i - 2], C["did_not"]) and toks[i - 1].low in ("to",)
    ):
        return None
    if mis_verb(tok) and not (i > 0 and toks[i - 1].low in PASSIVE_AUX):
        return i  # "mehmet misrouted the traffic"
    if has(tok, C["strong_fail"]):
        if _after_determiner(toks, i):
            return None  # "a slow data leak", "the typo": a noun, not a person's act
        if tok.low == "missing" and i > 0 and toks[i - 1].low in ("are", "is", "am", "'re", "'s"):
            return None  # "we are missing alerting for…": a lack, not a miss
        if tok.low in ("mess", "messed", "screw", "screwed", "blow", "blew") and not (
            i + 1 < n and toks[i + 1].low in ("up", "it")
        ):
            return None
        if has(tok, frozenset({"miss"})) and not _has_object(sent, i):
            return None
        return i + 1 if i + 1 < n and toks[i + 1].low in ("up", "it") else i
    if has(tok, C["cause_verbs"]):
        reach = 8 if tok.low in TAKE_FAMILY else 5  # "brought the reporting database to its knees"
        for k in range(i + 1, min(n, i + reach)):
            t = toks[k]
            if (
                tok.low in ("take", "took", "taken", "bring", "brought", "knock", "knocked")
                and (t.low in C["down_particles"] or t.low == "knees")
                and not (t.low == "over" and tok.low in ("take", "took", "taken"))
            ):
                return k  # "took down", "knocked over"; "took over" is taking charge
            if tok.low in TAKE_FAMILY:
                continue  # "took the incident call": taking causes nothing without "down"
            if k == i + 1 and t.low.endswith("ing"):
                return None  # "started investigating the issue": starting an act
            if has(t, C["cause_objects"]) and not (
                k + 1 < n and toks[k + 1].low in ("commander", "channel", "call", "review")
            ):
                return k  # "caused the outage": the span reaches the object
            if not t.word:
                break
        if tok.low in ("bring", "brought", "brings", "bringing"):
            return _with_bad(toks, i)  # "brought the device back online with a bad config"
        return None
    if has(tok, C["weak_fail"]):
        return _done_wrongly(sent, i)
    if _wrong_object(toks, i):
        return i + 2  # "detached the wrong EBS volume", "restored the wrong snapshot": any verb
    return None


_WRONG = frozenset({"wrong", "incorrect"})


def _wrong_object(toks: Sequence[Token], i: int) -> bool:
    """A past-tense verb whose object is "the wrong …" or "an incorrect …": the act went
    wrong whatever the verb (the ordinary verbs are read by ``_done_wrongly``)."""
    return (
        i + 2 < len(toks)
        and toks[i].low.endswith("ed")
        and (i == 0 or toks[i - 1].low not in PASSIVE_AUX)
        and toks[i + 1].low in ("the", "a", "an")
        and toks[i + 2].low in _WRONG
    )


_REPORTING = frozenset({"that", "not", "n't", "never", "say", "said", "says", "whether", "if"})


def _after_determiner(toks: Sequence[Token], i: int) -> bool:
    """Token ``i`` ends a noun phrase with no person in it: "a leak", "a slow data leak" (not
    "the DBA forgot", "the storage team broke")."""
    for k in range(i - 1, max(-1, i - 4), -1):
        t = toks[k]
        if not t.word or has(t, C["person_nouns"]) or has(t, C["group_heads"]) or t.cap:
            return False
        if t.low in ("a", "an", "the", "this", "that", "any"):
            return True
    return False


def _habitual_slight(sent: Sentence, i: int) -> bool:
    """A present negation that slights people: "some engineers apparently cannot read a
    runbook", "some people clearly don't read it" (not "engineers can't see the lag")."""
    toks = sent.tokens
    before = toks[max(0, i - 5) : i]
    return any(t.low in _INTENSIFIERS for t in before) and any(
        t.low in ("some", "certain", "these", "those") for t in before
    )


_INTENSIFIERS = frozenset(
    {
        "apparently",
        "clearly",
        "obviously",
        "evidently",
        "simply",
        "just",
        "still",
        "never",
        "seemingly",
        "really",
        "honestly",
    }
)


_PAST_AUX = frozenset({"did", "had", "has", "have", "was", "were", "could", "would", "might"})


def _has_object(sent: Sentence, i: int) -> bool:
    toks = sent.tokens
    return i + 1 < len(toks) and toks[i + 1].word and toks[i + 1].low not in ("out", "by")


def _done_wrongly(sent: Sentence, i: int) -> int | None:
    """End of an ordinary action done wrongly: "accidentally deleted", "pushed a bad config",
    "ran the script on the wrong cluster", "deployed without running the tests", "merged it
    despite the red canary", "ran it against prod by mistake"."""
    toks = sent.tokens
    n = len(toks)
    if i > 0 and has(toks[i - 1], C["accident_adverbs"]):
        return i
    if i > 1 and has(toks[i - 2], C["accident_adverbs"]) and toks[i - 1].word:
        return i
    clause = toks[i].clause
    if sanctioned(toks):
        return None  # "restarted it while the deploy was still running, as the runbook says"
    remedial = has(toks[i], _REMEDIAL)
    for k in range(i + 1, min(n, i + 9)):
        t = toks[k]
        if (
            t.low in ("although", "though")
            and k + 1 < n
            and any(has(x, C["failure_events"]) for x in toks[k + 1 : k + 8])
        ):
            return k  # "merged the migration although the staging run had failed"
        if t.low in ("before", "while") and _unfinished(toks, k):
            return k  # "merged before CI had finished", "while the backup was running"
        if t.low == "instead" and k + 1 < n and toks[k + 1].low == "of":
            if any(x.low in ("because", "since", "given") for x in toks[k + 2 :]):
                return None  # "…instead of failing over, because the last failover lost writes"
            return k + 1  # "restarted the primary instead of the standby"
        if t.low == "wrong" and toks[k - 1].low in ("the", "a"):
            return k  # "pulled the wrong power feed", whatever the verb
        if t.low == "with" and not has(toks[i], CREDIT_ACTS):
            state = _state_after_with(toks, k)
            if state is not None:
                return state  # "…with the dry-run flag removed", "…with debug still enabled"
        if (
            toks[i].low == "left"
            and t.low in _LEFT_ON
            and not any(x.low in C["as_planned"] for x in toks[k + 1 :])
        ):
            return k  # "left the load generator pointed at production"
        if not t.word or t.clause != clause or t.low in _REPORTING:
            break  # "chose not to say that the operator was careless": another clause's words
        if t.low == "to" and k + 1 < n and _bare_verb(toks[k + 1]):
            break  # "edited the config to drain the bad node": the purpose, not the act
        if has(t, C["accident_adverbs"]) or (has(t, C["bad"]) and not remedial):
            return k  # not "disabled the broken health check": acting on a bad thing mends it
        if t.low == "without" and k + 1 < n:
            return k + 1
        if t.low in ("despite", "ignoring", "regardless") and k + 1 < n:
            return k + 1
        if t.low == "by" and k + 1 < n and toks[k + 1].low in ("mistake", "accident"):
            return k + 1
        if t.low == "in" and k + 1 < n and toks[k + 1].low == "error":
            return k + 1
    return None


_UNFINISHED = frozenset(
    {
        "finished",
        "finish",
        "completed",
        "complete",
        "done",
        "passed",
        "ready",
        "reviewed",
        "approved",
        "green",
        "drained",
        "synced",
        "caught",
        "running",
        "progress",
        "in-progress",
        "ongoing",
        "underway",
    }
)


def _with_bad(toks: Sequence[Token], i: int) -> int | None:
    """The bad thing an act was done with, up to 14 words on in its clause: "brought a network
    device back online in the affected zone with a bad configuration"."""
    n = len(toks)
    for k in range(i + 1, min(n - 1, i + 14)):
        t = toks[k]
        if t.clause != toks[i].clause or (not t.word and t.text not in ("-", "/")):
            return None
        if t.low == "with":
            for m in range(k + 1, min(n, k + 4)):
                if has(toks[m], C["bad"]):
                    later = toks[m + 1 : m + 4]
                    if any(x.low in _SET_ASIDE for x in later):
                        return None  # "with the bad node drained": the bad thing kept out, a fix
                    return m
                if not toks[m].word:
                    break
    return None


#: Participles that keep a bad thing out: "with the bad node drained".
_SET_ASIDE = frozenset(
    {"drained", "removed", "disabled", "excluded", "isolated", "replaced", "fenced", "cordoned"}
    | {"reverted", "rolled", "quarantined", "skipped", "fixed", "patched", "out"}
)


def _state_after_with(toks: Sequence[Token], k: int) -> int | None:
    """The wrong state an act left a thing in, after "with": a safeguard switched off ("with the
    dry-run flag removed") or a hazard left on ("with the debug endpoint still enabled"). A
    hazard removed ("with the debug endpoint removed") is a fix."""
    n = len(toks)
    for m in range(k + 2, min(n, k + 7)):
        low = toks[m].low
        hazard = any(toks[x].low in _HAZARDS for x in range(k + 1, m))
        if low in _SWITCHED and not hazard:
            return m
        if low in _LEFT_ON and (hazard or toks[m - 1].low == "still"):
            return m
    return None


#: Things that should be off in production: leaving one on is the wrong state, removing it a fix.
_HAZARDS = frozenset(
    {"debug", "test", "verbose", "backdoor", "bypass", "override", "maintenance", "profiling"}
)


_SWITCHED = frozenset(
    {"removed", "disabled", "off", "skipped", "bypassed", "unset", "overridden", "ignored"}
)


_LEFT_ON = frozenset(
    {"running", "enabled", "unlocked", "unattended", "pointed", "exposed", "public"}
)


VERB_CLASSES = C["weak_fail"] | C["omission_verbs"] | C["destructive"] | CREDIT_ACTS


def _bare_verb(tok: Token) -> bool:
    """A verb in its bare form ("drain", "stop"), as after the "to" of a purpose."""
    return tok.word and tok.low in VERB_CLASSES


#: Acts that take a bad thing out of service: done to a broken check or a bad node, they mend.
_REMEDIAL = frozenset(
    {"disable", "remove", "delete", "kill", "revert", "drain", "stop", "replace", "cordon"}
)


_RULEBOOKS = frozenset({"runbook", "plan", "procedure", "playbook", "checklist", "process"})


def sanctioned(toks: Sequence[Token]) -> bool:
    """The sentence says the act followed the plan: "as planned", "as the runbook says", "per
    the maintenance plan"."""
    for k, t in enumerate(toks):
        if t.low in C["as_planned"]:
            return True
        if t.low in ("as", "per") and any(has(x, _RULEBOOKS) for x in toks[k + 1 : k + 4]):
            return True
    return False


def _unfinished(toks: Sequence[Token], k: int) -> bool:
    """ "before CI had finished", "before the backup completed", "while the dump was still
    running": the act came before what it had to wait for (a few words on, same sentence)."""
    window = toks[k + 1 : k + 7]
    for m, t in enumerate(window):
        if not t.word:
            return False
        if t.low in _UNFINISHED:
            return True
        if (
            toks[k].low == "while"
            and t.low == "still"
            and m + 1 < len(window)
            and window[m + 1].low.endswith("ing")
        ):
            return True  # "while releases were still being cut"
        if (
            toks[k].low == "before"
            and t.low == "had"
            and m + 1 < len(window)
            and window[m + 1].low.endswith(("ed", "en"))
        ):
            return True  # "removed the flag before the old clients had upgraded"
    return False


_THINK = frozenset({"think", "thinking", "thought", "expect", "expecting", "expected"})
_NOT_A_CLAUSE = frozenset({"to", "about", "of", "twice", "ahead", "through", "clearly", "straight"})


def _expectation(toks: Sequence[Token], k: int) -> bool:
    """ "didn't think it would fill up", "wasn't expecting the replica to lag": a negated
    "think" or "expect" with a clause after it tells what the person expected (the condition
    behind a decision); "didn't think to check", "didn't think about the replica" stay
    omissions, and so does "didn't think the failover through"."""
    return (
        k + 1 < len(toks)
        and toks[k].low in _THINK
        and toks[k + 1].word
        and toks[k + 1].low not in _NOT_A_CLAUSE
        and not any(t.low in ("through", "over") for t in toks[k + 1 : k + 6])
    )
