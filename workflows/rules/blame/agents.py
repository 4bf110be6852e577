"""Agents of failure: a person, role, team or pronoun as the subject of a failure, a cleft that
singles one out, a name's possessive.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.blame.evidence import (
    CREDIT,
    CREDIT_ACTS,
    PASSIVE_AUX,
    Hit,
    span_start,
    users_pronoun,
)
from workflows.rules.blame.harm import (
    act_with_harm,
    destroyed_live,
    person_caused,
    what_it_did,
    wrongly_done,
)
from workflows.rules.blame.human_error import VERB_CLASSES, failure_predicate
from workflows.rules.blame.passive import bad_before, passive_strong, passive_weak
from workflows.rules.blame.shapes import shape_hits
from workflows.rules.blame.steps import without_doing
from workflows.rules.names import C, Names, guessed_name, name_at, person_word
from workflows.rules.people import Phrase, agent_after, clause_subject, not_agent, subject_of
from workflows.rules.text import Sentence, Token, has

__all__ = ["agent_hits"]


def agent_hits(sent: Sentence, known: Names) -> list[Hit]:
    toks = sent.tokens
    out: list[Hit] = []
    for i, tok in enumerate(toks):
        if not tok.word:
            continue
        pred_end = failure_predicate(sent, i)
        if pred_end is None:
            passive = passive_strong(sent, i, known)
            if passive is not None:
                out.append(passive)
                continue
            loaded = _loaded_agent(sent, i, known) or _shouted_act(sent, i, known)
            if loaded is not None:
                out.append(loaded)
            continue
        subject = subject_of(sent, i, known)
        hit = _agent_hit(sent, subject, i, pred_end, known)
        if hit is not None:
            out.append(hit)
            continue
        # Passive with an agent: "was overlooked by the release crew", "caused by Dave".
        passive = passive_strong(sent, i, known)
        if passive is not None:
            passive.start = (
                toks[bad_before(sent, i)].start if passive.start == tok.start else (passive.start)
            )
            out.append(passive)
    out.extend(passive_weak(sent, known))
    out.extend(_possessive_nouns(sent, known))
    out.extend(without_doing(sent, known))
    out.extend(wrongly_done(sent, known))
    out.extend(person_caused(sent, known))
    out.extend(act_with_harm(sent, known))
    out.extend(_cleft_person(sent, known))
    out.extend(destroyed_live(sent, known))
    out.extend(_nobody_did(sent))
    out.extend(what_it_did(sent, known))
    out.extend(_skipping(sent, known))
    out.extend(shape_hits(sent, known))
    return out


_MAIN_VERBS = frozenset({"saved", "was", "is", "were", "cost", "made", "took", "meant", "gave"})


def _skipping(sent: Sentence, known: Names) -> list[Hit]:
    """A person's act with a failure in a participle after it: "Kwame pushes the hotfix straight
    to prod, skipping staging", "Lars restarted both brokers, ignoring the runbook"."""
    toks = sent.tokens
    out: list[Hit] = []
    for k in range(1, len(toks) - 1):
        if toks[k].text != ",":
            continue
        verb = toks[k + 1]
        if not (verb.low.endswith("ing") and has(verb, C["strong_fail"])) or verb.low == "missing":
            continue  # "…, missing staging environment": an absence, not an act
        if any(t.low.endswith("ed") or t.low in _MAIN_VERBS for t in toks[k + 2 : k + 8]):
            continue  # "…, skipping the dry run saved minutes": the gerund is a subject
        subject = clause_subject(sent, k, known)
        acts = subject.end + 1 < k and (
            toks[subject.end + 1].low.endswith(("ed", "es", "s"))
            or toks[subject.end + 1].low
            in ("ran", "went", "put", "set", "pushed", "did", "made", "took")
        )
        if (
            subject.kind == "person"
            and acts
            and toks[subject.start].low not in ("no", "nobody")
            and not users_pronoun(toks, subject)
        ):
            start = span_start(toks, subject)
            family = "person" if subject.name else "agent"
            out.append(Hit(toks[start].start, verb.end, family, subject.name))
    return out


