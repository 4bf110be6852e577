"""A root cause that stops at a person: an omission with a person as its subject, a name or role at
the end of the statement.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.codes import Code
from workflows.rules.cause.words import Verdict
from workflows.rules.names import FIRST_NAMES as _FIRST_NAMES
from workflows.rules.names import ORDINARY_NAMES as _ORDINARY
from workflows.rules.names import C as PEOPLE
from workflows.rules.text import Token, has, squash

__all__ = ["bare_omission", "person_at_the_end", "person_verdict"]


#: First words of a statement that is an omission with no subject ("Did not…", "Forgot to…").
_OMISSION_STARTS = (
    "did",
    "didn't",
    "didnt",
    "forgot",
    "failed",
    "neglected",
    "skipped",
    "ignored",
    "missed",
)


#: Past verbs of a state, not an act: "we lacked a runbook", "the team relied on one script" say
#: what was missing or depended on, a gap the reading of gaps judges.
_STATES = frozenset({"lacked", "needed", "relied", "depended", "owned", "shared"})


def person_verdict(
    statement: str, quoted: str, toks: Sequence[Token], span: tuple[int, int]
) -> Verdict:
    start, end = toks[span[0]].start, toks[span[1]].end
    return Verdict(
        Code.ROOT_CAUSE_STOPS_AT_PERSON,
        start,
        end,
        f'The root cause "{quoted}" stops at a person ("{squash(statement[start:end])}"), not at '
        "the condition that made their action possible or likely.",
    )


def bare_omission(toks: Sequence[Token]) -> tuple[int, int] | None:
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
    if (
        first.low in (*_OMISSION_STARTS, "overlooked")
        and (first.low != "did" or (len(words) > 1 and words[1][1].low == "not"))
        and not (first.low == "failed" and len(words) > 1 and words[1][1].low != "to")
    ):  # "Failed nightly jobs are retried…": an adjective, not an omission
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


#: Verbs of arrangement: "by" after them names the principle ("structured by product", "split by
#: team"), not the agent of an act.
_ARRANGED = frozenset(
    {"structured", "organised", "organized", "grouped", "split", "sorted", "arranged", "divided"}
    | {"partitioned", "sharded", "keyed", "indexed", "segmented", "aligned", "broken"}
)


def person_at_the_end(toks: Sequence[Token]) -> tuple[int, int] | None:
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
        if (
            person
            and verb is not None
            and verb.low.endswith("ed")
            and len(verb.low) > 4
            and verb.low not in _STATES
        ):
            return words[subject_end][0], words[subject_end + 1][0]
    if first.low in _OMISSION_STARTS:
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
                and not any(x.low in _ARRANGED for _, x in words[max(0, idx - 10) : idx])
            ):  # "structured by function and not by product": how, not who
                return max(0, k - 2), (words[idx + 2][0] if role is after else words[idx + 1][0])
    return None
