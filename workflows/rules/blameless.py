"""Blameless language: a sentence that makes a person the cause of a failure, or judges them.

Each sentence is read on its own (:func:`workflows.rules.text.split`). Three kinds of evidence make
a finding, each with its span and its reason:

* **phrases** from ``data/blame.json`` — judgement words ("slapdash", "negligent"), fault and blame
  idioms ("dropped the ball"), "human error" and its euphemisms, sarcasm, disclaimers and
  insinuation — kept only where their conditions hold (a person in the sentence for sarcasm, no
  technical sense such as "segmentation fault", not inside a negation that rejects them: "we
  chose not to call this a mistake by the operator");
* **agents**: a person, role, team, responder or pronoun as the subject of a failure ("the DBA
  didn't check the replica", "Oksana's migration dropped the index", "we wrongly assumed…", "the
  outage started when Lars pushed the rules", "deployed without running the tests"), or as the
  agent of a passive whose act went wrong ("the warning was overlooked by the release crew", "the
  release was signed off by QA despite the failing smoke test"); systems as subjects, people
  acting inside a condition the system set ("the console lets anyone delete a cluster"), users
  and customers, and plain facts of the timeline ("the fix was deployed by Tomas") are fine;
* **acts and what they did**: a person's act followed in the same sentence by the harm it did
  ("pushed a config that disabled TLS", "restarted both brokers, which is what took the queue
  down", "let the certificate expire"), done at the wrong moment or in the wrong way ("merged
  before CI had finished", "instead of the standby", "the wrong power feed", "with the dry-run
  flag removed", "although the staging run had failed"), deleting something live ("deleted the
  production database"), or singled out by a cleft ("it was Hiroshi who turned off the
  alerts") — but not a fix or a remedy ("a patch that stopped the errors", "disabled the broken
  check"), the object's own course ("it crashed again", "failed over"), or an act by the
  runbook or the plan;
* **counterfactuals** about people: "should have" whose subject is a person (not "the replica
  should have taken over", not "the team should have received an alert"), "if Lars had read the
  alert", "had Ngozi been on the call", "a more experienced engineer would have…", an easy
  alternative ("could have simply rolled back"), a past duty ("was supposed to check", "it was
  the DBA's job to"), a swap of people ("with Niamh on the bridge instead of the new hire") —
  but not a condition about a tool or a practice ("if the dashboard had shown the lag, the
  on-call would have waited").

Names come from the responders and from lexicons of given and family names of many cultures
(``data/given_names.txt``, ``data/family_names.txt``, built by ``tests/rules/build_names.py``);
a name that is also an ordinary word counts only where it is written as a name.

Nothing inside quotation marks counts: a quoted phrase is reported speech or a term under
discussion; a denial or a framing before the evidence ("nobody ignored…", "it is tempting to
say…") takes it back. Overlapping evidence makes one finding over the union of the spans, with
the message of the most specific family.

Cost: every condition a phrase asks of its sentence is answered from tables built once per
sentence (:class:`_Context`), every look-around is bounded, and the last texts' hits are
remembered, so a text costs time linear in its length.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from workflows.codes import Code
from workflows.review import Finding
from workflows.rules.common import ONE_MORE_WHY
from workflows.rules.lexicon import read_json
from workflows.rules.match import Pattern, PatternSet, compile_pattern
from workflows.rules.people import (
    SYSTEMS,
    C,
    Names,
    Phrase,
    agent_after,
    guessed_name,
    mentions,
    name_at,
    names,
    names_key,
    person_word,
    subject_of,
)
from workflows.rules.text import Sentence, Token, fold, has, split, squash

__all__ = ["BLAME_PATTERN_NAMES", "FAMILIES", "Family", "fold_name", "lint_text", "select"]

_LOOK_RIGHT = "what conditions made this decision look right at the time?"


@dataclass(frozen=True)
class Family:
    """Findings that share a code, a message and a rewrite hint."""

    code: Code
    rank: int  # lower wins when two findings overlap
    message: str  # formatted with {span}
    hint: str


FAMILIES: dict[str, Family] = {
    "person": Family(
        Code.BLAME_PERSON_SUBJECT,
        0,
        '"{span}" makes a person the subject of a failure.',
        "Make the system the subject: what conditions made this action look right at the time? "
        'For example "The deploy pipeline allowed a config change without a canary".',
    ),
    "human_error": Family(
        Code.BLAME_HUMAN_ERROR,
        1,
        '"{span}" stops the analysis at a person.',
        f"{ONE_MORE_WHY} Name the missing guardrail, check or safer default instead of the error.",
    ),
    "counterfactual": Family(
        Code.BLAME_COUNTERFACTUAL,
        2,
        '"{span}" is a counterfactual about a person: it describes what they did not do.',
        f"Describe what actually happened and why it made sense at the time: {_LOOK_RIGHT}",
    ),
    "sarcasm": Family(
        Code.BLAME_SARCASM,
        2,
        '"{span}" is sarcasm aimed at a person or team.',
        "Say plainly what happened and what in the system allowed it; irony reads as blame.",
    ),
    "disclaimer": Family(
        Code.BLAME_INSINUATION,
        2,
        '"{span}" disclaims blame and then points at someone.',
        "Drop the disclaimer and the pointing: describe the conditions, not the person. "
        f"{_LOOK_RIGHT[0].upper()}{_LOOK_RIGHT[1:]}",
    ),
    "insinuation": Family(
        Code.BLAME_INSINUATION,
        2,
        '"{span}" insinuates who is to blame.',
        "State the facts of the timeline and the conditions behind them; leave out hints about "
        "who.",
    ),
    "judgement": Family(
        Code.BLAME_LANGUAGE,
        3,
        '"{span}" judges a person instead of describing the system.',
        "Describe the situation, not the person: what did they see and know, and what conditions "
        "made this decision look right at the time?",
    ),
    "fault": Family(
        Code.BLAME_LANGUAGE,
        3,
        '"{span}" assigns blame.',
        "Replace who with what: which condition, tool or process let this happen, and why did "
        "the action look right at the time?",
    ),
    "self_blame": Family(
        Code.BLAME_LANGUAGE,
        3,
        '"{span}" blames yourselves: self-blame is still blame.',
        f"Describe what the system let you do and what you knew then; {_LOOK_RIGHT}",
    ),
    "omission": Family(
        Code.BLAME_LANGUAGE,
        3,
        '"{span}" blames a person for a missed step.',
        "What made this step easy to miss? Name the missing reminder, check or automation "
        "rather than the person.",
    ),
    "agent": Family(
        Code.BLAME_LANGUAGE,
        4,
        '"{span}" makes a person the cause of a failure.',
        "Make the system the subject: which check, default or tool let this happen, and what "
        "made the action look right at the time?",
    ),
}

_RAW = read_json("blame.json")


def _compile() -> PatternSet:
    patterns: list[Pattern] = []
    for entry in _RAW["patterns"]:
        info = {k: v for k, v in entry.items() if k not in ("name", "pattern")}
        # Judgements and omissions are rejected by a negation before them ("nobody was
        # careless", "not a lazy review") unless the pattern is itself a negation.
        if info["family"] in ("judgement", "omission") and not info.get("needs_negation"):
            info.setdefault("negatable", True)
        patterns.append(compile_pattern(entry["name"], entry["pattern"], C, **info))
    return PatternSet(patterns)


_PATTERNS = _compile()

#: Distinct blame phrase names (documentation and tests use these).
BLAME_PATTERN_NAMES: tuple[str, ...] = tuple(p.name for p in _PATTERNS.patterns)

_SHOULD = frozenset(_RAW["should_forms"])
_HAVE = frozenset(_RAW["have_forms"])
_BARE_SHOULD_HAVE = frozenset(_RAW["bare_should_have"])
_WOULD = frozenset(_RAW["would_forms"])
_PERCEIVE = frozenset(_RAW["perception_verbs"]) | C["omission_verbs"]
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
_CREDIT = C["credit"]
_BUT = frozenset({"but", "however", "though", "although", "yet", "still"})
_BY = frozenset({"by"})
_BE = frozenset({"be", "get"})


@dataclass(slots=True)
class _Hit:
    start: int  # character offsets
    end: int
    family: str
    name: str | None = None  # the responder or given name, for person findings
    rank_bonus: int = 0


def lint_text(text: str, responders: Sequence[str] = (), field: str | None = None) -> list[Finding]:
    """Blameless-language findings in ``text``, sorted by offset. Never raises.

    Args:
        text: Free text from the review.
        responders: Names of the people involved; a responder doing a good thing is fine.
        field: Where the text lives in the review, copied onto each finding.
    """
    if not text or not text.strip():
        return []
    key = names_key(responders)
    return [_finding(h, text, field, h.name in key) for h in _hits(text, key)]


@lru_cache(maxsize=256)
def _hits(text: str, responders: tuple[str, ...]) -> tuple[_Hit, ...]:
    """The selected hits of a text, remembered for the texts checked last.

    A review is checked field by field on every ``status`` query and every validator, and the
    root-cause check reads its statement's blame: the same texts come back again and again. The
    result depends on nothing but the arguments, so remembering it changes no answer.
    """
    known = names(responders)
    hits: list[_Hit] = []
    praise: tuple[int, int] | None = None  # a "Nice one, Lars." sentence just before
    for sent in split(text):
        if not sent.words:
            continue
        hits.extend(_sentence(sent, known))
        if praise is not None and _failure_event(sent):
            hits.append(_Hit(praise[0], praise[1], "sarcasm"))
        praise = _praise_alone(sent, known)
    return tuple(select(hits, len(text)))


def select(hits: Sequence[_Hit], length: int) -> list[_Hit]:
    """Non-overlapping findings: overlapping hits merge into one whose span is their union and
    whose family is the most specific of them ("The DBA forgot" and "forgot to" read as one
    "The DBA forgot to", with the omission's message).

    One sort and one sweep (no pairwise tests), so a text of thousands of trigger words stays fast;
    ``length`` bounds the offsets.
    """
    ordered = sorted(hits, key=lambda h: (h.start, h.end))
    kept: list[_Hit] = []
    for h in ordered:
        if h.end <= h.start or h.end > length:
            continue
        last = kept[-1] if kept else None
        if last is not None and h.start < last.end:
            last.end = max(last.end, h.end)
            if _rank(h) < _rank(last):
                last.family, last.rank_bonus = h.family, h.rank_bonus
            last.name = last.name or h.name
            continue
        kept.append(_Hit(h.start, h.end, h.family, h.name, h.rank_bonus))
    return kept


def _rank(hit: _Hit) -> int:
    return FAMILIES[hit.family].rank + hit.rank_bonus


def _finding(hit: _Hit, text: str, field: str | None, responder: bool) -> Finding:
    family = FAMILIES[hit.family]
    span = text[hit.start : hit.end]
    message = family.message.format(span=squash(span))
    if hit.name and hit.family == "person":
        who = f"{squash(hit.name)}, a responder," if responder else squash(hit.name)
        message = f'"{squash(span)}" makes {who} the subject of a failure.'
    elif hit.name and responder:
        message += f" It names {squash(hit.name)}, a responder."
    return Finding(
        code=family.code.value,
        kind="blame",
        field=field,
        start=hit.start,
        end=hit.end,
        text=span,
        message=message,
        hint=family.hint,
    )


# --- one sentence ------------------------------------------------------------------------------


class _Context:
    """Facts about one sentence that the phrase conditions ask, computed once.

    A condition such as "a person elsewhere in the sentence" or "a failure word after the phrase"
    is answered from these tables in constant time, so a sentence made of thousands of trigger
    words still costs time linear in its length.
    """

    def __init__(self, sent: Sentence, known: Names) -> None:
        toks = sent.tokens
        n = len(toks)
        self.people = mentions(sent, known)
        self.first_end = min((m.end for m in self.people), default=n)
        self.last_start = max((m.start for m in self.people), default=-1)
        self.any_poss = any(t.poss for t in toks)
        self.any_self = any(t.low in C["self_subjects"] for t in toks)
        self.any_failure = any(
            has(t, C["strong_fail"])
            or has(t, C["cause_objects"])
            or (has(t, C["did_not"]) and t.low != "not")
            for t in toks
        )
        self.credit = _prefix([has(t, _CREDIT) for t in toks])
        self.strong_event = any(t.low in _STRONG_EVENTS for t in toks)
        events = [has(t, C["sarcasm_events"]) for t in toks]
        self.events_after = _suffix(events)
        self.events = _prefix(events)
        self.strong_fail_after = _suffix([has(t, C["strong_fail"]) for t in toks])
        self.failure_after = _suffix(
            [
                has(t, C["strong_fail"]) or has(t, C["destructive"]) or has(t, C["cause_objects"])
                for t in toks
            ]
        )
        self.next_but = [n] * (n + 1)
        for k in range(n - 1, -1, -1):
            self.next_but[k] = k if toks[k].low in _BUT else self.next_but[k + 1]
        self.index = {t.start: k for k, t in enumerate(toks)}
        self.starts = [t.start for t in toks]
        quoted = [0] * (n + 1)
        for k, t in enumerate(toks):
            quoted[k + 1] = quoted[k] + (1 if t.word and t.quoted else 0)
        self.quoted = quoted

    def credit_outside(self, i: int, j: int) -> bool:
        """A word of credit ("fixed", "quickly", "help") outside tokens ``i..j``."""
        return self.credit[-1] - (self.credit[j + 1] - self.credit[i]) > 0

    def event_outside(self, i: int) -> bool:
        """A failure or risk word ("outage", "Friday", "deploy") other than token ``i``."""
        return self.events[-1] - (self.events[i + 1] - self.events[i]) > 0

    def person_outside(self, i: int, j: int) -> bool:
        """A person mentioned before token ``i`` or after token ``j``."""
        return self.first_end < i or self.last_start > j

    def quoted_within(self, start: int, end: int) -> bool:
        """A quoted word starts inside the character span ``start..end``."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end)
        return self.quoted[last] > self.quoted[first]


_STRONG_EVENTS = frozenset({"another", "again", "yet", "usual", "friday", "fridays"})


_WORDS_FOR_WORDS = frozenset(
    {
        "word",
        "words",
        "term",
        "terms",
        "language",
        "phrase",
        "phrases",
        "phrasing",
        "vocabulary",
        "adjective",
        "adjectives",
        "label",
        "labels",
        "wording",
    }
)


def _mentioned(toks: Sequence[Token], i: int) -> bool:
    """Token ``i`` is named as a word, not used: "words such as careless", "terms like…"."""
    for k in range(i - 1, max(-1, i - 6), -1):
        if toks[k].low in _WORDS_FOR_WORDS:
            return True
        if toks[k].text in (".", ";", ":"):
            return False
    return False


def _prefix(flags: Sequence[bool]) -> list[int]:
    """``out[k]``: how many flags before ``k``."""
    out = [0] * (len(flags) + 1)
    for k, flag in enumerate(flags):
        out[k + 1] = out[k] + (1 if flag else 0)
    return out


def _suffix(flags: Sequence[bool]) -> list[bool]:
    """``out[k]``: some flag at ``k`` or after."""
    out = [False] * (len(flags) + 1)
    for k in range(len(flags) - 1, -1, -1):
        out[k] = flags[k] or out[k + 1]
    return out


def _sentence(sent: Sentence, known: Names) -> list[_Hit]:
    toks = sent.tokens
    ctx = _Context(sent, known)
    out: list[_Hit] = []
    for pattern, i, j in _PATTERNS.scan(toks):
        if _mentioned(toks, i):
            continue  # "loaded words such as careless or negligent": the word, not its use
        if _phrase_holds(pattern, sent, i, j, ctx, known):
            if pattern.info.get("extend_to_negation"):
                i = _negation_start(sent, i)
            out.append(_Hit(toks[i].start, toks[j].end, str(pattern.info["family"])))
    framed = _agents(sent, known) + _counterfactuals(sent, known)
    for h in framed:
        at = ctx.index.get(h.start, 0)
        if not _framed_rejection(sent, at) and not _denied_before(sent, at):
            out.append(h)
    return [h for h in out if not ctx.quoted_within(h.start, h.end)]


def _phrase_holds(p: Pattern, sent: Sentence, i: int, j: int, ctx: _Context, known: Names) -> bool:
    toks = sent.tokens
    info = p.info
    prev = toks[i - 1] if i > 0 else None
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    if prev is not None and "veto_prev" in info and prev.low in info["veto_prev"]:  # type: ignore[operator]
        return False
    if nxt is not None and "veto_next" in info and nxt.low in info["veto_next"]:  # type: ignore[operator]
        return False
    if (
        prev is not None
        and "veto_prev_class" in info
        and has(prev, C[str(info["veto_prev_class"])])
    ):
        return False
    if (
        nxt is not None
        and "veto_next_class" in info
        and (has(nxt, C[str(info["veto_next_class"])]) or (nxt.text == "-" and j + 2 < len(toks)))
    ):
        return False
    if info.get("needs_poss_before") and not (
        (prev is not None and prev.poss)
        or (prev is not None and prev.low in ("my", "our", "his", "her", "their", "your", "whose"))
    ):
        return False
    if info.get("needs_end_or_punct") and nxt is not None and nxt.word:
        return False
    others = ctx.person_outside(i, j)
    if info.get("needs_person") and not others:
        return False
    if info.get("needs_person_or_poss") and not others and not ctx.any_poss:
        return False
    if info.get("needs_self") and not ctx.any_self:
        return False
    if info.get("needs_person_after") and not ctx.last_start > j:
        return False
    if info.get("needs_but_person") and not _but_then_person(ctx, j):
        return False
    if info.get("needs_failure_word") and not ctx.any_failure:
        return False
    if info.get("needs_failure_or_event") and not (ctx.any_failure or ctx.event_outside(i)):
        return False
    if info.get("needs_failure_or_person") and not (
        ctx.any_failure or ctx.any_poss or ctx.person_outside(i, j)
    ):
        return False
    if info.get("needs_failure_after") and not ctx.failure_after[min(j + 1, len(toks))]:
        return False
    if info.get("needs_agent_subject") and not _agent_subject(sent, i, known):
        return False
    if info.get("needs_sarcasm") and not _sarcastic(ctx, i, j):
        return False
    if info.get("needs_negation") and not _negated_before(
        sent, i, int(str(info.get("negation_window", 4)))
    ):
        return False
    return not (info.get("negatable") and _rejected(sent, i, j))


def _agent_subject(sent: Sentence, i: int, known: Names) -> bool:
    """An active verb whose subject is not a system ("the backup job forgot to…" is no blame);
    a passive ("the step was forgotten") or a bare verb ("Forgot to renew the cert") counts."""
    toks = sent.tokens
    if i > 0 and toks[i - 1].low in _PASSIVE_AUX:
        return True
    subject = subject_of(sent, i, known)
    if subject.kind != "system":
        return True
    # A lone capitalised word that is no known system ("Bobby forgot to…") is likely a name.
    head = toks[subject.end]
    return subject.start == subject.end and head.cap and not head.upper and head.low not in SYSTEMS


_PASSIVE_AUX = frozenset({"was", "were", "been", "is", "are", "be", "got", "get", "gets"})


def _but_then_person(ctx: _Context, j: int) -> bool:
    """After the phrase, a "but" followed by a person or a failure ("…, but the DBA ran it")."""
    k = ctx.next_but[min(j + 1, len(ctx.next_but) - 1)]
    if k >= len(ctx.next_but) - 1:
        return False
    return ctx.last_start > k or ctx.strong_fail_after[k + 1]


def _sarcastic(ctx: _Context, i: int, j: int) -> bool:
    """Praise aimed at a person or team, for a failure ("kudos to infra for yet another outage",
    "another brilliant Friday deploy by the platform team"), not for a recovery ("great job
    restoring the backups")."""
    if not ctx.people:
        return False
    if ctx.strong_event and ctx.event_outside(i):
        return True
    return ctx.events_after[j + 1] and not ctx.credit_outside(i, j)


def _praise_alone(sent: Sentence, known: Names) -> tuple[int, int] | None:
    """A short sentence of praise for a person or team ("Nice one, Lars.", "Great job, ops!").

    On its own it is credit; followed by a failure ("Production is down.") it is sarcasm.
    """
    words = sent.words
    if not 2 <= len(words) <= 6 or not has(words[0], C["praise"]):
        return None
    if any(has(t, _CREDIT) for t in words):
        return None
    people = mentions(sent, known)
    if not people and not any(t.low in ("you", "guys", "folks", "all", "everyone") for t in words):
        return None
    return sent.start, sent.end


def _failure_event(sent: Sentence) -> bool:
    """A sentence that reports a failure and no recovery ("Production is down again.")."""
    toks = sent.tokens
    if any(has(t, _CREDIT) for t in toks):
        return False
    return any(
        has(t, C["sarcasm_events"]) or has(t, C["cause_objects"]) or t.low == "down" for t in toks
    )


def _negation_start(sent: Sentence, i: int) -> int:
    """Start of "was not paying attention": back over the negator and its auxiliary."""
    toks = sent.tokens
    k = i - 1
    while k >= 0 and i - k <= 4 and toks[k].word:
        if has(toks[k], C["negators"]):
            if k > 0 and toks[k - 1].low in ("was", "were", "is", "are", "be", "been"):
                return k - 1
            return k
        k -= 1
    return i


def _negated_before(sent: Sentence, i: int, window: int) -> bool:
    toks = sent.tokens
    for k in range(i - 1, max(-1, i - 1 - window), -1):
        if has(toks[k], C["negators"]):
            return True
        if not toks[k].word:
            return False
    return False


def _rejected(sent: Sentence, i: int, j: int) -> bool:
    """Whether the phrase at ``i..j`` sits in a clause that rejects it.

    "not", "no one", "rather than", "instead of", "without", "it is tempting to" before it in its
    clause (or in the clause of the verb that introduces it: "we chose not to call this a
    mistake"), or "is not the cause", "misses the point" after it.
    """
    toks = sent.tokens
    clause = toks[i].clause
    k = i - 1
    steps = 0
    while k >= 0 and steps < 10:
        t = toks[k]
        if t.clause != clause:
            # "not to call this, as some would, human error": only through a framing verb.
            break
        if has(t, C["rejection"]) and not (
            t.low == "drop" and k + 1 < len(toks) and toks[k + 1].low == "the"
        ):
            return True
        k -= 1
        steps += 1
    return _rejected_after(toks, j)


_REJECT_AFTER = frozenset(
    {
        "miss",
        "misses",
        "missed",
        "unhelpful",
        "misleading",
        "cop-out",
        "lazy",
        "unfair",
        "wrong",
        "inaccurate",
        "incorrect",
        "simplistic",
        "oversimplification",
        "reductive",
        "hide",
        "hides",
        "obscure",
        "obscures",
        "conceal",
        "conceals",
        "distract",
        "distracts",
        "ignores",
        "overlooks",
    }
)
_EXPLAIN_NOTHING = frozenset({"nothing", "little", "none"})
_CAUSE_WORDS = frozenset(
    {
        "cause",
        "reason",
        "explanation",
        "answer",
        "story",
        "problem",
        "issue",
        "root",
        "why",
        "what",
        "it",
        "here",
        "culprit",
        "point",
        "factor",
        "whole",
    }
)
_BE = frozenset({"is", "was", "are", "were", "be", "been", "'s"})


def _rejected_after(toks: Sequence[Token], j: int) -> bool:
    """ "… is not the cause", "… misses the point", "… explains nothing", "… is misleading"."""
    n = len(toks)
    for k in range(j + 1, min(n, j + 7)):
        t = toks[k]
        if t.clause != toks[j].clause and t.low != "but":
            return False
        if t.low in _REJECT_AFTER:
            return True
        if t.low in ("explains", "explain", "explained") and k + 1 < n:
            return toks[k + 1].low in _EXPLAIN_NOTHING or (
                k + 2 < n and toks[k + 1].low == "very" and toks[k + 2].low == "little"
            )
        negated_be = t.low in ("isn't", "wasn't", "aren't", "weren't", "isnt", "wasnt") or (
            t.low == "not" and k > 0 and toks[k - 1].low in _BE
        )
        if negated_be:
            rest = [x for x in toks[k + 1 : k + 4] if x.word]
            return not rest or any(x.low in _CAUSE_WORDS for x in rest)
    return False


def _denied_before(sent: Sentence, i: int) -> bool:
    """A denial just before a person's failure: "it was not the on-call's fault", "this wasn't
    a case of someone forgetting a step", "nobody thinks the DBA forgot"."""
    toks = sent.tokens
    clause = toks[i].clause if i < len(toks) else -1
    for k in range(i - 1, max(-1, i - 6), -1):
        t = toks[k]
        if t.clause != clause:
            return False
        if t.low in _DENIALS:
            return True
    return False


_DENIALS = frozenset(
    {
        "not",
        "n't",
        "wasn't",
        "isn't",
        "wasnt",
        "isnt",
        "weren't",
        "aren't",
        "nobody",
        "no-one",
        "none",
        "never",
        "rather",
        "instead",
    }
)


def _framed_rejection(sent: Sentence, i: int) -> bool:
    """A counterfactual introduced as what not to say: "it is tempting to say…", "rather than"."""
    toks = sent.tokens
    clause = toks[i].clause
    for k in range(i - 1, max(-1, i - 12), -1):
        t = toks[k]
        if t.clause != clause and t.text not in (",",):
            return False
        if t.low in _FRAMES and (
            t.low not in _FRAMES_BEFORE_TO or (k + 1 < i and toks[k + 1].low in ("to", "that"))
        ):
            return True  # "it is wrong to say…"; not "the wrong bucket was deleted by…"
        if t.low in _DENIERS and any(has(x, _SAYING) for x in toks[k + 1 : min(i, k + 4)]):
            return True  # "we chose not to say that…", "nobody here thinks…"
    return False


_DENIERS = frozenset({"not", "n't", "never", "nobody", "no-one", "none"})
_FRAMES_BEFORE_TO = frozenset({"wrong", "easy", "unfair", "misleading", "tempting"})
_SAYING = C["reject_frames"] | frozenset(
    {"say", "claim", "suggest", "imply", "think", "believe", "mean", "argue", "assert", "feel"}
)


_FRAMES = frozenset(
    {
        "tempting",
        "easy",
        "rather",
        "instead",
        "unfair",
        "wrong",
        "misleading",
        "avoid",
        "resist",
        "refuse",
        "hindsight-bias",
    }
)


# --- agents of failure -------------------------------------------------------------------------


def _agents(sent: Sentence, known: Names) -> list[_Hit]:
    toks = sent.tokens
    out: list[_Hit] = []
    for i, tok in enumerate(toks):
        if not tok.word:
            continue
        pred_end = _failure_predicate(sent, i)
        if pred_end is None:
            passive = _passive_strong(sent, i, known)
            if passive is not None:
                out.append(passive)
                continue
            loaded = _loaded_agent(sent, i, known) or _shouted_act(sent, i, known)
            if loaded is not None:
                out.append(loaded)
            continue
        subject = subject_of(sent, i, known)
        hit = _agent_hit(sent, subject, i, pred_end)
        if hit is not None:
            out.append(hit)
            continue
        # Passive with an agent: "was overlooked by the release crew", "caused by Dave".
        passive = _passive_strong(sent, i, known)
        if passive is not None:
            passive.start = (
                toks[_bad_before(sent, i)].start if passive.start == tok.start else (passive.start)
            )
            out.append(passive)
    out.extend(_passive_weak(sent, known))
    out.extend(_possessive_nouns(sent, known))
    out.extend(_without_doing(sent, known))
    out.extend(_wrongly_done(sent, known))
    out.extend(_person_caused(sent, known))
    out.extend(_act_with_harm(sent, known))
    out.extend(_cleft_person(sent, known))
    out.extend(_destroyed_live(sent, known))
    return out


_LIVE = frozenset({"production", "prod", "live", "customer", "customers'", "primary", "master"})
_DISPOSABLE = frozenset(
    {"stale", "old", "unused", "orphaned", "leftover", "test", "temporary", "temp", "duplicate"}
)


def _destroyed_live(sent: Sentence, known: Names) -> list[_Hit]:
    """A person who deleted, dropped or wiped something live: "Carlos deleted the production
    database" (not "the DBA dropped the temporary table", not "Kenji deleted the stale pods")."""
    toks = sent.tokens
    n = len(toks)
    out: list[_Hit] = []
    if any(t.low in C["as_planned"] or has(t, C["recovery_words"]) for t in toks):
        return out
    for i, tok in enumerate(toks):
        if not (tok.word and has(tok, _ERASE) and tok.low.endswith(("ed", "d"))):
            continue
        if i > 0 and (toks[i - 1].low in _PASSIVE_AUX or has(toks[i - 1], C["did_not"])):
            continue
        obj = toks[i + 1 : min(n, i + 5)]
        if not any(t.low in _LIVE for t in obj) or any(t.low in _DISPOSABLE for t in obj):
            continue
        if any(t.low in C["ephemeral_objects"] for t in obj):
            continue  # "deleted the production pods": running things are replaced
        subject = subject_of(sent, i, known)
        if subject.kind not in ("person", "change") or subject.end >= i:
            continue
        if toks[subject.end].low in C["not_agents"] or toks[subject.end].low in (
            "nobody",
            "no-one",
            "noone",
        ):
            continue
        end = next(k for k in range(i + 1, min(n, i + 5)) if toks[k].low in _LIVE)
        start = _span_start(toks, subject)
        out.append(_Hit(toks[start].start, toks[end].end, "agent", subject.name))
    return out


_ERASE = frozenset({"delete", "drop", "wipe", "truncate", "erase", "purge", "destroy", "nuke"})


def _cleft_person(sent: Sentence, known: Names) -> list[_Hit]:
    """ "It was Hiroshi who turned off the alerts", "it was the platform team that pushed it":
    a cleft singles out who did the act, and reads as pointing at them (not with a credit act:
    "it was Lars who rolled back")."""
    toks = sent.tokens
    n = len(toks)
    out: list[_Hit] = []
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
            has(toks[verb], _CREDIT_ACTS)
            or has(toks[verb], _CREDIT)
            or has(toks[verb], C["receiving"])
        ):
            continue
        if agent.kind == "change" or has(toks[verb], _VERB_CLASSES | C["strong_fail"]):
            out.append(_Hit(toks[k].start, toks[verb].end, "insinuation", agent.name))
    return out


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