_NOBODY = frozenset({"nobody", "noone", "no-one"})
_PAST_IRREGULAR = frozenset({"read", "saw", "caught", "knew", "thought", "took", "got"})


def _nobody_did(sent: Sentence) -> list[Hit]:
    """ "nobody looked for 40 min", "nobody read the deprecation email", "no one switched it
    back on": "nobody" as the subject of a past act of care (checking, reading, noticing,
    following up) is the team's omission. Not a denial of a failure ("nobody ignored the alert"
    has a failure verb), a passive or state ("nobody was paged", "nobody is on call"), a modal
    ("nobody should need root") or "nobody here thinks…"."""
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for k, tok in enumerate(toks):
        if tok.low in _NOBODY:
            verb = k + 1
        elif tok.low == "no" and k + 1 < n and toks[k + 1].low in ("one", "body"):
            verb = k + 2
        else:
            continue
        while verb < n and toks[verb].low in ("ever", "actually", "even", "really", "then"):
            verb += 1
        if verb >= n or not toks[verb].word:
            continue
        v = toks[verb]
        past = (v.low.endswith("ed") and len(v.low) > 3) or v.low in _PAST_IRREGULAR
        if not past or not has(v, C["omission_verbs"]) or has(v, C["strong_fail"]):
            continue
        out.append(Hit(tok.start, v.end, "omission"))
    return out


def _cleft_person(sent: Sentence, known: Names) -> list[Hit]:
    """ "It was Hiroshi who turned off the alerts", "it was the platform team that pushed it":
    a cleft singles out who did the act, and reads as pointing at them (not with a credit act:
    "it was Lars who rolled back")."""
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for k in range(n - 3):
        if toks[k].low not in ("it", "this") or toks[k + 1].low not in ("was", "'s", "is"):
            continue
        agent = agent_after(sent, k + 2, known)
        if agent.kind not in ("person", "change") or agent.end + 2 >= n:
            continue
        rel = agent.end + 1
        if toks[rel].low not in ("who", "that", "whose"):
            continue
        verb = rel + 1
        while verb < n and toks[verb].low in (
            "had",
            "has",
            "just",
            "then",
            "first",
            "accidentally",
        ):
            verb += 1
        if verb >= n or not toks[verb].word or toks[verb].low in ("was", "is", "were"):
            continue
        if (
            has(toks[verb], CREDIT_ACTS)
            or has(toks[verb], CREDIT)
            or has(toks[verb], C["receiving"])
        ):
            continue
        if agent.kind == "change" or has(toks[verb], VERB_CLASSES | C["strong_fail"]):
            out.append(Hit(toks[k].start, toks[verb].end, "insinuation", agent.name))
    return out


def _loaded_agent(sent: Sentence, i: int, known: Names) -> Hit | None:
    """An ordinary action that reads as blame because of who or what did it.

    A person's change that destroyed something ("Oksana's migration dropped the index"); an
    inexperienced role ("the new hire ran the cleanup script against production", "our intern
    deleted the namespace") or an unnamed someone ("someone turned off the alert") doing a
    destructive or risky action. A named person doing the same is a fact of the timeline ("Kenji
    deleted the stale pods"), so names do not count here.
    """
    toks = sent.tokens
    tok = toks[i]
    if not (has(tok, C["weak_fail"]) or has(tok, C["destructive"])):
        return None
    if i > 0 and (toks[i - 1].low in PASSIVE_AUX or has(toks[i - 1], C["did_not"])):
        return None
    destructive = has(tok, C["destructive"]) or _switched_off(toks, i)
    subject = subject_of(sent, i, known)
    words = [t for t in toks[subject.start : subject.end + 1] if t.word]
    loaded = subject.kind == "person" and (
        any(has(t, C["loaded_roles"]) for t in words)
        or any(
            t.low in C["new_modifiers"] and k + 1 < len(words) and person_word(words[k + 1])
            for k, t in enumerate(words)
        )
    )
    if (subject.kind == "change" and destructive) or loaded:
        start = subject.start
    elif destructive and subject.kind in ("person", "system") and _someone_before(toks, subject):
        start = max(0, subject.start - 3)
        while toks[start].low not in _SOMEONE:
            start += 1
    else:
        return None
    while start < subject.end and toks[start].low in ("the", "a", "an", "our", "then"):
        start += 1
    end = i + 1 if i + 1 < len(toks) and toks[i + 1].low in C["down_particles"] else i
    return Hit(toks[start].start, toks[end].end, "agent", subject.name)


