"""Counterfactuals about people: "should have" with a person as subject, "if Lars had…", an easy
alternative, a past duty, a swap of people.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.blame.clauses import after_condition, knowing_subject
from workflows.rules.blame.evidence import HAVE, RAW, Hit, span_start
from workflows.rules.blame.should import bare_should_have, should_word
from workflows.rules.names import C, Names, guessed_name, name_at, person_word
from workflows.rules.people import agent_after, subject_of
from workflows.rules.text import Sentence, Token, has

__all__ = ["counterfactual_hits"]


_WOULD = frozenset(RAW["would_forms"])


_PERCEIVE = frozenset(RAW["perception_verbs"]) | C["omission_verbs"]


_POSSESSION_NEXT = frozenset(
    {
        "a",
        "an",
        "the",
        "one",
        "two",
        "three",
        "no",
        "any",
        "some",
        "more",
        "less",
        "fewer",
        "its",
        "their",
        "our",
        "at",
        "enough",
        "access",
        "permission",
        "permissions",
        "ownership",
        "been",
        "to",
        "had",
        "several",
        "multiple",
        "both",
        "all",
        "each",
        "every",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "my",
        "your",
        "only",
        "just",
        "clear",
        "alerts",
        "alerting",
        "tests",
        "monitoring",
        "automation",
        "checks",
        "guardrails",
        "rights",
        "visibility",
        "insight",
        "data",
        "time",
        "capacity",
        "headroom",
        "sufficient",
    }
)


#: Pronouns that stand for things as often as for people.
_THING_PRONOUNS = frozenset({"they", "them", "these", "those"})
_DESIGN_WORDS = frozenset(
    {"intended", "designed", "expected", "documented", "configured", "specified"}
)


def _as_designed(toks: Sequence[Token], v: int) -> bool:
    """The verb at ``v`` is followed by "as intended", "as designed": a thing's working, not an
    act ("had any of them performed as intended")."""
    return v + 2 < len(toks) and toks[v + 1].low == "as" and toks[v + 2].low in _DESIGN_WORDS


def counterfactual_hits(sent: Sentence, known: Names) -> list[Hit]:
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for i, tok in enumerate(toks):
        if not tok.word:
            continue
        low = tok.low
        if i == 0 and low == "with":
            swap = _person_swap(sent, known)
            if swap is not None:
                out.append(swap)
                continue
        duty = _duty(sent, i, known)
        if duty is not None:
            out.append(duty)
            continue
        # "should have" / "shoulda" / "should of" / "shouldn't have"
        if should_word(low) or bare_should_have(low):
            end = _should_have_end(toks, i)
            if end is None:
                continue
            after = end + 1
            if (
                after < n
                and toks[after].word
                and toks[after].low in _POSSESSION_NEXT
                and toks[after].low != "been"
            ):
                continue
            subject = subject_of(sent, i, known)
            if (
                toks[subject.end].low == "who"
                and subject.end > 0
                and toks[subject.end - 1].low in _ABOUT
            ):
                continue  # "steer the discussion away from who should have done what"
            receiving = after < n and (
                has(toks[after], C["receiving_active"])
                or (
                    toks[after].low == "been"
                    and after + 1 < n
                    and has(toks[after + 1], C["receiving"])
                )
            )
            if receiving:
                continue  # "the team should have received an alert", "…should have been paged"
            if subject.kind in ("person", "change", "guess") or (
                subject.kind == "none" and not (after < n and toks[after].low == "been")
            ):
                out.append(Hit(tok.start, toks[end].end, "counterfactual"))
            elif subject.kind == "system" and (
                after + 1 < n
                and toks[after].low == "been"
                and has(toks[after + 1], C["human_only"])
            ):
                # "New tool/component (GitOps) shouldn't have been rushed to production": only
                # people rush, whatever was rushed
                out.append(Hit(tok.start, toks[after + 1].end, "counterfactual"))
            elif (
                subject.kind == "none"
                or (subject.kind == "system" and toks[subject.end].low in ("it", "this", "that"))
            ) and (after < n and toks[after].low == "been"):
                # "This should have been caught by the reviewer": blame only with a human agent,
                # or with a participle only people do ("shouldn't have been rushed").
                if after + 1 < n and has(toks[after + 1], C["human_only"]):
                    out.append(Hit(tok.start, toks[after + 1].end, "counterfactual"))
                    continue
                agent = None
                for k in range(after + 1, min(n, after + 5)):
                    if toks[k].low == "by" and k + 1 < n:
                        agent = agent_after(sent, k + 1, known)
                        break
                if agent is not None and agent.kind in ("person", "guess"):
                    out.append(Hit(tok.start, toks[end].end, "counterfactual"))
            continue
        # "if Lars had read the alert", "had the on-call checked", "if only they had waited"
        if low in ("if", "had") and (
            low == "if"
            or tok.first
            or (i > 0 and not toks[i - 1].word)
            or (i + 1 < n and toks[i + 1].low in C["inverted_subjects"])
        ):
            k = i + 1
            if low == "if" and k < n and toks[k].low == "only":
                k += 1
            if k >= n:
                continue
            agent = agent_after(sent, k, known)
            if agent.kind not in ("person", "guess"):
                continue
            v = agent.end + 1
            if (
                v + 1 < n
                and toks[v].low in ("on", "in", "at")
                and toks[v + 1].low in ("call", "duty", "charge", "shift", "the")
            ):
                v += 2  # "if the engineer on call had…"
            if agent.end + 1 < n and toks[agent.end + 1].low in ("on", "in", "from", "of", "with"):
                # "if someone on the platform team had…": read over the modifier to its verb
                for w in range(agent.end + 2, min(n, agent.end + 7)):
                    if not toks[w].word:
                        break
                    if toks[w].low in ("had", "'d", "hadn't"):
                        v = w
                        break
            if low == "if":
                if not (v < n and toks[v].low in ("had", "'d", "hadn't", "would've", "could")):
                    continue
                v += 1
                w = v + 1 if v < n and toks[v].low == "not" else v
                if (
                    w + 1 < n
                    and toks[w].low == "been"
                    and (
                        toks[w + 1].low.endswith("ing")
                        or (toks[w + 1].low == "the" and w + 2 < n and toks[w + 2].low == "one")
                    )
                ):
                    # "if Abebe had not been multitasking", "if Chen Jing had been the one"
                    out.append(Hit(tok.start, toks[w + 1].end, "counterfactual"))
                    continue
            elif (
                v < n
                and toks[v].low == "been"
                and not (v + 1 < n and has(toks[v + 1], C["receiving"]))
            ):
                # "Had Ngozi been on the bridge call", "had he been paying attention"
                out.append(Hit(tok.start, toks[v].end, "counterfactual"))
                continue
            while v < n and toks[v].low in (
                "just",
                "only",
                "simply",
                "actually",
                "been",
                "bothered",
                "to",
                "not",
                "more",
                "a",
                "bit",
                "little",
            ):
                if toks[v].low == "bothered" and v + 2 < n and toks[v + 1].low == "to":
                    out.append(Hit(tok.start, toks[v + 2].end, "counterfactual"))
                    break  # "if sven had bothered to open the runbook"
                if toks[v].low == "been" and v + 1 < n:
                    care = next((x for x in toks[v + 1 : v + 4] if has(x, C["care_words"])), None)
                    if care is not None:  # "had the engineer been more careful"
                        out.append(Hit(tok.start, care.end, "counterfactual"))
                        break
                v += 1
            if (
                v < n
                and toks[v].word
                and (
                    has(toks[v], _PERCEIVE)
                    or has(toks[v], C["strong_fail"])
                    # Any act of someone else ("if Aleksander had restarted…"); for "we" and "I"
                    # only a missed check: "if we had deployed sooner" is about a practice.
                    or (toks[v].low.endswith("ed") and toks[agent.end].low not in ("we", "i"))
                )
                and toks[v].low not in _POSSESSION_NEXT
                # Active voice: "had Jonas asked" is his act, "if we had received the alert"
                # is the system's part.
                and not has(
                    toks[v],
                    C["receiving"] if toks[v - 1].low == "been" else C["receiving_active"],
                )
            ):
                if toks[v].low in ("had", "a", "an", "the"):
                    continue
                if _as_designed(toks, v) and toks[agent.end].low in _THING_PRONOUNS:
                    continue  # "had any of them performed as intended": the backups, not people
                out.append(Hit(tok.start, toks[v].end, "counterfactual"))
            continue
        # "X could have prevented this", "a person would have spotted it" — not the main clause
        # of a condition about the system ("if the dashboard had shown the lag, the on-call
        # would have waited": the person is fine, the dashboard is the point).
        adverb = (
            low in _WOULD and i + 2 < n and toks[i + 1].low in _EASILY and toks[i + 2].low in HAVE
        )
        if (
            low in _WOULD
            and i + 1 < n
            and (toks[i + 1].low in HAVE or low.endswith("'ve") or adverb)
            and not after_condition(toks, i)
        ):
            v = i + 3 if adverb else i + 2 if toks[i + 1].low in HAVE else i + 1
            easy = adverb or (v < n and toks[v].low in _EASILY)
            if easy and not adverb:
                v += 1  # "could have simply rolled back": any act, made to look obvious
            knowing = knowing_subject(toks, i)
            if (
                v < n
                and toks[v].word
                and (
                    has(toks[v], _PERCEIVE)
                    or ((easy or knowing) and toks[v].low.endswith(("ed", "t", "n")))
                )
                and toks[v].low not in _POSSESSION_NEXT
            ):
                subject = subject_of(sent, i, known)
                if subject.kind in ("person", "guess") and toks[subject.end].low not in (
                    "we",
                    "i",
                    "you",
                    "they",
                    "it",
                ):
                    out.append(Hit(toks[subject.start].start, toks[v].end, "counterfactual"))
    return out


def _person_swap(sent: Sentence, known: Names) -> Hit | None:
    """ "With Niamh on the bridge instead of the new hire, this would have been a blip": a
    condition that swaps one person for another."""
    toks = sent.tokens
    n = len(toks)
    first = agent_after(sent, 1, known)
    if first.kind not in ("person", "guess"):
        return None
    for k in range(first.end + 1, min(n - 2, first.end + 8)):
        if toks[k].low in ("instead", "rather") and toks[k + 1].low in ("of", "than"):
            other = agent_after(sent, k + 2, known)
            if other.kind in ("person", "guess"):
                return Hit(toks[0].start, toks[other.end].end, "counterfactual", first.name)
        if toks[k].text in (",", ".", ";"):
            return None
    return None


def _duty(sent: Sentence, i: int, known: Names) -> Hit | None:
    """A past duty of a person, said to show it was not done: "the on-call was supposed to
    check the lag", "it was the DBA's job to verify the backups", "it would have been trivial
    for the on-call to fail over". Present duties are policy ("the on-call's job is to…")."""
    toks = sent.tokens
    n = len(toks)
    tok = toks[i]
    low = tok.low
    if (
        low in ("supposed", "meant")
        and 0 < i < n - 2
        and toks[i - 1].low in ("was", "were")
        and toks[i + 1].low == "to"
        and toks[i + 2].word
        and not has(toks[i + 2], C["receiving"])
    ):
        subject = subject_of(sent, i, known)
        if _given_instead(toks, i):
            return None  # "Ops was meant to deactivate X, but received instead Y": let down
        if subject.kind in ("person", "guess") and toks[subject.end].low not in C["not_agents"]:
            start = span_start(toks, subject)
            return Hit(toks[start].start, toks[i + 2].end, "counterfactual", subject.name)
    if (
        low in ("job", "responsibility", "duty", "task")
        and 1 < i < n - 1
        and toks[i + 1].low == "to"
        and toks[i - 1].poss
        and any(t.low in ("was", "were") for t in toks[max(0, i - 4) : i - 1])
    ):
        owner = i - 1
        if name_at(sent, owner, known) or person_word(toks[owner]) or guessed_name(sent, owner):
            return Hit(toks[owner].start, toks[i + 1].end, "fault", None)
    if (
        low in ("trivial", "easy", "simple", "obvious")
        and 2 <= i < n - 2
        and toks[i - 1].low == "been"
        and toks[i - 2].low in HAVE
        and toks[i + 1].low == "for"
    ):
        agent = agent_after(sent, i + 2, known)
        if (
            agent.kind in ("person", "guess")
            and agent.end + 1 < n
            and toks[agent.end + 1].low == "to"
        ):
            return Hit(toks[i - 2].start, toks[agent.end].end, "counterfactual", agent.name)
    return None