def _act_with_harm(sent: Sentence, known: Names) -> list[_Hit]:
    """A person's act followed, in the same sentence, by the harm it did.

    "Wojciech pushed a config that disabled TLS", "the DBA ran the reindex, which saturated the
    disks", "Iyer deleted the branch that production was still deploying from", "the QA lead
    signed off on a build that had never run the migration", "our platform team let the
    certificate expire". Not a fix ("deployed a patch that stopped the errors"), not an act
    of a system ("the autoscaler removed the nodes that held the shards").
    """
    toks = sent.tokens
    out: list[_Hit] = []
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
        if i > 0 and (toks[i - 1].low in _PASSIVE_AUX or has(toks[i - 1], C["did_not"])):
            continue
        if has(tok, _CREDIT_ACTS):
            continue
        subject = subject_of(sent, i, known)
        if subject.kind not in ("person", "change") or subject.end >= i:
            continue
        if toks[subject.end].low in C["not_agents"] and not subject.name:
            continue
        if toks[subject.end].low in ("nobody", "no-one", "noone"):
            continue
        end = _harm_after(sent, i)
        if end is None:
            continue
        start = _span_start(toks, subject)
        family = "person" if subject.name or subject.kind == "change" else "agent"
        out.append(_Hit(toks[start].start, toks[end].end, family, subject.name))
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
    if _sanctioned(toks):
        return None  # "…, which failed over to the replica as designed"
    for k in range(i + 1, min(n, i + 14)):
        t = toks[k]
        if t.text in (".", ";", "?", "!") or has(t, C["recovery_words"]) or has(t, _CREDIT_ACTS):
            return None  # "…, which restored checkout": the act is a fix
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
        if t.low in _IN_USE or (t.low == "never" and has(toks[k - 1], _HAVE)):
            return k  # "the branch that production was still deploying from"
        if has(t, _RELIEF) and any(has(x, C["cause_objects"]) for x in toks[k - 4 : k + 5]):
            return None  # "which dropped the error rate", "and the errors stopped"
        if not _past(toks, k):
            continue  # "set the flag that disables the old path": what the object does
        if toks[k - 1].low == "had":
            return None  # "killed the query that had locked the table": the object's past
        if (
            has(t, _HARM)
            or _mis_verb(t)
            or (
                has(t, C["cause_verbs"])
                and any(has(x, C["cause_objects"]) for x in toks[k + 1 : k + 5])
            )
        ):
            if any(x.low == "again" for x in toks[k + 1 : k + 4]):
                return None  # "restarted the pod and it crashed again": its own course
            return k
        if t.low in _TAKE_FAMILY:
            for m in range(k + 1, min(n, k + 7)):
                if toks[m].low in C["down_particles"] or toks[m].low == "knees":
                    return m  # "which is what took the queue down"
                if not toks[m].word:
                    break
    return None


