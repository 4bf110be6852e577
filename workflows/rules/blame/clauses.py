"""Where the modal of a counterfactual stands: after a condition about a tool or a practice
("if the dashboard had shown the lag, the on-call would have waited"), or after a subject made
better-informed ("an SRE who knew the legacy stack would have…")."""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.names import C
from workflows.rules.text import Token, has

__all__ = ["after_condition", "knowing_subject"]


_CARE = C["care_words"] | frozenset(
    {"care", "attention", "experience", "diligence", "caution", "thought", "focus", "effort"}
)


def after_condition(toks: Sequence[Token], i: int) -> bool:
    """Token ``i`` follows an "if …" or a sentence-initial "had …"/"with …" clause (not one
    about a person's care or attention)."""
    for k in range(i - 1, -1, -1):
        t = toks[k]
        if t.low in ("if", "unless") or (k == 0 and t.low in ("had", "with", "without", "given")):
            return not any(
                has(x, _CARE) and not _noun_use(toks, m)
                for m, x in enumerate(toks[k + 1 : i], start=k + 1)
            )
        if t.text in (".", ";"):
            return False
    return False


_KNOWING = frozenset({"know", "knew", "understand", "understood", "remember", "remembered"})


def knowing_subject(toks: Sequence[Token], i: int) -> bool:
    """The subject before "would" at ``i`` is a better-informed person: "an SRE who knew the
    legacy stack would have restarted the right service" (any act, made to hang on knowing)."""
    for k in range(i - 1, max(-1, i - 8), -1):
        if toks[k].low == "who" and k + 1 < i and toks[k + 1].low in _KNOWING:
            return True
        if not toks[k].word:
            return False
    return False


def _noun_use(toks: Sequence[Token], m: int) -> bool:
    """A care word used as a noun after a determiner: "had the alert routed to the secondary"
    is about an alert, not about being alert."""
    return m > 0 and toks[m - 1].low in ("the", "a", "an", "our", "this", "that", "no", "any")
