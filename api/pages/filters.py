"""The review pages' template filters: the element id of a field, where a violation's field lives,
free text with its blameless-language findings marked (escaped everywhere else), and the room left
in a text or a list (the words ``static/app.js`` repeats while typing)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

__all__ = ["anchor", "entries", "excerpt", "field_anchor", "highlight", "room"]


def anchor(field_path: str) -> str:
    """The element id of a field on the review page (``whys.2`` -> ``f-whys-2``)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_]+", "-", field_path).strip("-")


def field_anchor(field_path: str) -> str:
    """Where a violation's field lives on the review page: the field itself or its section."""
    head = field_path.split(".", 1)[0]
    parts = field_path.split(".")
    if field_path in ("symptom", "whys", "root_causes", "blame_override"):
        return anchor(field_path)
    if head in ("whys", "went_well") and len(parts) == 2:
        return anchor(field_path)
    if head == "went_well" and len(parts) == 3:  # an entry's text, in its edit form
        return anchor(field_path)
    if head == "root_causes" and len(parts) >= 2:
        return anchor(field_path)
    if head == "action_items" and len(parts) >= 2:
        return anchor(".".join(parts[:2]))
    if head.startswith("new_item") or head.startswith("new_went_well"):
        return anchor(field_path)
    return {
        "five_whys": "five-whys",
        "action_items": "action-items",
        "went_well": "went-well",
        "phase": "publish",
    }.get(head, "top")


_MARK = Markup('<mark class="finding-{}">{}</mark>')


def highlight(text: str | None, findings: Sequence[Mapping[str, Any]] | None) -> Markup:
    """``text`` escaped, with each finding's span wrapped in ``<mark>`` (spans never overlap)."""
    value = text or ""
    spans = sorted(
        (
            (int(f["start"]), int(f["end"]), str(f.get("kind", "blame")))
            for f in findings or []
            if 0 <= int(f["start"]) < int(f["end"]) <= len(value)
        ),
        key=lambda s: s[0],
    )
    parts: list[Markup] = []
    cursor = 0
    for start, end, kind in spans:
        if start < cursor:
            continue
        parts.append(escape(value[cursor:start]))
        parts.append(_MARK.format(kind, value[start:end]))
        cursor = end
    # A trailing newline needs a character after it to take up a line in the backdrop.
    parts.append(escape(value[cursor:] + "\u200b"))
    return Markup("").join(parts)


def excerpt(text: str | None, finding: Mapping[str, Any], width: int = 48) -> Markup:
    """A short piece of ``text`` around one finding, the finding marked."""
    value = text or ""
    start, end = int(finding["start"]), int(finding["end"])
    if not 0 <= start < end <= len(value):
        return escape(str(finding.get("text", "")))
    left = max(0, start - width)
    right = min(len(value), end + width)
    before = ("\u2026" if left > 0 else "") + value[left:start]
    after = value[end:right] + ("\u2026" if right < len(value) else "")
    kind = str(finding.get("kind", "blame"))
    return Markup("").join([escape(before), _MARK.format(kind, value[start:end]), escape(after)])


def _many(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def room(text: str | None, limit: int, one_line: bool = False) -> str:
    """The room left in a text field of at most ``limit`` characters ("9,990 characters left",
    or plainly "12 characters over the limit of 10,000"), counted as the server counts: in
    characters (code points), with LF line breaks. ``one_line``: a line break is named too."""
    value = text or ""
    left = limit - len(value)
    said = (
        f"{_many(left, 'character')} left"
        if left >= 0
        else f"{_many(-left, 'character')} over the limit of {limit:,}"
    )
    if one_line and ("\n" in value or "\r" in value):
        said += " · one line only: remove the line break"
    return said


def entries(count: int, limit: int, noun: str) -> str:
    """The room left in a list: "3 of 50 action items", "50 of 50 action items: the limit"."""
    said = f"{count:,} of {limit:,} {noun}"
    return f"{said}: the limit" if count >= limit else said
