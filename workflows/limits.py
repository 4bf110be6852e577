"""Every size limit of a review, as data in one place (the README's Limits table lists them).

A review lives for weeks in one workflow, whose state travels in Temporal payloads (2 MB each at
most): anything a sender or a typo can make grow must stop at a limit, and the rule checks are only
cheap because their inputs are bounded. The update validators call :func:`oversize` and
:func:`too_many` before any rule runs, so a rejected update records nothing; the API answers their
violations with 422 ``too_long`` / ``too_many``, naming the field and the limit.

Pure and deterministic (runs in update validators): no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from pydantic import BaseModel

from workflows.codes import Code
from workflows.review import ActionItemDraft, FiveWhys, Violation, WentWell
from workflows.rules import MAX_TEXT

__all__ = [
    "ACTION_ITEMS",
    "BODY_BYTES",
    "FOLLOW_UP_OUTCOMES",
    "REPLANS",
    "REVIEW_TEXT",
    "ROOT_CAUSES",
    "SHORT",
    "SUMMARY",
    "TEXT",
    "TIMELINE",
    "TITLE",
    "WENT_WELL",
    "oversize",
    "review_text",
    "room_for",
    "too_long",
    "too_many",
]

#: Any text field (a why, a statement, a reason, a note), in characters.
TEXT = MAX_TEXT
#: An action item's title: Jira refuses summaries over 255 characters or with line breaks.
TITLE = 255
#: Short identifiers and values: owners (an email address is at most 254), due dates, ids.
SHORT = 254
#: Action items per review.
ACTION_ITEMS = 50
#: Root causes per five-whys chain.
ROOT_CAUSES = 20
#: Went-well entries per review.
WENT_WELL = 50
#: Outcomes of one follow-up record (one per item at most).
FOLLOW_UP_OUTCOMES = ACTION_ITEMS
#: Re-plans of one item (each carries its reason into the item's history).
REPLANS = 20
#: Timeline entries imported from PagerDuty; the rest are counted, not kept.
TIMELINE = 500
#: A timeline entry's summary is cut to this many characters (ending with "…").
SUMMARY = 1_000
#: All the free text the ``status`` query checks, summed over the review (the chain, the items'
#: titles and done-when, what went well). Each check is linear, so this bounds one query's time on
#: a cold cache (≈ 0.3 s at ≈ 3 µs a character) far below the SDK's 2 s deadlock limit, which the
#: per-field limits alone would not (50 went-well entries of 10,000 characters ≈ 1.5 s).
REVIEW_TEXT = 100_000
#: Any `/api` or form body, in bytes (413 ``payload_too_large`` above it).
BODY_BYTES = 1_000_000

#: Text fields with a limit other than :data:`TEXT`, by the last part of their field path.
_TEXT_LIMITS: Mapping[str, int] = {"title": TITLE, "owner": SHORT, "due": SHORT, "id": SHORT}
#: List fields and their limits, by the last part of their field path.
_LIST_LIMITS: Mapping[str, int] = {
    "root_causes": ROOT_CAUSES,
    "outcomes": FOLLOW_UP_OUTCOMES,
    "whys": 50,
}


def oversize(model: BaseModel, prefix: str = "") -> list[Violation]:
    """Every text or list of ``model`` (nested models included) over its limit, in field order.

    Also refuses a title with a line break (Jira takes one line). Linear in the model's size.
    """
    return list(_walk(model, prefix))


def _walk(model: BaseModel, prefix: str) -> Iterator[Violation]:
    for name in type(model).model_fields:
        yield from _value(getattr(model, name), f"{prefix}{name}", name)


def _value(value: object, path: str, name: str) -> Iterator[Violation]:
    if isinstance(value, BaseModel):
        yield from _walk(value, f"{path}.")
    elif isinstance(value, str):
        limit = _TEXT_LIMITS.get(name, TEXT)
        if len(value) > limit:
            yield too_long(path, len(value), limit)
        if name == "title" and ("\n" in value or "\r" in value):
            yield Violation(
                code=Code.TITLE_MULTILINE,
                field=path,
                message="The title has a line break; a ticket title is one line.",
                hint="Put the details in done_when, keep the title one line.",
            )
    elif isinstance(value, list):
        most = _LIST_LIMITS.get(name)
        if most is not None and len(value) > most:
            yield too_many(path, len(value), most)
        for index, entry in enumerate(value):
            yield from _value(entry, f"{path}.{index}", name)


def too_long(field: str, length: int, limit: int) -> Violation:
    """``field`` is ``length`` characters long, over ``limit``."""
    return Violation(
        code=Code.TOO_LONG,
        field=field,
        message=f"{field} is {length:,} characters long; the limit is {limit:,}.",
        hint=f"Shorten it to {limit:,} characters or fewer.",
    )


def too_many(field: str, count: int, limit: int) -> Violation:
    """``field`` would hold ``count`` entries, over ``limit``."""
    return Violation(
        code=Code.TOO_MANY,
        field=field,
        message=f"{field} would have {count:,} entries; the limit is {limit:,}.",
        hint="Remove or merge entries first.",
    )


def room_for(field: str, present: int, limit: int) -> list[Violation]:
    """A ``too_many`` violation when one more entry would not fit ``limit``, else none."""
    return [too_many(field, present + 1, limit)] if present >= limit else []


def review_text(
    five_whys: FiveWhys | None, went_well: Iterable[WentWell], items: Iterable[ActionItemDraft]
) -> list[Violation]:
    """A ``too_long`` violation when the review's checked text would pass :data:`REVIEW_TEXT`."""
    total = sum(len(w.text) for w in went_well) + sum(
        len(i.title) + len(i.done_when) for i in items
    )
    if five_whys is not None:
        total += len(five_whys.symptom) + sum(len(w) for w in five_whys.whys)
        total += sum(len(rc.statement) for rc in five_whys.root_causes)
    if total <= REVIEW_TEXT:
        return []
    return [
        Violation(
            code=Code.TOO_LONG,
            field="review",
            message=f"The review would hold {total:,} characters of text; the limit is "
            f"{REVIEW_TEXT:,}.",
            hint="Shorten some entries: the review is checked as a whole on every view.",
        )
    ]
