"""Passive human agents: a passive whose act went wrong, with a person as its agent ("the warning
was overlooked by the release crew").
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.blame.evidence import PASSIVE_AUX, Hit
from workflows.rules.names import C, Names
from workflows.rules.people import agent_after
from workflows.rules.text import Sentence, Token, has

__all__ = ["bad_before", "passive_strong", "passive_weak"]


def passive_strong(sent: Sentence, i: int, known: Names) -> Hit | None:
    """ "The outage was caused by Dave", "the warning was overlooked by the release crew"."""
    toks = sent.tokens
    tok = toks[i]
    by = _by_after(toks, i)
    if by is None:
        return None
    negated = i > 0 and toks[i - 1].low in ("not", "never", "n't")
    worse = tok.low in _WORSE and i > 0 and toks[i - 1].low in ("made", "was", "got")
    harmful = worse or has(tok, _PASSIVE_BLAME) or (negated and has(tok, C["omission_verbs"]))
    if not harmful:
        return None  # "the runbook was not followed by the responder" is harmful too
    if (
        not tok.low.endswith(("ed", "en", "t"))
        and tok.low not in ("broke", "took", "brought")
        and not worse
    ):
        return None
    accident = i > 0 and has(toks[i - 1], C["accident_adverbs"])
    if has(tok, C["destructive"]) and not (worse or accident) and _ephemeral_subject(toks, i):
        return None  # "the pod was killed by us": operations on running things are facts
    # ("the replicas were accidentally deleted by ops" says the act went wrong)
    if negated and by + 1 < len(toks) and toks[by + 1].low in ("a", "an", "another", "any"):
        return None  # "the pull request was not reviewed by another developer": a missing step
    agent = agent_after(sent, by + 1, known)
    if agent.kind not in ("person", "change") and not (
        agent.kind == "guess" and has(tok, C["human_only"])
    ):
        return None
    first = toks[i - 1] if negated else tok  # "not followed by the responder"
    return Hit(first.start, toks[agent.end].end, "person" if agent.name else "agent", agent.name)


def _by_after(toks: Sequence[Token], i: int) -> int | None:
    """The "by" of a passive: right after the participle or a few words on ("was rushed
    through review by the backend team")."""
    for k in range(i + 1, min(len(toks) - 1, i + 5)):
        t = toks[k]
        if t.low == "by":
            return k
        if not t.word or t.low in ("and", "but", "because", "so", "which", "that"):
            return None
    return None


def _ephemeral_subject(toks: Sequence[Token], i: int) -> bool:
    """The passive's subject is a running thing (a pod, a process, a session)."""
    for k in range(i - 1, max(-1, i - 5), -1):
        if toks[k].low in C["ephemeral_objects"]:
            return True
        if not toks[k].word:
            return False
    return False


_WORSE = frozenset({"worse", "longer", "harder", "slower", "messier"})


_PASSIVE_BLAME = C["strong_fail"] | C["cause_verbs"] | C["destructive"] | C["harm_verbs"]


def bad_before(sent: Sentence, i: int) -> int:
    """Start of "bad config was deployed" when a bad adjective comes shortly before the verb."""
    toks = sent.tokens
    for k in range(i - 1, max(-1, i - 5), -1):
        if not toks[k].word:
            break
        if has(toks[k], C["bad"]):
            return k
    return i


def passive_weak(sent: Sentence, known: Names) -> list[Hit]:
    """A person as the agent of a passive whose act went wrong.

    "The bad config was deployed by Erin", "the change deployed by Erin broke checkout", "the
    ticket was closed by Dolores before the fix had shipped", "the release was signed off by QA
    despite the failing smoke test", "rollback instructions were never read by the deploying
    engineer", "the schema change was pushed to prod by Yevgenia". Not a plain fact of the
    timeline: "the fix was deployed by Tomas at 15:10", "the migration was run by Priya as
    planned".
    """
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for k, by in enumerate(toks):
        if by.low != "by" or k + 1 >= n or k == 0:
            continue
        verb = _participle_before(toks, k)
        if verb is None:
            continue
        agent = agent_after(sent, k + 1, known)
        if agent.kind not in ("person", "change", "guess"):
            continue
        if agent.kind == "guess" and not (k + 1 < n and toks[k + 1].cap):
            continue
        v = toks[verb]
        negated = any(t.low in ("not", "never", "n't") for t in toks[max(0, verb - 2) : verb])
        if toks[k + 1].low in ("another", "any") or (negated and toks[k + 1].low in ("a", "an")):
            continue  # "was not reviewed by another developer": a missing step, nobody's act
        if has(v, _PASSIVE_BLAME):
            continue  # _passive_strong reads these
        rest = _window(toks, max(0, verb - 6), min(n, agent.end + 8))
        head = _subject_head(toks, verb)
        after = toks[agent.end + 1 : agent.end + 7]
        if any(t.low in C["as_planned"] for t in rest + after) or (
            head is not None and has(head, C["fix_nouns"])
        ):
            continue  # "as planned", "the fix was deployed by…"
        wrong = (negated and not has(v, C["receiving"])) or v.low == "left"
        wrong = wrong or any(_wrong_word(rest, r) for r in range(len(rest)))
        wrong = wrong or _then_neglected(toks, agent.end + 1)
        wrong = wrong or (head is not None and _harm_done(toks, head, verb))
        wrong = wrong or _bad_consequence(toks, agent.end + 1)
        change = any(has(t, C["change_nouns"]) for t in toks[max(0, verb - 5) : verb])
        undone = verb + 1 < n and toks[verb + 1].low in _UNDOING
        if not (wrong or (change and has(v, _SHIPPING) and not undone)):
            continue  # "the deploy was rolled back by Priya at 14:20": the undo is the fix
        start = bad_before(sent, verb)
        start = verb - 1 if negated and start == verb else start
        out.append(
            Hit(
                toks[start].start,
                toks[agent.end].end,
                "person" if agent.name else "agent",
                agent.name,
            )
        )
    return out


#: Units of time: "the day before it ran", "an hour before the freeze" date an act, they do not
#: say it came too soon.
_TIME_UNITS = frozenset(
    {"minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "night", "evening"}
    | {"morning", "afternoon", "month", "months", "shortly", "just", "well", "long"}
)


def _wrong_word(words: Sequence[Token], r: int) -> bool:
    """Word ``r`` says the act went wrong ("before CI had finished", "despite", "a bad config"),
    unless it is a "before"/"after" that dates it ("the day before it ran")."""
    t = words[r]
    if has(t, C["bad"]):
        return True
    if t.low not in C["wrongness"]:
        return False
    return not (t.low == "before" and r > 0 and words[r - 1].low in _TIME_UNITS)


#: Acts named as harm ("the deletion", "the typo"), the passive's subject of a verb of doing.
_HARM_NOMINALS = frozenset(
    {"deletion", "removal", "wipe", "wiping", "truncation", "overwrite", "purge", "erasure"}
)
_BAD_NOMINALS = frozenset(
    {"typo", "mistake", "error", "misconfiguration", "misconfig", "blunder", "slip", "misstep"}
)
_DOING = frozenset(
    {"performed", "done", "made", "carried", "executed", "committed", "initiated", "triggered"}
)
#: What makes a deletion harm: it was of something live or critical.
_VITAL = frozenset(
    {"production", "prod", "live", "primary", "master", "critical", "customer", "essential"}
)


def _harm_done(toks: Sequence[Token], head: Token, verb: int) -> bool:
    """The passive's subject is a harmful act and its verb one of doing: "its deletion was
    performed by a developer" (of "this critical data"), "the typo was made by the on-call";
    a deletion of nothing vital ("the deletion was performed by Priya") is a fact."""
    if toks[verb].low not in _DOING:
        return False
    if head.low in _BAD_NOMINALS:
        return True
    if head.low not in _HARM_NOMINALS:
        return False
    return any(t.low in _VITAL for t in toks[max(0, verb - 30) : verb])


#: Words that open the consequence of an act: "…by the networking team, so the record stayed
#: cached", "…, which starved the workers", "…, causing every login to fail".
_SO = frozenset({"so", "which", "causing", "leaving", "meaning"})
#: A failure in the consequence, beyond ``failure_events`` and ``bad``.
_HARMED = frozenset(
    {"starve", "starved", "stuck", "stale", "hung", "fail", "fails", "failing", "timed", "lose"}
    | {"overloaded", "overwhelmed", "blocked", "rejected", "unreachable", "unavailable", "outage"}
    | {"dropped", "lost", "broke", "broken", "cached"}
)


_TIME_SUBORDINATORS = frozenset({"after", "until", "once", "when", "before", "while"})
#: An error rate or a queue that went down, or a failure cut short ("failed for only two
#: minutes"): the consequence is the mend.
_EASED = frozenset(
    {"fell", "eased", "cleared", "drained", "decreased", "declined", "shrank", "only", "briefly"}
)


def _bad_consequence(toks: Sequence[Token], k: int) -> bool:
    """After the passive's agent (and a time phrase: "on Monday", "the week before"), a
    consequence that is a failure: "the TTL was raised to 24 hours by the networking team the
    week before, so the bad record stayed cached"; one that mends or speeds something ("…, so
    the fix propagated quickly") is not."""
    n = len(toks)
    for m in range(k, min(n, k + 8)):
        if toks[m].low in _SO:
            after: list[Token] = []
            for t in toks[m + 1 : m + 12]:
                if t.low in _TIME_SUBORDINATORS or t.text in (".", ";", ":"):
                    break  # "…long after the rollback": when, not what
                after.append(t)
            if any(
                has(t, C["recovery_words"]) or has(t, C["fix_nouns"]) or t.low in _EASED
                for t in after
            ):
                return False
            return any(
                has(t, C["bad"]) or has(t, C["failure_events"]) or t.low in _HARMED for t in after
            )
        if toks[m].text in (".", ";", ":"):
            return False
    return False


#: What the agent then did with the thing: "and then ignored", "and left alone until…".
_LEFT_ALONE = frozenset({"alone", "untouched", "unattended", "unanswered", "unaddressed"})


def _then_neglected(toks: Sequence[Token], k: int) -> bool:
    """After the passive's agent, a coordinated neglect: "was acknowledged by the night shift
    lead and then ignored until the disks filled", "…and then left alone"."""
    n = len(toks)
    if k >= n or toks[k].low not in ("and", "but"):
        return False
    for m in range(k + 1, min(n, k + 5)):
        t = toks[m]
        if not t.word:
            return False
        if has(t, C["strong_fail"]) and t.low.endswith(("ed", "t")):
            return True  # "and then ignored", "but never followed up" reads the omission rules
        if t.low in _LEFT_ALONE:
            return True
    return False


def _window(toks: Sequence[Token], start: int, end: int) -> list[Token]:
    """The words from ``start`` to ``end``, up to the first comma, colon or semicolon after the
    passive's agent: what the passive's circumstances can be read from."""
    out: list[Token] = []
    for k in range(start, end):
        t = toks[k]
        if t.text in (";", ":", ",") and k > start + 4:
            break
        out.append(t)
    return out


def _subject_head(toks: Sequence[Token], verb: int) -> Token | None:
    """The last word before the auxiliary of the passive ending at ``verb``."""
    for a in range(verb - 1, max(-1, verb - 5), -1):
        if toks[a].low in PASSIVE_AUX or toks[a].low in ("been", "being", "had", "has", "have"):
            continue
        if (toks[a].word and a < verb - 1) or (
            toks[a].word and toks[a].low not in ("never", "not")
        ):
            return toks[a] if a < verb else None
    return None


# What takes a change to production: "the schema change was pushed to prod by Yevgenia".
_SHIPPING = frozenset(
    {
        "push",
        "deploy",
        "merge",
        "apply",
        "run",
        "ship",
        "roll",
        "release",
        "execute",
        "launch",
        "kick",
    }
)


#: The particle that turns a shipping verb into its undo: "rolled back", "pushed back" (not "rolled
#: out", which ships).
_UNDOING = frozenset({"back"})


def _participle_before(toks: Sequence[Token], by: int) -> int | None:
    """The participle of a passive ending at "by": "was closed by", "had been left uninstalled by",
    "was pushed to prod by", "were never read by"."""
    quoted = 0
    for v in range(by - 1, max(-1, by - 9), -1):
        t = toks[v]
        if t.quoted or t.text in _QUOTES:
            quoted += 1  # "was closed as 'cannot reproduce' by QA": the quote is the complement
            continue
        if by - v - quoted > 6:
            return None
        if not t.word:
            return None
        if t.low.endswith(("ed", "en", "wn", "ne")) or t.low in _IRREGULAR_PARTICIPLES:
            for a in range(v - 1, max(-1, v - 4), -1):
                # Past passives only: "are owned by teams" states how things are done.
                if toks[a].low in ("was", "were", "been", "being", "got"):
                    return v
                if not toks[a].word:
                    break
            # "the change deployed by Erin broke checkout": a reduced relative clause
            if v > 0 and has(toks[v - 1], C["change_nouns"]):
                return v
    return None


_QUOTES = frozenset({"'", '"', "\u2018", "\u2019", "\u201c", "\u201d"})


_IRREGULAR_PARTICIPLES = frozenset(
    {
        "left",
        "run",
        "read",
        "set",
        "put",
        "shut",
        "cut",
        "hit",
        "kept",
        "sent",
        "made",
        "built",
        "signed",
        "waved",
        "pushed",
        "told",
        "held",
        "let",
        "spent",
        "brought",
        "bought",
        "caught",
    }
)
