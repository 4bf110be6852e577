"""Titles whose verb is concrete but whose object is not: a setting changed to no value ("Increase
the memory limit on the worker pods"), a concrete-sounding verb on generic things only ("Add
monitoring for the new service", "Update the runbook"), a target reached with no change ("Reach
100% of services with an owner").

Each reading looks at the title's words once, so a title costs time linear in its length;
:func:`workflows.rules.vague.title.title_findings` reports what these return.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.text import Token, has
from workflows.rules.vague.words import C, identifier, numeric

__all__ = ["Thin", "thin_spans"]

#: (first word, last word, message, suggestion key), as indexes into the title's words.
Thin = tuple[int, int, str, str]

#: Verbs that change a setting; without a value they leave it undefined.
_CHANGE_VERBS = C["change_verbs"]

#: Words that say a value follows or a way is named: "to 400", "from 2 to 4 GiB", "by 50%",
#: "so that…", "using the p99 of last month".
_VALUE_OR_WAY = frozenset(
    {"to", "from", "by", "at", "so", "via", "using", "with", "per", "based", "until", "x", "times"}
)

#: Settings one sizes, besides the lexicon's setting nouns.
_SIZED = C["sized_settings"]

#: Verbs that sound concrete but name no change when their object is generic.
_THIN_VERBS = C["thin_verbs"]

#: Objects that name a kind of thing, not a thing: "monitoring", "the runbook", "the process".
_GENERIC = C["generic_kinds"]

#: Longest title read as a thin one: longer ones say more than generic things.
_MAX_THIN_WORDS = 8

#: Verbs that reach a target: with a number and no way they state a goal.
_REACH = frozenset({"reach", "achieve", "attain", "hit"})


def thin_spans(words: Sequence[Token], checked: bool, valued: bool) -> list[Thin]:
    """Spans of a title's words (``words``: its word tokens) that change a setting to no value,
    act on generic things only, or reach a number with no change. ``checked``: the done-when is
    a runnable check (then a generic object is fine); ``valued``: the done-when gives a number
    (then the setting's value is given there)."""
    if not words:
        return []
    out: list[Thin] = []
    named = any(numeric(t) or identifier(t) or t.quoted for t in words)
    verb = words[0]
    if verb.low in _CHANGE_VERBS and not named and not valued:
        setting = next(
            (k for k, t in enumerate(words[1:6], start=1) if has(t, C["setting_nouns"] | _SIZED)),
            None,
        )
        if setting is not None and not any(t.low in _VALUE_OR_WAY for t in words[1:]):
            out.append((0, setting, "the value is left undefined.", "undefined"))
            return out
    if (
        verb.low in _THIN_VERBS
        and not named
        and not checked
        and len(words) <= _MAX_THIN_WORDS
        and not any(t.text[:1].isupper() for t in words[1:])  # a product or a team by name
    ):
        rest = [t for t in words[1:] if t.low not in C["stop"]]
        if rest and all(t.low in _GENERIC for t in rest):
            out.append((0, len(words) - 1, "it names no concrete object.", "improve"))
            return out
    if (
        verb.low in _REACH
        and any(numeric(t) for t in words[1:6])
        and not any(t.low in ("by", "via", "using", "through") for t in words[1:])
    ):
        out.append((0, 0, "it states a goal, not the change that will reach it.", "goal"))
    return out
