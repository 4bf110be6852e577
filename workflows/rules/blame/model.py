"""How the blame model and the hand rules decide together, sentence by sentence.

The rules stay the first word: a sentence with a rule hit keeps it, unless the model's
probability is below the veto (``meta["veto"]``, off when absent or 0). A sentence with no rule
hit gets one finding from the model when its probability reaches the model's threshold; the
finding spans the strongest features' words (the two strongest, when they lie close enough
together) and takes the family those features point to: a rule feature names its family, any
other feature the family recorded for it by the trainer (``meta["families"]``), and "agent" (a
person as the cause of a failure) when none of them says. The threshold and the veto are chosen
by cross-validation on the corpus's development part (``tests/rules/train_blame.py``).

Pure and linear in the sentence: features, one dictionary look-up each, one sort of the few
positive ones present.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from workflows.rules.blame.context import Context
from workflows.rules.blame.evidence import Hit
from workflows.rules.blame.families import FAMILIES
from workflows.rules.blame.learned import Features, features
from workflows.rules.blame.vetoes import denied_before, framed_rejection
from workflows.rules.learned import LinearModel, load_model
from workflows.rules.names import C
from workflows.rules.text import Sentence, Token, has

__all__ = ["MODEL_NAME", "decide", "eligible", "model_family", "model_hit"]

#: The committed weights, ``workflows/rules/data/models/blame.json``.
MODEL_NAME = "blame"

#: Widest span (characters) a model finding takes from its two strongest features; further apart,
#: it names the strongest alone.
_MAX_SPAN = 80

_DEFAULT_FAMILY = "agent"


def decide(
    sent: Sentence, ctx: Context, rule_hits: Sequence[Hit], model: LinearModel | None = None
) -> list[Hit]:
    """The sentence's hits: the rules' (unless vetoed), or the model's one when they have none."""
    model = model or load_model(MODEL_NAME)
    feats = features(sent, ctx, rule_hits)
    p = model.probability(feats)
    if rule_hits:
        veto = float(model.meta.get("veto", 0.0))
        return [] if p < veto else list(rule_hits)
    if p < model.threshold or not eligible(sent, ctx):
        return []
    hit = model_hit(feats, model)
    return [] if hit is None else [hit]


def eligible(sent: Sentence, ctx: Context) -> bool:
    """Whether the model may add a finding to the sentence: someone is there to be blamed.

    A person must be mentioned who is not a denial ("nobody", "no one") nor a customer or user,
    and no denial or rejecting frame stands just before them ("it was not the DBA…", "it is
    tempting to say Lars…"); a blame without a person (an agentless passive, a judgement of a
    change) is left to the rules, whose words for it are exact.
    """
    toks = sent.tokens
    framed = -1  # the first token after a rejecting frame ("it would be wrong to say…")
    for k, t in enumerate(toks):
        if _relief_at(toks, k) or _recovery_at(toks, k) or has(t, C["fix_nouns"]):
            return False  # a fix, a remedy, a disposable object: the rules know these cases
        if t.low == "as" and k + 1 < len(toks) and toks[k + 1].low in _PLANNED:
            return False  # "was run by Oksana as planned": the plan's act, which the rules clear
        if framed < 0 and (
            _frame_at(toks, k)
            or (t.low in _NOBODY | {"not", "n't", "never"} and _saying_after(toks, k))
        ):
            framed = k
    if framed >= 0:
        return False  # the speakers before a frame are not blamed, nor is anyone after it
    for m in ctx.people:
        head = toks[m.start]
        if head.quoted or head.low in _NOBODY or has(head, C["not_agents"]):
            continue
        if denied_before(sent, m.start) or framed_rejection(sent, m.start):
            continue
        return True
    return False


def _saying_after(toks: Sequence[Token], k: int) -> bool:
    return any(has(t, _SAYING) for t in toks[k + 1 : k + 4])


def _frame_at(toks: Sequence[Token], k: int) -> bool:
    """Token ``k`` opens a frame that rejects or reports what follows: a judgement of saying
    ("it would be easy to say…", "it is tempting to blame…", "wrong to conclude that…") or
    reported speech ("the customer wrote 'your team…'", "he said that…"). The same words used
    otherwise are no frame: "the wrong database", "the reporting jobs wrote a day's results"."""
    t = toks[k]
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if nxt is None:
        return False
    if t.low in _JUDGED_SAYING:
        return nxt.low in ("to", "that")
    if t.low in _REPORTING:
        return nxt.quoted or nxt.text in _QUOTE_MARKS or nxt.low in ("that", ":")
    return False