def _mis_verb(tok: Token) -> bool:
    """A verb of doing something wrongly by its prefix: "misrouted", "misapplied", "mislabelled"."""
    low = tok.low
    return (
        tok.word
        and len(low) > 7
        and low.startswith(("mis", "mis-"))
        and low.endswith("ed")
        and not low.startswith(("missed", "mission", "misses"))
    )


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


def _wrongly_done(sent: Sentence, known: Names) -> list[_Hit]:
    """A person who did anything "wrongly", "mistakenly", "carelessly": "we wrongly assumed the
    chart set limits" (the adverb judges the act whatever the verb)."""
    toks = sent.tokens
    out: list[_Hit] = []
    for k, t in enumerate(toks):
        if not (t.word and has(t, C["accident_adverbs"])):
            continue
        verb = k + 1 if k + 1 < len(toks) and toks[k + 1].word else k - 1
        if verb < 0 or not toks[verb].word:
            continue
        subject = subject_of(sent, min(k, verb), known)
        if subject.kind in ("person", "change") and not (
            toks[subject.end].low in C["not_agents"] and not subject.name
        ):
            start = _span_start(toks, subject)
            out.append(_Hit(toks[start].start, toks[max(k, verb)].end, "agent", subject.name))
    return out


def _person_caused(sent: Sentence, known: Names) -> list[_Hit]:
    """A person's act given as what set a failure off: "the outage started when Lars pushed the
    rules", "checkout broke because of Kenji's change", "errors began after the DBA ran it"."""
    toks = sent.tokens
    n = len(toks)
    out: list[_Hit] = []
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
            out.append(_Hit(toks[nxt].start, toks[agent.end].end, "person", agent.name))
            continue
        if agent.kind not in ("person", "guess") or agent.end + 1 >= n:
            continue
        if _users_pronoun(toks, agent):
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
            and (lost or not has(toks[verb], _CREDIT_ACTS))
            and not has(toks[verb], C["receiving"])
        ):
            start = _span_start(toks, agent)
            out.append(_Hit(toks[start].start, toks[verb].end, "agent", agent.name))
    return out


