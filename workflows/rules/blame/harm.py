"""A person's act and the harm it did: deleting something live, an act followed by its damage, an act
done wrongly or without a step.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.blame.evidence import (
    CREDIT_ACTS,
    HAVE,
    PASSIVE_AUX,
    TAKE_FAMILY,
    Hit,
    span_start,
    users_pronoun,
)
from workflows.rules.blame.human_error import mis_verb, sanctioned
from workflows.rules.names import C, Names
from workflows.rules.people import agent_after, not_agent, subject_of
from workflows.rules.text import Sentence, Token, has

__all__ = [
    "act_with_harm",
    "destroyed_live",
    "person_caused",
    "what_it_did",
    "wrongly_done",
]


_LIVE = frozenset({"production", "prod", "live", "customer", "customers'", "primary", "master"})


_DISPOSABLE = frozenset(
    {"stale", "old", "unused", "orphaned", "leftover", "test", "temporary", "temp", "duplicate"}
)


def destroyed_live(sent: Sentence, known: Names) -> list[Hit]:
    """A person who deleted, dropped or wiped something live: "Carlos deleted the production
    database" (not "the DBA dropped the temporary table", not "Kenji deleted the stale pods")."""
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    if any(t.low in C["as_planned"] or has(t, C["recovery_words"]) for t in toks):
        return out
    for i, tok in enumerate(toks):
        if not (tok.word and has(tok, _ERASE) and tok.low.endswith(("ed", "d"))):
            continue
        if i > 0 and (toks[i - 1].low in PASSIVE_AUX or has(toks[i - 1], C["did_not"])):
            continue
        obj = toks[i + 1 : min(n, i + 5)]
        if not any(t.low in _LIVE for t in obj) or any(t.low in _DISPOSABLE for t in obj):
            continue
        if any(t.low in C["ephemeral_objects"] for t in obj):
            continue  # "deleted the production pods": running things are replaced
        subject = subject_of(sent, i, known)
        if subject.kind not in ("person", "change") or subject.end >= i:
            continue
        if not_agent(toks, subject) or toks[subject.end].low in (
            "nobody",
            "no-one",
            "noone",
        ):
            continue
        end = next(k for k in range(i + 1, min(n, i + 5)) if toks[k].low in _LIVE)
        start = span_start(toks, subject)
        out.append(Hit(toks[start].start, toks[end].end, "agent", subject.name))
    return out


_ERASE = frozenset({"delete", "drop", "wipe", "truncate", "erase", "purge", "destroy", "nuke"})


#: Words that link an act to what it did next: "pushed a config *that* disabled TLS", "ran the
#: job*, which* filled the disk", "restarted the primary, *taking* the site down".
_HARM_LINKS = frozenset({"that", "which", "and", "so", "thereby", "then"})


_HARM_ING = frozenset(
    {
        "causing",
        "breaking",
        "taking",
        "knocking",
        "bringing",
        "triggering",
        "leading",
        "resulting",
        "locking",
        "wiping",
        "deleting",
        "dropping",
        "filling",
        "exhausting",
        "saturating",
        "overloading",
        "corrupting",
        "leaving",
        "leaking",
        "exposing",
        "disabling",
        "removing",
        "overwriting",
        "starving",
        "blocking",
        "stalling",
    }
)


#: Verbs after which a failure word names what the act relieved, not what it broke: "a patch
#: that stopped the errors", "which dropped the error rate".
_RELIEF = frozenset(
    {"stop", "end", "reduce", "cut", "halve", "prevent", "drop", "clear", "remove", "kill", "block"}
)


_HARM = (
    C["destructive"]
    | C["strong_fail"]
    | C["harm_verbs"]
    | frozenset(
        {
            "leak",
            "expose",
            "melt",
            "crash",
            "fail",
            "break",
            "hang",
            "starve",
            "stall",
            "hammer",
            "flood",
            "swamp",
            "overwhelm",
            "thrash",
        }
    )
)


_IN_USE = frozenset({"still", "yet"})


#: Bringing something in: "Rahul's refactor introduced the race condition that corrupted…".
_INTRODUCE = frozenset({"introduce", "add", "create", "write", "ship"})


_PAST_IRREGULAR = frozenset(
    {"ran", "left", "broke", "took", "wrote", "sent", "shut", "set", "put", "made", "overwrote"}
)


