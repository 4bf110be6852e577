"""Whether a done-when is a check someone could run: an observable outcome in a test, a drill or
against a number or a named thing ("a staging fill test pages the on-call", "the job fails in a
test with the bucket removed", "SHOW max_connections returns 400").

A trigger word in the title ("ensure", "investigate", "monitor", "evaluate") followed by a
concrete object is then fine: the issue's "Monitor disk use on the ledger hosts … done when a
staging fill test pages". The reading is a few set look-ups per token, linear in the length.
"""

from __future__ import annotations

from workflows.rules.text import Token, has
from workflows.rules.vague.words import C, identifier, numeric, word_tokens

__all__ = ["CHECK_OUTCOMES", "TEST_CONTEXT", "is_check"]

#: Outcomes one can watch happen (third person or participle, as a done-when states them).
CHECK_OUTCOMES = frozenset(
    {
        "fires",
        "pages",
        "fails",
        "aborts",
        "rejects",
        "rejected",
        "returns",
        "refuses",
        "refused",
        "blocks",
        "blocked",
        "raises",
        "halts",
        "halted",
        "aborted",
        "cancelled",
        "canceled",
        "exits",
        "triggers",
        "trips",
        "shows",
        "lists",
        "passes",
        "succeeds",
        "reports",
        "alerts",
        "errors",
        "denied",
        "denies",
        "attached",
        "posted",
        "merged",
    }
)

#: Words that put the outcome in a test, a drill or a replay rather than in hope.
TEST_CONTEXT = frozenset(
    {
        "staging",
        "test",
        "tests",
        "drill",
        "replay",
        "replayed",
        "simulated",
        "forced",
        "injected",
        "induced",
        "stubbed",
        "game",
        "gameday",
        "game-day",
        "load",
        "chaos",
        "ci",
        "canary",
        "synthetic",
        "dry-run",
        "fill",
        "ticket",
    }
)

#: Fewest words a check has: "alert fires" alone restates an alerting title.
_MIN_WORDS = 4


def is_check(done_when: str | None, title: str) -> bool:
    """True when ``done_when`` names an outcome and where it is seen (a test or drill, a number
    or a named thing) and checks the title's own subject: it shares a content word with it, so
    "the alert fires in staging" does not vouch for "Explore options for the cache". Empty or
    short criteria are not checks."""
    if not done_when:
        return False
    toks = word_tokens(done_when)
    words = [t for t in toks if t.word]
    if len(words) < _MIN_WORDS:
        return False
    if not any(t.low in CHECK_OUTCOMES for t in words):
        return False
    if not any(_anchor(t) for t in toks):
        return False
    subject = _content(word_tokens(title))
    return any(not t.lem.isdisjoint(subject) for t in words if t.low not in C["stop"])


def _content(toks: list[Token]) -> frozenset[str]:
    return frozenset(
        x for t in toks if t.word and t.low not in C["stop"] and len(t.low) > 2 for x in t.lem
    )


def _anchor(t: Token) -> bool:
    return (
        t.low in TEST_CONTEXT
        or numeric(t)
        or identifier(t)
        or t.quoted
        or (t.word and has(t, C["documents"]))
    )
