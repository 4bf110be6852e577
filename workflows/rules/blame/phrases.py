"""Judgement words and idioms from ``data/blame.json``, kept only where their conditions hold."""

from __future__ import annotations

from workflows.rules.blame.context import Context
from workflows.rules.blame.evidence import PASSIVE_AUX, RAW
from workflows.rules.blame.sarcasm import but_then_person, sarcastic
from workflows.rules.blame.vetoes import negated_before, rejected
from workflows.rules.match import Pattern, PatternSet, compile_pattern
from workflows.rules.names import SYSTEMS, C, Names
from workflows.rules.people import subject_of
from workflows.rules.text import Sentence, has

__all__ = ["BLAME_PATTERN_NAMES", "PATTERNS", "phrase_holds"]


def _compile() -> PatternSet:
    patterns: list[Pattern] = []
    for entry in RAW["patterns"]:
        info = {k: v for k, v in entry.items() if k not in ("name", "pattern")}
        # Judgements and omissions are rejected by a negation before them ("nobody was
        # careless", "not a lazy review") unless the pattern is itself a negation.
        if info["family"] in ("judgement", "omission") and not info.get("needs_negation"):
            info.setdefault("negatable", True)
        patterns.append(compile_pattern(entry["name"], entry["pattern"], C, **info))
    return PatternSet(patterns)


PATTERNS = _compile()


#: Distinct blame phrase names (documentation and tests use these).
BLAME_PATTERN_NAMES: tuple[str, ...] = tuple(p.name for p in PATTERNS.patterns)


def phrase_holds(p: Pattern, sent: Sentence, i: int, j: int, ctx: Context, known: Names) -> bool:
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
    if info.get("needs_but_person") and not but_then_person(ctx, j):
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
    if info.get("needs_sarcasm") and not sarcastic(ctx, i, j):
        return False
    if info.get("needs_negation") and not negated_before(
        sent, i, int(str(info.get("negation_window", 4)))
    ):
        return False
    return not (info.get("negatable") and rejected(sent, i, j))


def _agent_subject(sent: Sentence, i: int, known: Names) -> bool:
    """An active verb whose subject is not a system ("the backup job forgot to…" is no blame);
    a passive ("the step was forgotten") or a bare verb ("Forgot to renew the cert") counts."""
    toks = sent.tokens
    if i > 0 and toks[i - 1].low in PASSIVE_AUX:
        return True
    subject = subject_of(sent, i, known)
    if subject.kind != "system":
        return True
    # A lone capitalised word that is no known system ("Bobby forgot to…") is likely a name.
    head = toks[subject.end]
    return subject.start == subject.end and head.cap and not head.upper and head.low not in SYSTEMS