_LOSS = frozenset(
    {"overwritten", "lost", "corrupted", "deleted", "wiped", "destroyed", "truncated", "erased"}
)


def _without_doing(sent: Sentence, known: Names) -> list[_Hit]:
    """A person who acted "without" a step: "went to bed without acknowledging the page",
    "deployed without running the tests" (the verb need not be a failure verb)."""
    toks = sent.tokens
    out: list[_Hit] = []
    for k, t in enumerate(toks):
        if t.low != "without" or k + 1 >= len(toks):
            continue
        step = toks[k + 1]
        if not (step.low.endswith("ing") and has(step, C["omission_verbs"])):
            continue
        if any(x.low in C["deciding"] for x in toks[max(0, k - 8) : k] if x.clause == t.clause):
            continue  # "we were hesitant to deploy without announcing it": a decision
        # The acting verb: the first word of the clause's predicate, a few words back.
        for v in range(k - 1, max(-1, k - 7), -1):
            if not toks[v].word or toks[v].clause != t.clause:
                break
            if v > 0 and toks[v - 1].low in _PASSIVE_AUX and toks[v].low.endswith(("ed", "t", "n")):
                break  # "emails are sent without notifying…": the passive's subject did nothing
            subject = subject_of(sent, v, known)
            if subject.kind in ("person", "change") and subject.end < v:
                start = _span_start(toks, subject)
                out.append(_Hit(toks[start].start, step.end, "agent", subject.name))
                break
    return out