_SOMEONE = frozenset({"someone", "somebody", "somone", "sb"})


def _someone_before(toks: Sequence[Token], subject: Phrase) -> bool:
    """ "someone", or "someone on the platform team" (read over "on/from/in/of")."""
    words = toks[max(0, subject.start - 3) : subject.end + 1]
    return any(t.low in _SOMEONE for t in words)


def _shouted_act(sent: Sentence, i: int, known: Names) -> Hit | None:
    """A terse upper-case cause field whose subject is a named person: "ŁUKASZ RAN TERRAFORM
    APPLY ON LIVE". Written like that, the act is offered as the cause."""
    if not sent.shouted or not has(sent.tokens[i], C["weak_fail"]):
        return None
    subject = subject_of(sent, i, known)
    if subject.kind != "person" or subject.name is None:
        return None
    toks = sent.tokens
    return Hit(toks[subject.start].start, toks[i].end, "person", subject.name)


def _switched_off(toks: Sequence[Token], i: int) -> bool:
    """ "turned off the alert", "switched the alarm off", "shut down the replica"."""
    if toks[i].low not in _SWITCH:
        return False
    return any(t.low in ("off", "down") for t in toks[i + 1 : i + 4])


_SWITCH = frozenset(
    {"turn", "turned", "turns", "turning", "switch", "switched", "switches", "shut", "shuts"}
)


def _agent_hit(sent: Sentence, subject: Phrase, i: int, end: int, known: Names) -> Hit | None:
    toks = sent.tokens
    tok = toks[i]
    kind = subject.kind

    if kind == "guess" and not (has(tok, C["human_only"]) or _omission_at(sent, i)):
        return None
    if kind not in ("person", "change", "guess"):
        return None
    head = toks[subject.end]
    if not_agent(toks, subject) and not any(
        t.low in ("some", "certain", "these", "those") for t in toks[subject.start : subject.end]
    ):
        return None  # "people that had not updated": users, customers, not responders
    denial = head.low in ("nobody", "no-one", "noone") or _denying_quantifier(toks, subject)
    if denial and not _omission_at(sent, i):
        return None  # "nobody ignored the alert", "no one on the rotation ignored it": denials
    if users_pronoun(toks, subject):
        return None  # "a user reported … because they could not authenticate"
    omission = any(_omission_at(sent, m) for m in range(i, end + 1))
    if omission and _reason_is_a_condition(sent, end, known):
        return None  # "The on-call did not escalate because the alert was marked low severity"
    start = span_start(toks, subject)
    family = "person" if subject.name or kind in ("change", "guess") else "agent"
    return Hit(toks[start].start, toks[end].end, family, subject.name)


#: Links to the reason for an act: "because the alert was marked low", ", as the runbook said".
_REASON_LINKS = frozenset({"because", "since"})


