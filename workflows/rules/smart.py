"""SMART action items: one owner, a due date in the horizon, a specific title, a measurable done-when.

Vague action items: the title and the done-when criterion read together.

A title is vague when its action has no concrete object or mechanism ("make alerting smarter",
"harden the VPN config", "educate the team about caching"), asks only for a discussion or an
investigation with no step and no output ("discuss the paging policy", "look into the GC
pauses"), states a goal without an action ("halve the pages per week"), leaves a value undefined
("raise the pool size to a reasonable number"), or hedges ("where feasible", "as needed").
A trigger word followed by a concrete change is fine: "Monitor disk use on the ledger hosts: page
at 90% for 10 minutes", "Investigate the GC pauses on search-3 by capturing a heap profile".

A done-when is vague when nobody could check it ("when everyone is comfortable"), when it only
restates the title ("VPN hardened" for "Harden the VPN config"), or when it is a bare "done".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from workflows.codes import Code
from workflows.policy import ItemPolicy, Policy
from workflows.review import ActionItemDraft, Finding, Violation, parse_due
from workflows.rules.common import SMART_QUESTION, blank, plural, squash, v
from workflows.rules.vague.done_when import done_when_findings
from workflows.rules.vague.model import combine
from workflows.rules.vague.title import title_findings
from workflows.rules.vague.words import DONE_WHEN_HINT, Vague

__all__ = [
    "DONE_WHEN_HINT",
    "check_action_item",
    "done_when_findings",
    "due_violations",
    "lint_action_wording",
    "title_findings",
]


def lint_action_wording(
    title: str, done_when: str | None = None, field_prefix: str = "", *, learned: bool = True
) -> list[Finding]:
    """Vagueness findings in an action item's title and done-when, read together.

    The hand rules run first; with ``learned`` (the default) the model of ``vague/model.py`` may
    add a finding they missed or veto one it finds very unlikely; ``learned=False`` gives the
    rules alone. Findings are sorted by field (title first), then offset. Never raises.
    """
    findings: list[Finding] = []
    title = title or ""
    has_done = bool(done_when and done_when.strip())
    title_hits = title_findings(title, done_when or "")
    done_hits = done_when_findings(done_when or "", title) if has_done else []
    if learned:
        title_hits, done_hits = combine(title, done_when, title_hits, done_hits)
    for f in title_hits:
        findings.append(_finding(f, title, f"{field_prefix}title"))
    for f in done_hits:
        findings.append(_finding(f, done_when or "", f"{field_prefix}done_when"))
    return findings


def _finding(f: Vague, text: str, field: str) -> Finding:
    return Finding(
        code=f.code.value,
        kind="vague",
        field=field,
        start=f.start,
        end=f.end,
        text=text[f.start : f.end],
        message=f.message,
        hint=f.hint,
        suggestion=f.suggestion,
    )


_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


_OWNER_PARTS = re.compile(r"[,;/&|\s]+")


_OWNER_LIST = re.compile(r"[,;/&|]|\s(?:and|or|\+)\s", re.IGNORECASE)


_OWNER_HINT = (
    "Give exactly one owner as an email address, e.g. alice@example.com; "
    "one person owns the item even when several help."
)


def _owner_violations(owner: str, field: str) -> list[Violation]:
    value = (owner or "").strip()
    parts = [p for p in _OWNER_PARTS.split(value) if p]
    if not parts:
        return [
            v(Code.OWNER_NOT_SINGLE, field, "The item has no owner.", _OWNER_HINT),
        ]
    if len(parts) == 1:
        if _EMAIL.fullmatch(parts[0]) and len(parts[0]) <= 254:
            return []
        return [
            v(
                Code.OWNER_INVALID,
                field,
                f'The owner "{squash(value)}" is not an email address.',
                _OWNER_HINT,
            )
        ]
    addresses = [p for p in parts if "@" in p]
    if _OWNER_LIST.search(value) or len(addresses) > 1:
        return [
            v(
                Code.OWNER_NOT_SINGLE,
                field,
                f'The owner "{squash(value)}" names {len(parts)} owners; an item has exactly one.',
                _OWNER_HINT,
            )
        ]
    hint = _OWNER_HINT
    if len(addresses) == 1:
        bare = addresses[0].strip("<>\"'()[]")
        if _EMAIL.fullmatch(bare):
            hint = f"Give only the address: {bare}."
    return [
        v(
            Code.OWNER_INVALID,
            field,
            f'The owner "{squash(value)}" is not a single email address.',
            hint,
        )
    ]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _local(moment: datetime, tz: str) -> str:
    try:
        return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z")
    except (OverflowError, ValueError):
        return moment.isoformat()


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds % 86400 == 0:
        return plural(seconds // 86400, "day", "days")
    if seconds % 3600 == 0:
        return plural(seconds // 3600, "hour", "hours")
    if seconds % 60 == 0:
        return plural(seconds // 60, "minute", "minutes")
    return plural(seconds, "second", "seconds")


def due_violations(
    raw: str | None,
    now: datetime,
    policy: Policy | ItemPolicy,
    field: str,
    *,
    what: str = "due date",
) -> list[Violation]:
    """DUE_INVALID, DUE_IN_PAST or DUE_BEYOND_HORIZON for one due value (at most one of them)."""
    example = "Use an ISO date such as 2025-07-01 (end of that day) or a date-time such as "
    example += "2025-07-01T17:00:00+02:00."
    if raw is None or not raw.strip():
        return [v(Code.DUE_INVALID, field, f"The {what} is missing.", example)]
    try:
        due = _aware(parse_due(raw, policy.timezone))
    except (ValueError, OverflowError, TypeError):
        return [v(Code.DUE_INVALID, field, f'The {what} "{squash(raw)}" is not a date.', example)]
    now = _aware(now)
    horizon = policy.action_items.max_horizon
    if due <= now:
        return [
            v(
                Code.DUE_IN_PAST,
                field,
                f'The {what} "{squash(raw)}" has already passed '
                f"(now is {_local(now, policy.timezone)}).",
                f"Pick a date after today and within {_duration(horizon)}.",
            )
        ]
    try:
        latest = now + horizon
    except OverflowError:
        return []
    if due > latest:
        return [
            v(
                Code.DUE_BEYOND_HORIZON,
                field,
                f'The {what} "{squash(raw)}" is more than {_duration(horizon)} away '
                f"(latest allowed: {_local(latest, policy.timezone)}).",
                "Pick an earlier date, or split the work so a first, smaller change lands "
                "within the horizon.",
            )
        ]
    return []


def check_action_item(
    item: ActionItemDraft,
    root_cause_ids: Collection[str],
    now: datetime,
    policy: Policy | ItemPolicy,
    field_prefix: str = "",
) -> list[Violation]:
    """Every SMART problem of one action item at once, in field order.

    Title non-blank and specific; exactly one owner email; a due date after ``now`` and within
    ``policy.action_items.max_horizon``; a measurable done-when; a known root cause.
    """
    out: list[Violation] = []
    title_field = f"{field_prefix}title"
    done_field = f"{field_prefix}done_when"
    wording = lint_action_wording(item.title, item.done_when, field_prefix)
    if blank(item.title):
        out.append(
            v(
                Code.TITLE_MISSING,
                title_field,
                "The item has no title.",
                f"{SMART_QUESTION} Name the change, e.g. "
                '"Add schema validation to the deploy pipeline for payments config".',
            )
        )
    else:
        vague = [f for f in wording if f.field == title_field]
        if vague:
            phrases = _quoted(vague)
            out.append(
                v(
                    Code.TITLE_VAGUE,
                    title_field,
                    f'The title "{squash(item.title)}" is vague ({phrases}).',
                    vague[0].hint,
                )
            )
    out.extend(_owner_violations(item.owner, f"{field_prefix}owner"))
    out.extend(due_violations(item.due, now, policy, f"{field_prefix}due"))
    if blank(item.done_when):
        out.append(
            v(
                Code.DONE_WHEN_MISSING,
                done_field,
                "The item has no done-when criterion.",
                DONE_WHEN_HINT,
            )
        )
    else:
        vague = [f for f in wording if f.field == done_field]
        if vague:
            phrases = _quoted(vague)
            out.append(
                v(
                    Code.DONE_WHEN_NOT_MEASURABLE,
                    done_field,
                    f'The done-when criterion "{squash(item.done_when)}" is not measurable '
                    f"({phrases}).",
                    DONE_WHEN_HINT,
                )
            )
    known = {r.strip() for r in root_cause_ids}
    wanted = (item.root_cause or "").strip()
    if wanted not in known or not wanted:
        listing = ", ".join(sorted(known)) if known else "none yet"
        message = (
            "The item names no root cause."
            if not wanted
            else f'The item names root cause "{squash(wanted)}", which does not exist.'
        )
        out.append(
            v(
                Code.ROOT_CAUSE_UNKNOWN,
                f"{field_prefix}root_cause",
                f"{message} Known root causes: {listing}.",
                "Name the id of the root cause this item addresses; submit the five whys first "
                "if there are none.",
            )
        )
    return out


def _quoted(findings: Sequence[Finding]) -> str:
    """The findings' texts, quoted and joined: what the violation says is vague."""
    return ", ".join(f'"{squash(f.text)}"' for f in findings)