def act_with_harm(sent: Sentence, known: Names) -> list[Hit]:
    """A person's act followed, in the same sentence, by the harm it did.

    "Wojciech pushed a config that disabled TLS", "the DBA ran the reindex, which saturated the
    disks", "Iyer deleted the branch that production was still deploying from", "the QA lead
    signed off on a build that had never run the migration", "our platform team let the
    certificate expire". Not a fix ("deployed a patch that stopped the errors"), not an act
    of a system ("the autoscaler removed the nodes that held the shards").
    """
    toks = sent.tokens
    out: list[Hit] = []
    for i, tok in enumerate(toks):
        if not tok.word or not (
            has(tok, C["weak_fail"])
            or has(tok, C["destructive"])
            or has(tok, _INTRODUCE)
            or tok.low in ("let", "allowed")
        ):
            continue
        if not (tok.low.endswith(("ed", "t")) or tok.low in _PAST_IRREGULAR):
            continue
        if i > 0 and (toks[i - 1].low in PASSIVE_AUX or has(toks[i - 1], C["did_not"])):
            continue
        if has(tok, CREDIT_ACTS):
            continue
        subject = subject_of(sent, i, known)
        if subject.kind not in ("person", "change") or subject.end >= i:
            continue
        if not_agent(toks, subject):
            continue
        if toks[subject.end].low in ("nobody", "no-one", "noone"):
            continue
        end = _harm_after(sent, i)
        if end is None:
            continue
        start = span_start(toks, subject)
        family = "person" if subject.name or subject.kind == "change" else "agent"
        out.append(Hit(toks[start].start, toks[end].end, family, subject.name))
    return out


def _harm_after(sent: Sentence, i: int) -> int | None:
    """The token that names the harm the act at ``i`` did, if the sentence goes on to say it."""
    toks = sent.tokens
    n = len(toks)
    if toks[i].low in ("let", "allowed") and i + 1 < n:
        for k in range(i + 1, min(n, i + 6)):
            if has(toks[k], _LAPSE):
                return k
            if not toks[k].word:
                break
    linked = False
    if sanctioned(toks):
        return None  # "…, which failed over to the replica as designed"
    for k in range(i + 1, min(n, i + 18)):
        t = toks[k]
        fixes = t.low in ("fixes", "fixed") and toks[k - 1].low not in _HARM_LINKS
        if t.text in (".", ";", "?", "!") or (
            (has(t, C["recovery_words"]) or has(t, CREDIT_ACTS)) and not fixes
        ):
            return None  # "…, which restored checkout": the act is a fix (not "merged fixes")
        if t.low in _HARM_ING and not linked:
            return k  # "restarted the primary, taking the site down"
        if t.low in ("again", "over"):
            return None  # "failed over", "again": the object's own course
        if t.low in _HARM_LINKS:
            linked = True
            continue
        if linked and toks[k - 1].low in ("was", "were", "is", "are") and t.low.endswith("ing"):
            return None  # "the query that was blocking writes": what the object was doing
        if not linked or not t.word:
            continue
        if t.low in _IN_USE or (t.low == "never" and has(toks[k - 1], HAVE)):
            return k  # "the branch that production was still deploying from"
        if has(t, _RELIEF) and any(has(x, C["cause_objects"]) for x in toks[k - 4 : k + 5]):
            return None  # "which dropped the error rate", "and the errors stopped"
        if not _past(toks, k):
            continue  # "set the flag that disables the old path": what the object does
        if toks[k - 1].low in _DETERMINERS:
            continue  # "and the compounded prior outages": an adjective, not a verb
        if toks[k - 1].low == "had":
            return None  # "killed the query that had locked the table": the object's past
        if (
            has(t, _HARM)
            or mis_verb(t)
            or (
                has(t, C["cause_verbs"])
                and any(has(x, C["cause_objects"]) for x in toks[k + 1 : k + 5])
            )
        ):
            if any(x.low == "again" for x in toks[k + 1 : k + 4]):
                return None  # "restarted the pod and it crashed again": its own course
            return k
        if _effect_at(toks, k):
            return k  # "…, so two days of merged fixes disappeared", "and the endpoint stopped resolving"
        if t.low in TAKE_FAMILY:
            for m in range(k + 1, min(n, k + 7)):
                if toks[m].low in C["down_particles"] or toks[m].low == "knees":
                    return m  # "which is what took the queue down"
                if not toks[m].word:
                    break
    return None


_DETERMINERS = frozenset({"the", "a", "an", "our", "their", "its", "this", "these", "those"})

#: What went missing after an act: "two days of merged fixes disappeared".
_VANISHED = frozenset({"disappeared", "vanished", "evaporated"})
#: Growth that is harm only when it is of failures: "crash reports tripled" (not "throughput
#: doubled").
_GREW = frozenset({"doubled", "tripled", "quadrupled", "spiked", "surged", "soared", "jumped"})
#: A stopped service: "stopped resolving", "ceased serving".
_SERVING = frozenset(
    {"working", "resolving", "responding", "serving", "accepting", "processing", "loading"}
    | {"syncing", "replicating", "sending", "routing", "authenticating", "booting"}
)
_TROUBLE = C["cause_objects"] | frozenset(
    {"backlog", "lag", "queue", "warning", "warnings", "symptoms", "latency", "noise", "spike"}
)
_FAILURE_COUNTS = C["cause_objects"] | frozenset({"report", "reports", "5xx", "500s", "502s"})
_FAILURE_COUNTS = _FAILURE_COUNTS | frozenset({"timeouts", "latency", "failures", "retries"})


