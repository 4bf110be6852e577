"""One entry point for linting a piece of text as typed: the API, the command and the pages use it.

``kind`` says what the text is: free text (blame only), an action item's title read with its
done-when (blame and vagueness in both), or a root-cause statement read with the chain's symptom
(blame, and whether it is only a symptom). Texts are limited to :data:`MAX_TEXT` characters; the
callers refuse longer ones with ``too_long`` before calling.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from workflows.codes import Code
from workflows.review import Finding
from workflows.rules.blameless import lint_text
from workflows.rules.root_cause import lint_root_cause
from workflows.rules.smart import lint_action_wording

__all__ = ["MAX_TEXT", "LintKind", "lint", "root_cause_findings", "too_long"]

#: The longest text one call checks (10,000 characters: a long "why" or a whole timeline note).
MAX_TEXT = 10_000

LintKind = Literal["text", "action_item", "root_cause"]


def lint(
    text: str,
    responders: Sequence[str] = (),
    kind: LintKind | None = None,
    done_when: str | None = None,
    symptom: str | None = None,
) -> list[Finding]:
    """Every finding of ``text`` read as ``kind``, sorted by field (text first), then offset.

    Args:
        text: The text; with ``kind="action_item"`` the item's title.
        responders: Names of the people involved.
        kind: ``None`` or ``"text"`` (blame only), ``"action_item"`` (title and ``done_when``:
            fields ``"title"`` and ``"done_when"``), ``"root_cause"`` (with ``symptom``).
        done_when: The action item's done-when criterion.
        symptom: The chain's symptom, to tell a root cause that only restates it.
    """
    if kind == "action_item":
        found = lint_text(text, responders, "title")
        if done_when:
            found += lint_text(done_when, responders, "done_when")
        found += lint_action_wording(text, done_when)
        order = {"title": 0, "done_when": 1}
        return sorted(found, key=lambda f: (order.get(f.field or "", 0), f.start, f.end))
    found = lint_text(text, responders)
    if kind == "root_cause":
        found += root_cause_findings(text, symptom, responders, None, blame=found)
    return sorted(found, key=lambda f: (f.start, f.end))


def root_cause_findings(
    statement: str,
    symptom: str | None,
    responders: Sequence[str],
    field: str | None,
    *,
    blame: Sequence[Finding],
) -> list[Finding]:
    """The symptom finding of a root cause, unless its blame findings already say it stops at a person."""
    found = lint_root_cause(statement, symptom, responders, field)
    if blame:
        found = [f for f in found if f.code != Code.ROOT_CAUSE_STOPS_AT_PERSON]
    return found


def too_long(name: str, value: str | None) -> str | None:
    """The message refusing ``value`` when it is over :data:`MAX_TEXT` characters, else None."""
    if value is not None and len(value) > MAX_TEXT:
        return f"The {name} is {len(value):,} characters long; at most {MAX_TEXT:,} are checked."
    return None
