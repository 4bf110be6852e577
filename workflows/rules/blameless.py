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
sentence (:class:`~workflows.rules.blame.context.Context`), every look-around is bounded, and the last texts' hits are
remembered, so a text costs time linear in its length.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from workflows.review import Finding
from workflows.rules.blame.agents import agent_hits
from workflows.rules.blame.context import Context
from workflows.rules.blame.counterfactuals import counterfactual_hits
from workflows.rules.blame.evidence import Hit, fold_name
from workflows.rules.blame.families import FAMILIES, Family
from workflows.rules.blame.logline import log_line
from workflows.rules.blame.model import decide
from workflows.rules.blame.phrases import BLAME_PATTERN_NAMES, PATTERNS, phrase_holds
from workflows.rules.blame.sarcasm import failure_event, praise_alone
from workflows.rules.blame.vetoes import (
    denied_before,
    framed_rejection,
    mentioned,
    negation_start,
    retracts,
)
from workflows.rules.names import Names, names, names_key
from workflows.rules.text import Sentence, split, squash

__all__ = [
    "BLAME_PATTERN_NAMES",
    "FAMILIES",
    "Family",
    "fold_name",
    "lint_text",
    "select",
    "sentence_hits",
]


def lint_text(
    text: str, responders: Sequence[str] = (), field: str | None = None, *, learned: bool = True
) -> list[Finding]:
    """Blameless-language findings in ``text``, sorted by offset. Never raises.

    Args:
        text: Free text from the review.
        responders: Names of the people involved; a responder doing a good thing is fine.
        field: Where the text lives in the review, copied onto each finding.
        learned: Whether the learned model (:mod:`workflows.rules.blame.model`) joins the rules
            (default True); False gives the hand rules alone, for tests and benchmarks.
    """
    if not text or not text.strip():
        return []
    key = names_key(responders)
    return [_finding(h, text, field, h.name in key) for h in _hits(text, key, learned)]


@lru_cache(maxsize=256)
def _hits(text: str, responders: tuple[str, ...], learned: bool = True) -> tuple[Hit, ...]:
    """The selected hits of a text, remembered for the texts checked last.

    A review is checked field by field on every ``status`` query and every validator, and the
    root-cause check reads its statement's blame: the same texts come back again and again. The
    result depends on nothing but the arguments, so remembering it changes no answer.
    """
    known = names(responders)
    hits: list[Hit] = []
    praise: tuple[int, int] | None = None  # a "Nice one, Lars." sentence just before
    last = 0  # where the previous sentence's hits start: the next sentence may take them back
    for sent in split(text):
        if not sent.words or log_line(sent):
            continue  # "ERROR: user admin failed to authenticate": a program's words
        if last < len(hits) and retracts(sent):
            del hits[last:]  # "…an operator mistake; we removed that wording because…"
        last = len(hits)
        ctx = Context(sent, known)
        found = sentence_hits(sent, known, ctx)
        hits.extend(decide(sent, ctx, found) if learned else found)
        if praise is not None and failure_event(sent):
            hits.append(Hit(praise[0], praise[1], "sarcasm"))
        praise = praise_alone(sent, known)
    return tuple(select(hits, len(text)))


def select(hits: Sequence[Hit], length: int) -> list[Hit]:
    """Non-overlapping findings: overlapping hits merge into one whose span is their union and
    whose family is the most specific of them ("The DBA forgot" and "forgot to" read as one
    "The DBA forgot to", with the omission's message).

    One sort and one sweep (no pairwise tests), so a text of thousands of trigger words stays fast;
    ``length`` bounds the offsets.
    """
    ordered = sorted(hits, key=lambda h: (h.start, h.end))
    kept: list[Hit] = []
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
        kept.append(Hit(h.start, h.end, h.family, h.name, h.rank_bonus))
    return kept


def _rank(hit: Hit) -> int:
    return FAMILIES[hit.family].rank + hit.rank_bonus


def _finding(hit: Hit, text: str, field: str | None, responder: bool) -> Finding:
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


def sentence_hits(sent: Sentence, known: Names, ctx: Context | None = None) -> list[Hit]:
    """The hand rules' hits in one sentence (``ctx``: its :class:`Context`, built when None)."""
    toks = sent.tokens
    ctx = ctx or Context(sent, known)
    out: list[Hit] = []
    for pattern, i, j in PATTERNS.scan(toks):
        if mentioned(toks, i):
            continue  # "loaded words such as careless or negligent": the word, not its use
        if phrase_holds(pattern, sent, i, j, ctx, known):
            if pattern.info.get("extend_to_negation"):
                i = negation_start(sent, i)
            out.append(Hit(toks[i].start, toks[j].end, str(pattern.info["family"])))
    framed = agent_hits(sent, known) + counterfactual_hits(sent, known)
    for h in framed:
        at = ctx.index.get(h.start, 0)
        if not framed_rejection(sent, at) and not denied_before(sent, at):
            out.append(h)
    return [h for h in out if not ctx.quoted_edge(h.start, h.end)]