def _loaded_agent(sent: Sentence, i: int, known: Names) -> _Hit | None:
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
    if i > 0 and (toks[i - 1].low in _PASSIVE_AUX or has(toks[i - 1], C["did_not"])):
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
    return _Hit(toks[start].start, toks[end].end, "agent", subject.name)


_SOMEONE = frozenset({"someone", "somebody", "somone", "sb"})


def _someone_before(toks: Sequence[Token], subject: Phrase) -> bool:
    """ "someone", or "someone on the platform team" (read over "on/from/in/of")."""
    words = toks[max(0, subject.start - 3) : subject.end + 1]
    return any(t.low in _SOMEONE for t in words)


def _shouted_act(sent: Sentence, i: int, known: Names) -> _Hit | None:
    """A terse upper-case cause field whose subject is a named person: "ŁUKASZ RAN TERRAFORM
    APPLY ON LIVE". Written like that, the act is offered as the cause."""
    if not sent.shouted or not has(sent.tokens[i], C["weak_fail"]):
        return None
    subject = subject_of(sent, i, known)
    if subject.kind != "person" or subject.name is None:
        return None
    toks = sent.tokens
    return _Hit(toks[subject.start].start, toks[i].end, "person", subject.name)


def _switched_off(toks: Sequence[Token], i: int) -> bool:
    """ "turned off the alert", "switched the alarm off", "shut down the replica"."""
    if toks[i].low not in _SWITCH:
        return False
    return any(t.low in ("off", "down") for t in toks[i + 1 : i + 4])


