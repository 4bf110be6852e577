"""Helpers shared by the rule modules: violations, quoting user text, plurals, blank checks."""

from __future__ import annotations

from workflows.codes import Code
from workflows.review import Violation
from workflows.rules.text import normalise, squash

MIN_WHYS = 3
MAX_WHYS = 7

SMART_QUESTION = "Who will do what, by when, and how will we know it's done?"
ONE_MORE_WHY = "Ask one more why: what made the error possible or likely?"

__all__ = [
    "MAX_WHYS",
    "MIN_WHYS",
    "ONE_MORE_WHY",
    "SMART_QUESTION",
    "blank",
    "plural",
    "squash",
    "v",
]


def v(code: Code, field: str, message: str, hint: str) -> Violation:
    return Violation(code=code.value, field=field, message=message, hint=hint)


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def blank(text: str | None) -> bool:
    return not text or not normalise(text)