def _relief_at(toks: Sequence[Token], k: int) -> bool:
    """Token ``k`` marks the object of a recent act as disposable ("deleted the stale pods",
    "killed the job that had filled the disk"), or broken and its act removes or stops it
    ("disabled the broken health check"); a disposable word in another clause than the act
    ("deleted by ops while they were tidying up old volumes") clears nothing."""
    tok = toks[k]
    if tok.low in _RELIEF:
        acts, reach = _ACTS, _RELIEF_REACH
    elif has(tok, C["bad"]) or tok.low in _TROUBLED:
        acts, reach = C["destructive"], 3  # "disabled the broken health check": a remedy
    else:
        return False
    for back in range(k - 1, max(-1, k - 1 - reach), -1):
        t = toks[back]
        if t.low in _CLAUSE_BREAKS or t.text in (",", ";", ":"):
            return False  # the act, if any, is another clause's
        if has(t, acts):
            return True
    return False


def _recovery_at(toks: Sequence[Token], k: int) -> bool:
    """A recovery word ("restored", "resolved", "returned to normal"); "return" only with its
    "to" ("checkout started returning 429s" is the harm, not its end)."""
    t = toks[k]
    if not has(t, C["recovery_words"]):
        return False
    if t.low.startswith("return"):
        return any(x.low == "to" for x in toks[k + 1 : k + 3])
    return True


_NOBODY = frozenset({"nobody", "no-one", "noone", "none", "neither", "no"})
#: "as planned", "as agreed": an act done to plan. Not "as intended", "as designed", "as
#: expected", which say how a system works ("kept the system from working as intended").
_PLANNED = C["as_planned"] - {"intended", "designed", "expected"}
#: Judgements of what one might say: a frame when "to" or "that" follows.
_JUDGED_SAYING = frozenset(
    {"tempting", "unfair", "wrong", "misleading", "easy", "simplistic", "unhelpful"}
)
#: Reported speech: a frame when a quotation, "that" or a colon follows.
_REPORTING = frozenset({"claimed", "wrote", "said", "says", "writes", "claims", "suggested"})
_QUOTE_MARKS = frozenset({"'", '"', "\u2018", "\u2019", "\u201c", "\u201d"})
#: How far back (tokens) a disposable word looks for the act it qualifies.
_RELIEF_REACH = 8
_ACTS = C["destructive"] | C["weak_fail"] | C["strong_fail"]
#: States of an object that make removing or stopping it a remedy ("killed the failing job").
_TROUBLED = frozenset({"failing", "flapping", "misbehaving", "crashing", "leaking", "noisy"})
_CLAUSE_BREAKS = frozenset({"while", "when", "because", "and", "but", "so", "after", "before"})
_SAYING = C["reject_frames"] | frozenset(
    {"say", "claim", "suggest", "imply", "think", "believe", "mean", "argue", "assert", "feel"}
)
#: Objects that are disposable or themselves the trouble, and what ends or lapses on its own ("the
#: stale pods", "the job that had filled the disk", "killed the runaway query"): where the rules
#: clear an act, the model does not overrule them.
_RELIEF = frozenset(
    {"stale", "old", "unused", "orphaned", "leftover", "temporary", "temp", "duplicate", "filled"}
    | {"runaway", "stuck", "hung", "rogue", "zombie", "looping", "locked"}
)


def model_hit(feats: Features, model: LinearModel) -> Hit | None:
    """The finding the model makes from ``feats``: its span and family (module docstring)."""
    strongest = model.strongest(feats, n=3)
    if not strongest:
        return None
    first = feats[strongest[0][0]]
    start, end = first
    if len(strongest) > 1:
        second = feats[strongest[1][0]]
        lo, hi = min(start, second[0]), max(end, second[1])
        if hi - lo <= _MAX_SPAN:
            start, end = lo, hi
    return Hit(start, end, model_family([f for f, _ in strongest], model))


def model_family(names: Sequence[str], model: LinearModel) -> str:
    """The family the strongest features point to: a rule feature's own, else a vote of the
    families the trainer recorded for them (ties to the stronger), else "agent"."""
    for name in names:
        if name.startswith("r:") and name[2:] in FAMILIES:
            return name[2:]
    recorded: dict[str, str] = model.meta.get("families", {})
    votes = Counter(recorded[n] for n in names if recorded.get(n) in FAMILIES)
    if not votes:
        return _DEFAULT_FAMILY
    best = max(votes.values())
    return next(recorded[n] for n in names if votes.get(recorded.get(n, ""), 0) == best)