_SWITCH = frozenset(
    {"turn", "turned", "turns", "turning", "switch", "switched", "switches", "shut", "shuts"}
)


def _passive_strong(sent: Sentence, i: int, known: Names) -> _Hit | None:
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
    if has(tok, C["destructive"]) and not worse and _ephemeral_subject(toks, i):
        return None  # "the pod was killed by us": operations on running things are facts
    if negated and by + 1 < len(toks) and toks[by + 1].low in ("a", "an", "another", "any"):
        return None  # "the pull request was not reviewed by another developer": a missing step
    agent = agent_after(sent, by + 1, known)
    if agent.kind not in ("person", "change") and not (
        agent.kind == "guess" and has(tok, C["human_only"])
    ):
        return None
    first = toks[i - 1] if negated else tok  # "not followed by the responder"
    return _Hit(first.start, toks[agent.end].end, "person" if agent.name else "agent", agent.name)


# Acts that end a failure rather than start it: "the outage ended when Lars rolled back".
_CREDIT_ACTS = frozenset(
    {
        "roll",
        "revert",
        "restore",
        "fix",
        "recover",
        "mitigate",
        "resolve",
        "page",
        "escalate",
        "notice",
        "spot",
        "detect",
        "join",
        "declare",
        "open",
        "acknowledge",
        "ack",
        "investigate",
    }
)
_TAKE_FAMILY = frozenset(
    {"take", "took", "taken", "takes", "bring", "brought", "brings", "knock", "knocked"}
)


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


def _agent_hit(sent: Sentence, subject: Phrase, i: int, end: int) -> _Hit | None:
    toks = sent.tokens
    tok = toks[i]
    kind = subject.kind

    if kind == "guess" and not (has(tok, C["human_only"]) or _omission_at(sent, i)):
        return None
    if kind not in ("person", "change", "guess"):
        return None
    head = toks[subject.end]
    if (
        head.low in C["not_agents"]
        and not subject.name
        and not any(
            t.low in ("some", "certain", "these", "those")
            for t in toks[subject.start : subject.end]
        )
    ):
        return None  # "people that had not updated": users, customers, not responders
    if head.low in ("nobody", "no-one", "noone") and not _omission_at(sent, i):
        return None  # "nobody ignored the alert", "nobody typed in the wrong terminal": denials
    if _users_pronoun(toks, subject):
        return None  # "a user reported … because they could not authenticate"
    start = _span_start(toks, subject)
    family = "person" if subject.name or kind in ("change", "guess") else "agent"
    return _Hit(toks[start].start, toks[end].end, family, subject.name)


