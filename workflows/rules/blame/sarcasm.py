"""Sarcasm: praise aimed at a person or team for a failure, in the sentence or just before it."""

from __future__ import annotations

from workflows.rules.blame.context import Context
from workflows.rules.blame.evidence import CREDIT
from workflows.rules.names import C, Names, mentions
from workflows.rules.text import Sentence, has

__all__ = ["but_then_person", "failure_event", "praise_alone", "sarcastic"]


def but_then_person(ctx: Context, j: int) -> bool:
    """After the phrase, a "but" followed by a person, a failure or an omitted step ("…, but
    the DBA ran it", "…, but backend clearly never tested the failover")."""
    k = ctx.next_but[min(j + 1, len(ctx.next_but) - 1)]
    if k >= len(ctx.next_but) - 1:
        return False
    return ctx.last_start > k or ctx.strong_fail_after[k + 1] or ctx.omission_after[k + 1]


def sarcastic(ctx: Context, i: int, j: int) -> bool:
    """Praise aimed at a person or team, for a failure ("kudos to infra for yet another outage",
    "another brilliant Friday deploy by the platform team"), not for a recovery ("great job
    restoring the backups")."""
    if not ctx.people:
        return False
    if ctx.strong_event and ctx.event_outside(i):
        return True
    return ctx.events_after[j + 1] and not ctx.credit_outside(i, j)


def praise_alone(sent: Sentence, known: Names) -> tuple[int, int] | None:
    """A short sentence of praise for a person or team ("Nice one, Lars.", "Great job, ops!").

    On its own it is credit; followed by a failure ("Production is down.") it is sarcasm.
    """
    words = sent.words
    if not 2 <= len(words) <= 6 or not has(words[0], C["praise"]):
        return None
    if any(has(t, CREDIT) for t in words):
        return None
    people = mentions(sent, known)
    if not people and not any(t.low in ("you", "guys", "folks", "all", "everyone") for t in words):
        return None
    return sent.start, sent.end


def failure_event(sent: Sentence) -> bool:
    """A sentence that reports a failure and no recovery ("Production is down again.")."""
    toks = sent.tokens
    if any(has(t, CREDIT) for t in toks):
        return False
    return any(
        has(t, C["sarcasm_events"]) or has(t, C["cause_objects"]) or t.low == "down" for t in toks
    )