def _effect_at(toks: Sequence[Token], k: int) -> bool:
    """Token ``k`` (after a link from a person's act) is an effect on the service: something
    gone, failures grown, a service stopped."""
    t = toks[k]
    if t.low in _VANISHED:
        # "the backlog disappeared": trouble going away is relief
        return not any(x.low in _TROUBLE for x in toks[max(0, k - 3) : k])
    if t.low in _GREW:
        return any(x.low in _FAILURE_COUNTS for x in toks[max(0, k - 3) : k])
    if t.low in ("stopped", "ceased") and k + 1 < len(toks):
        return toks[k + 1].low in _SERVING
    return False


def what_it_did(sent: Sentence, known: Names) -> list[Hit]:
    """A person's act, whatever the verb, named as what did the harm: "Anneliese kicked off the
    reindex at peak and that's what saturated IO", "Lars restarted both brokers, which is what
    took the queue down". The cleft "that is what" attributes the harm to the act."""
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for k in range(2, n - 1):
        if toks[k].low != "what" or toks[k - 1].low not in ("'s", "is", "was", "that's"):
            continue
        if toks[k - 1].low != "that's" and toks[k - 2].low not in ("that", "which", "this", "it"):
            continue
        harm = toks[k + 1]
        if not (_past(toks, k + 1) and (has(harm, _HARM) or has(harm, TAKE_FAMILY))):
            continue
        for i in range(k - 2, max(-1, k - 16), -1):
            t = toks[i]
            if not t.word or not _past(toks, i) or has(t, CREDIT_ACTS):
                continue
            subject = subject_of(sent, i, known)
            if subject.kind in ("person", "change") and subject.end < i:
                start = span_start(toks, subject)
                family = "person" if subject.name or subject.kind == "change" else "agent"
                out.append(Hit(toks[start].start, harm.end, family, subject.name))
                break
    return out


def _past(toks: Sequence[Token], k: int) -> bool:
    """Token ``k`` is a verb in the past: "disabled", "took", "had filled"."""
    low = toks[k].low
    return (
        low.endswith(("ed", "t"))
        or low in _PAST_IRREGULAR
        or low in ("broke", "blew", "froze", "went", "brought", "caught", "hit", "fell", "ate")
        or toks[k - 1].low in ("had", "has", "have")
    )


_LAPSE = frozenset(
    {"expire", "lapse", "slip", "rot", "fill", "overflow", "die", "drift", "stale", "run", "fail"}
)


def wrongly_done(sent: Sentence, known: Names) -> list[Hit]:
    """A person who did anything "wrongly", "mistakenly", "carelessly": "we wrongly assumed the
    chart set limits" (the adverb judges the act whatever the verb)."""
    toks = sent.tokens
    out: list[Hit] = []
    for k, t in enumerate(toks):
        if not (t.word and has(t, C["accident_adverbs"])):
            continue
        verb = k + 1 if k + 1 < len(toks) and toks[k + 1].word else k - 1
        if verb < 0 or not toks[verb].word:
            continue
        subject = subject_of(sent, min(k, verb), known)
        if subject.kind in ("person", "change") and not (not_agent(toks, subject)):
            start = span_start(toks, subject)
            out.append(Hit(toks[start].start, toks[max(k, verb)].end, "agent", subject.name))
    return out


def person_caused(sent: Sentence, known: Names) -> list[Hit]:
    """A person's act given as what set a failure off: "the outage started when Lars pushed the
    rules", "checkout broke because of Kenji's change", "errors began after the DBA ran it"."""
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for k, t in enumerate(toks):
        if k == 0 or not (
            t.low in C["causal_links"]
            or (t.low == "with" and toks[k - 1].low in ("began", "started", "begun", "starts"))
        ):
            continue
        before = toks[max(0, k - 8) : k]
        if not any(has(x, C["failure_events"]) for x in before) or any(
            has(x, C["recovery_words"]) for x in before
        ):
            continue
        nxt = k + 2 if t.low == "because" and k + 1 < n and toks[k + 1].low == "of" else k + 1
        if nxt >= n:
            continue
        agent = agent_after(sent, nxt, known)
        if agent.kind == "change":
            out.append(Hit(toks[nxt].start, toks[agent.end].end, "person", agent.name))
            continue
        if agent.kind not in ("person", "guess") or agent.end + 1 >= n:
            continue
        if users_pronoun(toks, agent):
            continue
        if agent.kind == "guess" and not toks[agent.end + 1].low.endswith("ed"):
            continue  # "after Mina flipped the flag": a capitalised word acting is a name
        verb = agent.end + 1
        while verb < n and toks[verb].low in ("had", "has", "just", "then", "accidentally"):
            verb += 1
        lost = any(x.low in _LOSS for x in before)  # "overwritten when Marek restored onto…"
        if (
            verb < n
            and toks[verb].word
            and (lost or not has(toks[verb], CREDIT_ACTS))
            and not has(toks[verb], C["receiving"])
        ):
            start = span_start(toks, agent)
            out.append(Hit(toks[start].start, toks[verb].end, "agent", agent.name))
    return out


_LOSS = frozenset(
    {"overwritten", "lost", "corrupted", "deleted", "wiped", "destroyed", "truncated", "erased"}
)