def _users_pronoun(toks: Sequence[Token], phrase: Phrase) -> bool:
    """ "they" standing for users or customers named shortly before."""
    return toks[phrase.end].low in ("they", "them") and any(
        t.low in C["not_agents"] for t in toks[max(0, phrase.start - 12) : phrase.start]
    )


_LEADING = frozenset({"the", "a", "an", "then", "our", "so", "and"})


def _span_start(toks: Sequence[Token], subject: Phrase) -> int:
    """Where the span people read starts: the phrase's first content word ("The" is left out),
    and back over a name written family name first ("Petrenko, Oksana")."""
    start = subject.start
    while start < subject.end and toks[start].low in _LEADING:
        start += 1
    if (
        subject.name
        and start >= 2
        and toks[start - 1].text == ","
        and toks[start - 2].word
        and toks[start - 2].cap
        and fold_name(toks[start - 2].low) in fold_name(subject.name)
    ):
        start -= 2
    return start


def fold_name(name: str) -> str:
    return fold(name).replace(".", "")


def _omission_at(sent: Sentence, i: int) -> bool:
    toks = sent.tokens
    return has(toks[i], C["did_not"]) or toks[i].low in ("fail", "failed", "fails")


def _failure_predicate(sent: Sentence, i: int) -> int | None:
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
    if _mis_verb(tok) and not (i > 0 and toks[i - 1].low in _PASSIVE_AUX):
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
        reach = 8 if tok.low in _TAKE_FAMILY else 5  # "brought the reporting database to its knees"
        for k in range(i + 1, min(n, i + reach)):
            t = toks[k]
            if (
                tok.low in ("take", "took", "taken", "bring", "brought", "knock", "knocked")
                and (t.low in C["down_particles"] or t.low == "knees")
                and not (t.low == "over" and tok.low in ("take", "took", "taken"))
            ):
                return k  # "took down", "knocked over"; "took over" is taking charge
            if tok.low in _TAKE_FAMILY:
                continue  # "took the incident call": taking causes nothing without "down"
            if k == i + 1 and t.low.endswith("ing"):
                return None  # "started investigating the issue": starting an act
            if has(t, C["cause_objects"]) and not (
                k + 1 < n and toks[k + 1].low in ("commander", "channel", "call", "review")
            ):
                return k  # "caused the outage": the span reaches the object
            if not t.word:
                break
        return None
    if has(tok, C["weak_fail"]):
        return _done_wrongly(sent, i)
    return None


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
    if _sanctioned(toks):
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
            return k + 1  # "restarted the primary instead of the standby"
        if t.low == "wrong" and toks[k - 1].low in ("the", "a"):
            return k  # "pulled the wrong power feed", whatever the verb
        if t.low == "with" and not has(toks[i], _CREDIT_ACTS):
            off = next((m for m in range(k + 2, min(n, k + 7)) if toks[m].low in _SWITCHED), None)
            if off is not None:
                return off  # "ran the purge job with the dry-run flag removed"
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


_SWITCHED = frozenset(
    {"removed", "disabled", "off", "skipped", "bypassed", "unset", "overridden", "ignored"}
)
_LEFT_ON = frozenset(
    {"running", "enabled", "unlocked", "unattended", "pointed", "exposed", "public"}
)
_VERB_CLASSES = C["weak_fail"] | C["omission_verbs"] | C["destructive"] | _CREDIT_ACTS


def _bare_verb(tok: Token) -> bool:
    """A verb in its bare form ("drain", "stop"), as after the "to" of a purpose."""
    return tok.word and tok.low in _VERB_CLASSES


#: Acts that take a bad thing out of service: done to a broken check or a bad node, they mend.
_REMEDIAL = frozenset(
    {"disable", "remove", "delete", "kill", "revert", "drain", "stop", "replace", "cordon"}
)
_RULEBOOKS = frozenset({"runbook", "plan", "procedure", "playbook", "checklist", "process"})


def _sanctioned(toks: Sequence[Token]) -> bool:
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


def _bad_before(sent: Sentence, i: int) -> int:
    """Start of "bad config was deployed" when a bad adjective comes shortly before the verb."""
    toks = sent.tokens
    for k in range(i - 1, max(-1, i - 5), -1):
        if not toks[k].word:
            break
        if has(toks[k], C["bad"]):
            return k
    return i


def _passive_weak(sent: Sentence, known: Names) -> list[_Hit]:
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
    out: list[_Hit] = []
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
        if toks[k + 1].low in ("a", "an", "another", "any"):
            continue  # "was not reviewed by another developer": a missing step, nobody's act
        v = toks[verb]
        if has(v, _PASSIVE_BLAME):
            continue  # _passive_strong reads these
        negated = any(t.low in ("not", "never", "n't") for t in toks[max(0, verb - 2) : verb])
        rest = _window(toks, max(0, verb - 6), min(n, agent.end + 8))
        head = _subject_head(toks, verb)
        after = toks[agent.end + 1 : agent.end + 7]
        if any(t.low in C["as_planned"] for t in rest + after) or (
            head is not None and has(head, C["fix_nouns"])
        ):
            continue  # "as planned", "the fix was deployed by…"
        wrong = (negated and not has(v, C["receiving"])) or v.low == "left"
        wrong = wrong or any(t.low in C["wrongness"] or has(t, C["bad"]) for t in rest)
        change = any(has(t, C["change_nouns"]) for t in toks[max(0, verb - 5) : verb])
        if not (wrong or (change and has(v, _SHIPPING))):
            continue
        start = _bad_before(sent, verb)
        start = verb - 1 if negated and start == verb else start
        out.append(
            _Hit(
                toks[start].start,
                toks[agent.end].end,
                "person" if agent.name else "agent",
                agent.name,
            )
        )
    return out


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
        if toks[a].low in _PASSIVE_AUX or toks[a].low in ("been", "being", "had", "has", "have"):
            continue
        if (toks[a].word and a < verb - 1) or (
            toks[a].word and toks[a].low not in ("never", "not")
        ):
            return toks[a] if a < verb else None
    return None


# What takes a change to production: "the schema change was pushed to prod by Yevgenia".
_SHIPPING = frozenset(
    {"push", "deploy", "merge", "apply", "run", "ship", "roll", "release", "execute", "launch"}
)


def _participle_before(toks: Sequence[Token], by: int) -> int | None:
    """The participle of a passive ending at "by": "was closed by", "had been left uninstalled by",
    "was pushed to prod by", "were never read by"."""
    for v in range(by - 1, max(-1, by - 5), -1):
        t = toks[v]
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


