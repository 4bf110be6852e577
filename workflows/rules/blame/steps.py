"""A step left undone by a person: an act done "without" a step or "instead of" doing it ("went
to bed without acknowledging the page", "silenced the alert instead of dealing with it")."""

from __future__ import annotations

from workflows.rules.blame.evidence import CREDIT_ACTS, PASSIVE_AUX, Hit, span_start
from workflows.rules.names import C, Names
from workflows.rules.people import agent_after, subject_of
from workflows.rules.text import Sentence, has

__all__ = ["without_doing"]


_REASONS = frozenset({"because", "since", "as", "given", "so"})


def without_doing(sent: Sentence, known: Names) -> list[Hit]:
    """A person who acted "without" a step or "instead of" doing it: "went to bed without
    acknowledging the page", "deployed without running the tests", "silenced the alert instead
    of dealing with it" (the verb need not be a failure verb)."""
    toks = sent.tokens
    out: list[Hit] = []
    n = len(toks)
    for k, t in enumerate(toks):
        if t.low == "without" and k + 1 < n:
            step = toks[k + 1]
            if not (step.low.endswith("ing") and has(step, C["omission_verbs"])):
                continue
        elif t.low == "instead" and k + 2 < n and toks[k + 1].low == "of":
            # "silenced the disk alert instead of dealing with it": the step left undone, any
            # verb; not when the sentence gives the reason ("…because the last failover lost
            # writes" is the decision's condition)
            step = toks[k + 2]
            if not (step.word and step.low.endswith("ing") and len(step.low) > 4):
                continue
            if any(x.low in _REASONS or has(x, C["praise"]) or has(x, CREDIT_ACTS) for x in toks):
                continue  # "well done to Ilse for calling it early instead of waiting": credit
        else:
            continue
        if t.low == "instead" and (k == 0 or not toks[k - 1].word):
            lead = _leading_instead(sent, k, known)
            if lead is not None:
                out.append(lead)
            continue
        if any(x.low in C["deciding"] for x in toks[max(0, k - 8) : k] if x.clause == t.clause):
            continue  # "we were hesitant to deploy without announcing it": a decision
        # The acting verb: the first word of the clause's predicate, a few words back.
        clause = toks[k - 1].clause if k > 0 else t.clause  # "instead" may open a clause
        for v in range(k - 1, max(-1, k - 7), -1):
            if not toks[v].word or toks[v].clause != clause:
                break
            if v > 0 and toks[v - 1].low in PASSIVE_AUX and toks[v].low.endswith(("ed", "t", "n")):
                break  # "emails are sent without notifying…": the passive's subject did nothing
            subject = subject_of(sent, v, known)
            if subject.kind in ("person", "change") and subject.end < v:
                start = span_start(toks, subject)
                out.append(Hit(toks[start].start, step.end, "agent", subject.name))
                break
    return out


def _leading_instead(sent: Sentence, k: int, known: Names) -> Hit | None:
    """An opening "Instead of doing X," and a person who then did something else: "Instead of
    using an appropriate library, someone wrote code that computed one year as 365 days"."""
    toks = sent.tokens
    n = len(toks)
    comma = next((m for m in range(k + 3, min(n, k + 14)) if toks[m].text == ","), None)
    if comma is None or comma + 2 >= n:
        return None
    agent = agent_after(sent, comma + 1, known)
    if agent.kind not in ("person", "change") or agent.start > comma + 2:
        return None
    v = agent.end + 1
    while v < n and toks[v].word and toks[v].low.endswith("ly") and len(toks[v].low) > 4:
        v += 1  # "someone quickly wrote…"
    if v >= n or not toks[v].word or not (toks[v].low.endswith("ed") or has(toks[v], _ACTS)):
        return None
    return Hit(toks[k].start, toks[v].end, "agent", agent.name)


#: Past forms of acts that do not end in "-ed".
_ACTS = frozenset({"wrote", "ran", "put", "set", "made", "took", "sent", "chose", "went", "left"})