def _given_instead(toks: list[Token], i: int) -> bool:
    """The duty is followed by "but received / was given / got" : the person acted on what they
    were handed, which tells the condition behind the act, not a duty left undone."""
    for k in range(i + 3, len(toks) - 1):
        if toks[k].low == "but":
            return any(
                has(t, C["receiving_active"]) or t.low == "given" for t in toks[k + 1 : k + 4]
            )
    return False


_ABOUT = frozenset({"from", "about", "on", "of", "over", "ask", "asking", "discuss", "discussing"})


_EASILY = frozenset({"simply", "just", "easily", "trivially", "quickly", "obviously"})


#: A condition about a person's care is no condition about the system: "with a bit more care,
#: the DBA would have noticed the lag".
_BETWEEN_SHOULD_AND_HAVE = frozenset(
    {"not", "never", "really", "probably", "definitely", "clearly", "certainly", "also", "just"}
)


def _should_have_end(toks: list[Token], i: int) -> int | None:
    n = len(toks)
    low = toks[i].low
    if bare_should_have(low):
        return i
    k = i + 1
    if low in ("ought", "oughta") and k < n and toks[k].low == "to":
        k += 1
    # "should not have", "should never have", "should really have", "should probably not have"
    while k < n and k <= i + 2 and toks[k].low in _BETWEEN_SHOULD_AND_HAVE:
        k += 1
    if k < n and toks[k].low in HAVE:
        if toks[k].low == "a" and not (k + 1 < n and toks[k + 1].low.endswith(("ed", "en"))):
            return None
        return k
    return None
