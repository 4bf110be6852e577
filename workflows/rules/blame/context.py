"""Facts about one sentence that the phrase conditions ask, computed once per sentence."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from workflows.rules.blame.evidence import CREDIT
from workflows.rules.names import SYSTEMS, C, Names, mentions, person_word
from workflows.rules.text import Sentence, Token, has

__all__ = ["Context"]


_BUT = frozenset({"but", "however", "though", "although", "yet", "still"})


class Context:
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
        self.credit = _prefix([has(t, CREDIT) for t in toks])
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
        # "never tested", "didn't check": an omitted step at or after each token (a "but" then
        # an omission completes a disclaimer: "no blame intended, but backend never tested it")
        self.omission_after = _suffix([_omitted_step(toks, k) for k in range(n)])
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

    def quoted_edge(self, start: int, end: int) -> bool:
        """The first or the last word of the character span ``start..end`` is quoted: the
        evidence itself is reported speech or a term under discussion. A quoted word inside the
        span ("disabled the check 'temporarily' and never turned it back on") is not."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end) - 1
        if first >= len(self.starts) or last < first:
            return False
        return self._quoted_at(first) or self._quoted_at(last)

    def _quoted_at(self, k: int) -> bool:
        return self.quoted[k + 1] > self.quoted[k]

    def quoted_within(self, start: int, end: int) -> bool:
        """A quoted word starts inside the character span ``start..end``."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end)
        return self.quoted[last] > self.quoted[first]


def _omitted_step(toks: Sequence[Token], k: int) -> bool:
    """Token ``k`` negates a step someone would take ("never tested", "didn't check") and its
    subject, just before, is a person or a bare group ("backend clearly never tested"), not a
    thing ("the pipeline never checked", "it never tested")."""
    t = toks[k]
    if not (t.low == "never" or has(t, C["did_not"])) or k + 1 >= len(toks):
        return False
    if not has(toks[k + 1], C["omission_verbs"]):
        return False
    h = k - 1
    while h >= 0 and toks[h].low.endswith("ly"):
        h -= 1  # "backend clearly never tested"
    if h < 0 or not toks[h].word:
        return False
    head = toks[h]
    if person_word(head):
        return True
    determined = h > 0 and toks[h - 1].low in ("the", "a", "an", "its", "this", "that", "our")
    return not (determined or head.low in SYSTEMS or head.low in ("it", "this", "that"))


_STRONG_EVENTS = frozenset({"another", "again", "yet", "usual", "friday", "fridays"})


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
