"""Facts about a title's tokens that the title check asks, computed once per title."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from workflows.rules.text import Token, has
from workflows.rules.vague.words import (
    MECHANISM_PREPS,
    WITH_TOPIC,
    C,
    all_concrete,
    concrete_token,
    numeric,
    quantity,
    value_quantity,
)

__all__ = ["GOAL_NOUN_STARTS", "NOT_MORE_OF", "SIZE_WORDS", "Facts"]


NOT_MORE_OF = frozenset(
    {"than", "of", "and", "or", "with", "to", "like", "in", "on", "for", "at", "about", "closely"}
)


GOAL_NOUN_STARTS = frozenset(
    {"fewer", "less", "zero", "no", "lower", "higher", "faster", "shorter", "reduced", "better"}
)


_ALERTING = frozenset({"page", "alert", "alarm", "notify", "ticket"})


_CHARTS = frozenset({"dashboard", "panel", "graph", "chart", "line"})


_RELATIVES = frozenset({"that", "which", "who", "whose"})


SIZE_WORDS = frozenset(
    {"high", "low", "big", "large", "small", "long", "short", "fast", "wide", "generous", "tight"}
)


def _suffix(flags: Sequence[bool]) -> list[bool]:
    """``out[k]``: some flag at ``k`` or after (``out[len]`` is False)."""
    out = [False] * (len(flags) + 1)
    for k in range(len(flags) - 1, -1, -1):
        out[k] = flags[k] or out[k + 1]
    return out


#: Prepositions that open what a talk is about.
_TOPIC_PREPS = frozenset({"about", "on", "re", "regarding", "over", "around", "concerning"})


class Facts:
    """What lies after each token of a title, computed once (on first use) so every question is O(1).

    A title is read clause by clause, and each vague verb asks whether a concrete mechanism, a
    number, an artifact or an output follows it. Asking by scanning the rest of the title would
    cost the square of its length; these suffix tables keep the check linear.
    """

    def __init__(self, toks: Sequence[Token]) -> None:
        self.toks = toks

    # Each table is built on first use: most titles ask only a few of them, and a long title
    # (the 500-character latency figure) would otherwise pay for all thirteen.

    @cached_property
    def number(self) -> list[bool]:
        return _suffix([quantity(self.toks, k) for k in range(len(self.toks))])

    @cached_property
    def value_number(self) -> list[bool]:
        """Like ``number``, but only numbers written as values (not "orders-db-2")."""
        return _suffix([value_quantity(self.toks, k) for k in range(len(self.toks))])

    @cached_property
    def concrete(self) -> list[bool]:
        return _suffix([concrete_token(t) for t in self.toks])

    @cached_property
    def alerting(self) -> list[bool]:
        return _suffix([t.word and has(t, _ALERTING) for t in self.toks])

    @cached_property
    def outputs(self) -> list[bool]:
        return _suffix([t.word and has(t, C["outputs"]) for t in self.toks])

    @cached_property
    def mechanism(self) -> list[bool]:
        return _suffix([self._mechanism_at(k) for k in range(len(self.toks))])

    @cached_property
    def coordinated(self) -> list[bool]:
        toks = self.toks
        return _suffix(
            [
                t.low in ("and", "then")
                and k + 1 < len(toks)
                and has(toks[k + 1], C["action_verbs"])
                and not has(toks[k + 1], C["vague_start"])
                for k, t in enumerate(toks)
            ]
        )

    @cached_property
    def strong(self) -> list[bool]:
        return _suffix([self._mechanism_at(k, strong=True) for k in range(len(self.toks))])

    @cached_property
    def artifact(self) -> list[bool]:
        return _suffix([t.word and has(t, C["artifacts"]) for t in self.toks])

    @cached_property
    def threshold(self) -> list[bool]:
        toks = self.toks
        return _suffix(
            [
                quantity(toks, k)
                and k > 0
                and toks[k - 1].low in ("than", "above", "below", "over", "under", "within")
                for k in range(len(toks))
            ]
        )

    @cached_property
    def charted(self) -> list[bool]:
        return _suffix([t.low in _CHARTS for t in self.toks])

    @cached_property
    def acted(self) -> list[bool]:
        toks = self.toks
        return _suffix(
            [
                t.low in ("by", "via", "using")
                and k + 1 < len(toks)
                and toks[k + 1].low.endswith("ing")
                and has(toks[k + 1], C["action_verbs"])
                and not has(toks[k + 1], C["vague_start"])
                for k, t in enumerate(toks)
            ]
        )

    @cached_property
    def spelled_out(self) -> list[bool]:
        return _suffix([self._spelled_out_at(k) for k in range(len(self.toks))])

    @cached_property
    def parenthetical(self) -> list[bool]:
        depth = 0
        out: list[bool] = []
        for t in self.toks:
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth = max(0, depth - 1)
            out.append(depth > 0)
        return out

    def _mechanism_at(self, k: int, strong: bool = False) -> bool:
        """A concrete way starting at ``k``: "by capturing…", ": page at 90%", "and add an alert",
        "is configured to broadcast…". A strong one is a step to take, not just a number."""
        toks = self.toks
        n = len(toks)
        t = toks[k]
        if (
            t.low in ("is", "are", "be", "gets", "get")
            and k + 1 < n
            and toks[k + 1].low.endswith("ed")
            and has(toks[k + 1], C["action_verbs"])
        ):
            return True
        if t.low in MECHANISM_PREPS and k + 1 < n:
            nxt = toks[k + 1]
            if (
                nxt.low.endswith("ing")
                and nxt.word
                and not has(nxt, C["vague_start"])
                and not any(
                    x.low == "best" or has(x, C["abstract_objects"]) for x in toks[k + 2 : k + 5]
                )
            ):
                return True  # "by capturing a heap profile" (not "by using best practices")
            reach = k + 3 if strong else k + 4  # "with a one-hour failover drill"
            if has(nxt, C["action_verbs"]) or any(
                has(x, C["artifacts"]) for x in toks[k + 2 : reach] if x.word
            ):
                # "with" names a mechanism ("with a game day", "with `--dry-run`"), not in
                # "what happened with the cron job" or "the problem with the queue".
                if t.low == "with" and k > 0 and toks[k - 1].low in WITH_TOPIC:
                    return False
                return t.low != "with" or all_concrete(toks[k + 1 : k + 5])
        if t.text in (":", "\u2014", "\u2013", ";", "(") or (t.text == "-" and k + 1 < n):
            if any(has(r, C["action_verbs"]) for r in toks[k + 1 : k + 4]):
                return True
            if (
                not strong
                and k + 1 < n
                and any(value_quantity(toks, r) for r in range(k + 1, min(n, k + 12)))
            ):
                return True  # ": page at 90%" (not "(follow-up from the 2026-03-14 outage)")
        if (
            t.low == "to"
            and k > 0
            and k + 1 < n
            and toks[k + 1].word
            and toks[k + 1].low in C["action_verbs"]
            and not has(toks[k + 1], C["vague_start"])
            and toks[k - 1].word
            and not numeric(toks[k - 1])
            and toks[k - 1].low not in ("time", "times")
        ):
            return True  # "tighten the bucket policy to deny public reads" (not "the time to
            # restore", a metric named by its verb)
        if t.low == "so" and not strong:
            # "improve the deploy script so (that) it refuses to run without --confirm": the
            # change is named by the behaviour it must have.
            for r in toks[k + 1 : k + 6]:
                if r.word and has(r, C["outcome_verbs"]) and r.low.endswith("s"):
                    return True
        return (
            t.low in ("and", "then", "so")
            and k + 1 < n
            and has(toks[k + 1], C["action_verbs"])
            and not has(toks[k + 1], C["vague_start"])
        )

    def _spelled_out_at(self, k: int) -> bool:
        """A colon or dash that opens the concrete change: "harden ssh on bastions: disable
        password auth and root login", "consider the freeze calendar: block merges when
        freeze=true". The words after it are a non-vague act with an object of two words or
        more, which is what the vague verb before it means."""
        toks = self.toks
        if toks[k].text not in (":", "\u2014", "\u2013"):
            return False
        if k > 0 and toks[k - 1].low == "re":
            return False  # "re: purge API limits" names the topic, not the change
        words = [t for t in toks[k + 1 : k + 8] if t.word]
        if len(words) < 3:
            return False
        verb = words[0]
        return (
            has(verb, C["action_verbs"])
            and not has(verb, C["vague_start"])
            and not has(verb, C["discussion_verbs"] | C["investigate_verbs"] | C["monitor_verbs"])
            and not any(has(t, C["vague_modifiers"]) for t in words)
        )

    @cached_property
    def _coordinated_count(self) -> list[int]:
        """``out[k]``: coordinated acts ("and delete…") at positions before ``k``. The act needs
        an object of its own ("and disable their console access", not "and fix it")."""
        out = [0]
        toks = self.toks
        for k, t in enumerate(toks):
            act = (
                t.low in ("and", "then")
                and k + 1 < len(toks)
                and has(toks[k + 1], C["action_verbs"])
                and not has(toks[k + 1], C["vague_start"])
                and any(
                    x.word and x.low not in C["stop"] and x.low not in C["generic_kinds"]
                    for x in toks[k + 2 : k + 6]
                )
            )
            out.append(out[-1] + act)
        return out

    @cached_property
    def _next_relative(self) -> list[int]:
        """``out[k]``: the first relative pronoun at ``k`` or after (``len`` when none)."""
        n = len(self.toks)
        out = [n] * (n + 1)
        for k in range(n - 1, -1, -1):
            out[k] = k if self.toks[k].low in _RELATIVES else out[k + 1]
        return out

    def _coordinated_before_relative(self, k: int) -> bool:
        end = self._next_relative[k]
        return self._coordinated_count[end] > self._coordinated_count[k]

    def _kept_for(self, k: int) -> bool:
        """ "keep" holds something rather than watching it: a number follows within eight
        tokens with no metric before it ("keep 7 daily snapshots", "keep the old cluster
        running for 48 hours"; not "keep p99 latency below 200 ms", a goal)."""
        for x in self.toks[k : k + 8]:
            if x.word and has(x, C["goal_metrics"]):
                return False  # "p99" is a metric before it is a number
            if numeric(x):
                return True
        return False

    def _past_topic(self, k: int) -> int:
        """Where the talk's topic ends when ``k`` opens one ("about|on|re the migration plan": the
        plan is what is talked about, not an output); ``k`` otherwise. At most eight tokens."""
        if k >= len(self.toks) or self.toks[k].low not in _TOPIC_PREPS:
            return k
        end = min(k + 9, len(self.toks))
        for m in range(k + 1, end):
            x = self.toks[m]
            if not x.word or x.low in ("and", "to", "then", "so", "with", "by"):
                return m
        return end

    def mechanism_after(self, head: int) -> bool:
        return self.mechanism[min(head + 1, len(self.toks))]

    def rescued(self, kind: str, j: int) -> bool:
        """Whether a vague action ending at ``j`` is followed by a concrete change and a check."""
        after = min(j + 1, len(self.toks))
        mechanism = self.mechanism[after]
        if kind == "monitor":
            if self.toks[j].low == "keep" and self._kept_for(after):
                return True  # "keep 7 daily snapshots", "keep the old cluster for 48 hours"
            return self.number[after] and (self.alerting[after] or mechanism or self.charted[after])
        if self.spelled_out[after]:
            return True
        if kind == "discussion":
            # Talk is rescued only by what it produces or a change it goes on to make -- not
            # by the verbs of a clause that describes its topic ("review the design of
            # DaemonSets that inject and attach code": the DaemonSets attach, nobody else).
            # A concrete act it is done by rescues it too ("align log retention with the policy
            # by setting Loki retention to 30 days"): the by-clause is the change.
            return (
                self.outputs[self._past_topic(after)]
                or self._coordinated_before_relative(after)
                or (self.acted[after] and self.concrete[after])
            )
        if kind == "investigate":
            # a step to take, or an output it delivers ("with a weekly report of hosts above
            # 70% usage")
            # 70% usage"), or a concrete act it goes on to make ("Audit IAM users without MFA
            # and disable their console access")
            return (
                (self.strong[after] or self.outputs[after]) and self.concrete[after]
            ) or self._coordinated_before_relative(after)
        # a way and a concrete thing; a way that is itself a concrete act ("by requiring MFA");
        # or a concrete object with a threshold ("the feature flags older than 6 months")
        return (mechanism and (self.concrete[after] or self.acted[after])) or (
            self.threshold[after] and self.artifact[after]
        )