def _reason_is_a_condition(sent: Sentence, end: int, known: Names) -> bool:
    """Whether the omission ending at ``end`` is given a reason that is a condition of the
    system, not of a person: "did not escalate because the alert was marked low severity", "did
    not fail over, as the runbook said to wait" (the conditions that made the decision look
    right, not blame). A reason about a person ("because they were busy", "because Lars forgot")
    or "because of …" gives none."""
    toks = sent.tokens
    for k in range(end + 1, min(len(toks), end + 12)):
        t = toks[k]
        link = t.low in _REASON_LINKS or (t.low == "as" and toks[k - 1].text == ",")
        if not link:
            continue
        rest = [m for m in range(k + 1, min(len(toks), k + 4)) if toks[m].word]
        if not rest or toks[rest[0]].low == "of":
            return False
        head = next((m for m in rest if toks[m].low not in _DETERMINERS), None)
        if head is None or person_word(toks[head]) or name_at(sent, head, known) is not None:
            return False
        return any(x.low in _CONDITION_VERBS for x in toks[k + 1 : k + 8])
    return False


_DETERMINERS = frozenset({"the", "a", "an", "our", "its", "their", "this", "that"})


#: Verbs of a state or a system's say in a reason clause: "was marked", "said", "had no…".
_CONDITION_VERBS = frozenset(
    {"was", "were", "is", "are", "had", "has", "said", "says", "showed", "looked"}
    | {"seemed", "reported", "indicated", "required", "allowed", "did", "didn't", "didn\u2019t"}
)


_QUANTIFIER_LINKS = frozenset({"on", "in", "from", "of", "at", "the", "a", "an", "our", "their"})


def _denying_quantifier(toks: Sequence[Token], subject: Phrase) -> bool:
    """The subject is the group after a denying quantifier: "no one on the rotation", "none of
    the responders", "nobody from the web team" (read back over prepositions and articles)."""
    k = subject.start - 1
    while k >= 0 and k >= subject.start - 4 and toks[k].low in _QUANTIFIER_LINKS:
        k -= 1
    if k < 0 or k == subject.start - 1:
        return False
    t = toks[k]
    if t.low in ("nobody", "no-one", "noone", "none", "neither"):
        return True
    return t.low == "one" and k > 0 and toks[k - 1].low == "no"


def _omission_at(sent: Sentence, i: int) -> bool:
    toks = sent.tokens
    return has(toks[i], C["did_not"]) or toks[i].low in ("fail", "failed", "fails")


def _possessive_nouns(sent: Sentence, known: Names) -> list[Hit]:
    """ "It was Dave's mistake", "the DBA's oversight"."""
    toks = sent.tokens
    out: list[Hit] = []
    blame_nouns = frozenset(
        {
            "mistake",
            "fault",
            "typo",
            "negligence",
            "carelessness",
            "oversight",
            "blunder",
            "screw-up",
            "screwup",
            "error",
            "slip",
            "failure",
            "lapse",
            "incompetence",
            "laziness",
            "sloppiness",
        }
    )
    for i, tok in enumerate(toks):
        if not (tok.word and tok.poss):
            continue
        m = name_at(sent, i, known)
        for k in range(i + 1, min(len(toks), i + 4)):
            t = toks[k]
            if not t.word:
                break
            if has(t, blame_nouns):
                nxt = toks[k + 1] if k + 1 < len(toks) else None
                if (
                    t.low.startswith("error")
                    and nxt is not None
                    and nxt.low
                    in (
                        "budget",
                        "budgets",
                        "rate",
                        "rates",
                        "log",
                        "logs",
                        "count",
                        "counts",
                        "message",
                        "messages",
                        "page",
                        "pages",
                        "handling",
                        "code",
                        "codes",
                    )
                ):
                    break
                if m is not None:
                    out.append(Hit(toks[i].start, t.end, "person", m.name))
                elif has(t, frozenset({"fault"})) and (
                    person_word(tok)
                    or guessed_name(sent, i)
                    or tok.low in ("someone", "somebody", "everyone", "nobody", "anyone")
                ):
                    out.append(Hit(toks[i].start, t.end, "fault"))
                break
    return out