def _possessive_nouns(sent: Sentence, known: Names) -> list[_Hit]:
    """ "It was Dave's mistake", "the DBA's oversight"."""
    toks = sent.tokens
    out: list[_Hit] = []
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
                    out.append(_Hit(toks[i].start, t.end, "person", m.name))
                elif has(t, frozenset({"fault"})) and (
                    person_word(tok)
                    or guessed_name(sent, i)
                    or tok.low in ("someone", "somebody", "everyone", "nobody", "anyone")
                ):
                    out.append(_Hit(toks[i].start, t.end, "fault"))
                break
    return out


# --- counterfactuals ---------------------------------------------------------------------------


def _counterfactuals(sent: Sentence, known: Names) -> list[_Hit]:
    toks = sent.tokens
    n = len(toks)
    out: list[_Hit] = []
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
        if low in _SHOULD or low in _BARE_SHOULD_HAVE:
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
                out.append(_Hit(tok.start, toks[end].end, "counterfactual"))
            elif (
                subject.kind == "none"
                or (subject.kind == "system" and toks[subject.end].low in ("it", "this", "that"))
            ) and (after < n and toks[after].low == "been"):
                # "This should have been caught by the reviewer": blame only with a human agent,
                # or with a participle only people do ("shouldn't have been rushed").
                if after + 1 < n and has(toks[after + 1], C["human_only"]):
                    out.append(_Hit(tok.start, toks[after + 1].end, "counterfactual"))
                    continue
                agent = None
                for k in range(after + 1, min(n, after + 5)):
                    if toks[k].low == "by" and k + 1 < n:
                        agent = agent_after(sent, k + 1, known)
                        break
                if agent is not None and agent.kind in ("person", "guess"):
                    out.append(_Hit(tok.start, toks[end].end, "counterfactual"))
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
                    out.append(_Hit(tok.start, toks[w + 1].end, "counterfactual"))
                    continue
            elif (
                v < n
                and toks[v].low == "been"
                and not (v + 1 < n and has(toks[v + 1], C["receiving"]))
            ):
                # "Had Ngozi been on the bridge call", "had he been paying attention"
                out.append(_Hit(tok.start, toks[v].end, "counterfactual"))
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
                    out.append(_Hit(tok.start, toks[v + 2].end, "counterfactual"))
                    break  # "if sven had bothered to open the runbook"
                if toks[v].low == "been" and v + 1 < n:
                    care = next((x for x in toks[v + 1 : v + 4] if has(x, C["care_words"])), None)
                    if care is not None:  # "had the engineer been more careful"
                        out.append(_Hit(tok.start, care.end, "counterfactual"))
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
                out.append(_Hit(tok.start, toks[v].end, "counterfactual"))
            continue
        # "X could have prevented this", "a person would have spotted it" — not the main clause
        # of a condition about the system ("if the dashboard had shown the lag, the on-call
        # would have waited": the person is fine, the dashboard is the point).
        adverb = (
            low in _WOULD and i + 2 < n and toks[i + 1].low in _EASILY and toks[i + 2].low in _HAVE
        )
        if (
            low in _WOULD
            and i + 1 < n
            and (toks[i + 1].low in _HAVE or low.endswith("'ve") or adverb)
            and not _after_condition(toks, i)
        ):
            v = i + 3 if adverb else i + 2 if toks[i + 1].low in _HAVE else i + 1
            easy = adverb or (v < n and toks[v].low in _EASILY)
            if easy and not adverb:
                v += 1  # "could have simply rolled back": any act, made to look obvious
            if (
                v < n
                and toks[v].word
                and (has(toks[v], _PERCEIVE) or (easy and toks[v].low.endswith(("ed", "t", "n"))))
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
                    out.append(_Hit(toks[subject.start].start, toks[v].end, "counterfactual"))
    return out


def _person_swap(sent: Sentence, known: Names) -> _Hit | None:
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
                return _Hit(toks[0].start, toks[other.end].end, "counterfactual", first.name)
        if toks[k].text in (",", ".", ";"):
            return None
    return None


def _duty(sent: Sentence, i: int, known: Names) -> _Hit | None:
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
        if subject.kind in ("person", "guess") and toks[subject.end].low not in C["not_agents"]:
            start = _span_start(toks, subject)
            return _Hit(toks[start].start, toks[i + 2].end, "counterfactual", subject.name)
    if (
        low in ("job", "responsibility", "duty", "task")
        and 1 < i < n - 1
        and toks[i + 1].low == "to"
        and toks[i - 1].poss
        and any(t.low in ("was", "were") for t in toks[max(0, i - 4) : i - 1])
    ):
        owner = i - 1
        if name_at(sent, owner, known) or person_word(toks[owner]) or guessed_name(sent, owner):
            return _Hit(toks[owner].start, toks[i + 1].end, "fault", None)
    if (
        low in ("trivial", "easy", "simple", "obvious")
        and 2 <= i < n - 2
        and toks[i - 1].low == "been"
        and toks[i - 2].low in _HAVE
        and toks[i + 1].low == "for"
    ):
        agent = agent_after(sent, i + 2, known)
        if (
            agent.kind in ("person", "guess")
            and agent.end + 1 < n
            and toks[agent.end + 1].low == "to"
        ):
            return _Hit(toks[i - 2].start, toks[agent.end].end, "counterfactual", agent.name)
    return None


_ABOUT = frozenset({"from", "about", "on", "of", "over", "ask", "asking", "discuss", "discussing"})
_EASILY = frozenset({"simply", "just", "easily", "trivially", "quickly", "obviously"})
#: A condition about a person's care is no condition about the system: "with a bit more care,
#: the DBA would have noticed the lag".
_CARE = C["care_words"] | frozenset(
    {"care", "attention", "experience", "diligence", "caution", "thought", "focus", "effort"}
)


def _after_condition(toks: Sequence[Token], i: int) -> bool:
    """Token ``i`` follows an "if …" or a sentence-initial "had …"/"with …" clause (not one
    about a person's care or attention)."""
    for k in range(i - 1, -1, -1):
        t = toks[k]
        if t.low in ("if", "unless") or (k == 0 and t.low in ("had", "with", "without", "given")):
            return not any(has(x, _CARE) for x in toks[k + 1 : i])
        if t.text in (".", ";"):
            return False
    return False


def _should_have_end(toks: list[Token], i: int) -> int | None:
    n = len(toks)
    low = toks[i].low
    if low in _BARE_SHOULD_HAVE:
        return i
    k = i + 1
    if low in ("ought", "oughta") and k < n and toks[k].low == "to":
        k += 1
    if k < n and toks[k].low == "not":
        k += 1
    if k < n and toks[k].low in _HAVE:
        if toks[k].low == "a" and not (k + 1 < n and toks[k + 1].low.endswith(("ed", "en"))):
            return None
        return k
    return None
