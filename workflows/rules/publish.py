"""The whole review: its findings, what blocks publishing, and the follow-up meeting's record.

Publishing needs a complete chain, at least one "what went well", SMART items covering every root
cause, and no open findings: blame findings and root causes that read as symptoms block it unless
the facilitator gives an override reason (the public ``blame_override`` field of the publish
request, which covers both).
"""

from __future__ import annotations

from datetime import datetime

from workflows.codes import Code
from workflows.policy import Policy
from workflows.review import (
    Finding,
    FollowUpRecord,
    FollowUpStatus,
    ItemStatus,
    Phase,
    ReviewState,
    Violation,
)
from workflows.rules.blameless import lint_text
from workflows.rules.common import blank, plural, squash, v
from workflows.rules.five_whys import check_five_whys
from workflows.rules.lint import root_cause_findings
from workflows.rules.smart import check_action_item, due_violations

__all__ = ["check_follow_up", "check_publish", "review_findings"]


def review_findings(state: ReviewState) -> list[Finding]:
    """Blame and symptom findings across every free-text field of a review, in document order.

    A root cause gets its blameless-language findings and, when it is only a symptom, a
    ``symptom`` finding; one that stops at a person and already has a blame finding gets no second
    finding for the same words.
    """
    responders = [p.name for p in state.incident.responders]
    out: list[Finding] = []
    if state.five_whys is not None:
        five = state.five_whys
        out += lint_text(five.symptom, responders, "five_whys.symptom")
        for index, why in enumerate(five.whys):
            out += lint_text(why, responders, f"five_whys.whys.{index}")
        for index, cause in enumerate(five.root_causes):
            where = f"five_whys.root_causes.{index}.statement"
            blame = lint_text(cause.statement, responders, where)
            out += blame
            out += root_cause_findings(
                cause.statement, five.symptom, responders, where, blame=blame
            )
    for index, entry in enumerate(state.went_well):
        out += lint_text(entry.text, responders, f"went_well.{index}")
    for item in state.action_items:
        out += lint_text(item.title, responders, f"action_items.{item.id}.title")
        out += lint_text(item.done_when, responders, f"action_items.{item.id}.done_when")
    return out


def check_publish(
    state: ReviewState, now: datetime, policy: Policy, blame_override: str | None
) -> list[Violation]:
    """Everything that blocks publishing, at once.

    Field paths are those of :func:`check_five_whys` for the chain ("whys.2"), ``root_causes.<i>``
    for a root cause no item addresses, and ``action_items.<id>.<field>`` for items.
    """
    if state.phase != Phase.DRAFTING:
        return [
            v(
                Code.WRONG_PHASE,
                "phase",
                f'The review is in phase "{state.phase.value}"; only a draft can be published.',
                "Nothing to do: the review was already published.",
            )
        ]
    out: list[Violation] = []
    five = state.five_whys
    if five is None:
        out.append(
            v(
                Code.FIVE_WHYS_MISSING,
                "five_whys",
                "The review has no five-whys analysis.",
                "Submit the symptom, 3 to 7 whys and the root causes first.",
            )
        )
    else:
        out += check_five_whys(five, [p.name for p in state.incident.responders])
    if not any(not blank(w.text) for w in state.went_well):
        out.append(
            v(
                Code.WENT_WELL_MISSING,
                "went_well",
                'The review has no "what went well" entry.',
                "Add at least one thing that went well, e.g. "
                '"The on-call was paged within 2 minutes of the first error".',
            )
        )
    for index, entry in enumerate(state.went_well):
        if blank(entry.text):
            out.append(
                v(
                    Code.WENT_WELL_EMPTY,
                    f"went_well.{index}",
                    f'"What went well" entry {index + 1} is empty.',
                    "Write what went well, or remove the entry.",
                )
            )
    if not state.action_items:
        out.append(
            v(
                Code.ACTION_ITEMS_MISSING,
                "action_items",
                "The review has no action items.",
                "Add at least one SMART action item for each root cause.",
            )
        )
    root_ids = [c.id for c in five.root_causes] if five is not None else []
    if five is not None:
        addressed = {i.root_cause.strip() for i in state.action_items}
        for index, cause in enumerate(five.root_causes):
            if cause.id.strip() not in addressed:
                out.append(
                    v(
                        Code.ROOT_CAUSE_UNCOVERED,
                        f"root_causes.{index}",
                        f'No action item addresses root cause "{squash(cause.id)}" '
                        f'("{squash(cause.statement)}").',
                        f'Add an action item with root_cause "{squash(cause.id)}".',
                    )
                )
    for item in state.action_items:
        found = check_action_item(item, root_ids, now, policy, f"action_items.{item.id}.")
        if five is None:
            found = [v for v in found if v.code != Code.ROOT_CAUSE_UNKNOWN]
        out += found
    if blank(blame_override):
        findings = review_findings(state)
        blame = [f for f in findings if f.kind == "blame"]
        symptoms = [f for f in findings if f.kind == "symptom"]
        if blame:
            out.append(
                v(
                    Code.BLAME_FINDINGS_OPEN,
                    "blame_override",
                    f"{plural(len(blame), 'finding is', 'findings are')} open "
                    f"(blameless language): {_listing(blame)}.",
                    "Rewrite the flagged text (each finding has a rewrite hint), or publish with "
                    "an override reason that says why the wording is acceptable.",
                )
            )
        if symptoms:
            out.append(
                v(
                    Code.SYMPTOM_FINDINGS_OPEN,
                    "blame_override",
                    f"{plural(len(symptoms), 'root cause reads', 'root causes read')} as a "
                    f"symptom: {_listing(symptoms)}.",
                    "Ask why once more and rewrite the root cause as a condition of the system "
                    "(process, tooling, tests, limits, documentation, roles, environment), or "
                    "publish with an override reason that says why it stands.",
                )
            )
    return out


def _listing(findings: list[Finding]) -> str:
    shown = "; ".join(f'"{squash(f.text)}" in {f.field}' for f in findings[:5])
    more = f" and {len(findings) - 5} more" if len(findings) > 5 else ""
    return f"{shown}{more}"


def check_follow_up(
    state: ReviewState, record: FollowUpRecord, now: datetime, policy: Policy
) -> list[Violation]:
    """Everything wrong with a follow-up meeting's record, at once.

    One outcome per item, each naming an existing item once; re-planned needs a valid new due date
    and a reason, dropped needs a reason; every open item needs an outcome.
    """
    if state.phase not in (Phase.TRACKING, Phase.FOLLOW_UP):
        return [
            v(
                Code.WRONG_PHASE,
                "phase",
                f'The review is in phase "{state.phase.value}"; a follow-up can be recorded only '
                "while its items are tracked.",
                "Publish the review first."
                if state.phase == Phase.DRAFTING
                else "The review is closed; nothing more to record.",
            )
        ]
    out: list[Violation] = []
    seen: dict[str, int] = {}
    for index, outcome in enumerate(record.outcomes):
        prefix = f"outcomes.{index}"
        item_id = outcome.action_item.strip()
        item = state.item(item_id)
        if item is None:
            known = ", ".join(i.id for i in state.action_items) or "none"
            out.append(
                v(
                    Code.ACTION_ITEM_UNKNOWN,
                    f"{prefix}.action_item",
                    f'Outcome {index + 1} names action item "{squash(outcome.action_item)}", '
                    f"which does not exist. Known items: {known}.",
                    "Use the id of an action item of this review.",
                )
            )
            continue
        if item_id in seen:
            out.append(
                v(
                    Code.FOLLOW_UP_INVALID,
                    f"{prefix}.action_item",
                    f'Action item "{item_id}" has a second outcome '
                    f"(first in outcome {seen[item_id] + 1}).",
                    "Record one outcome per item: done, replanned or dropped.",
                )
            )
            continue
        seen[item_id] = index
        if outcome.status == FollowUpStatus.REPLANNED:
            if item.status != ItemStatus.OPEN:
                out.append(
                    v(
                        Code.FOLLOW_UP_INVALID,
                        f"{prefix}.status",
                        f'Action item "{item_id}" is already {item.status.value}; '
                        "it cannot be re-planned.",
                        "Record it as done or dropped, matching its status.",
                    )
                )
            out += due_violations(outcome.due, now, policy, f"{prefix}.due", what="new due date")
            if blank(outcome.reason):
                out.append(
                    v(
                        Code.FOLLOW_UP_INVALID,
                        f"{prefix}.reason",
                        f'Re-planning action item "{item_id}" needs a reason.',
                        "Say why the date moved, e.g. "
                        '"Blocked on the database upgrade, now scheduled for week 32".',
                    )
                )
        elif outcome.status == FollowUpStatus.DROPPED and blank(outcome.reason):
            out.append(
                v(
                    Code.FOLLOW_UP_INVALID,
                    f"{prefix}.reason",
                    f'Dropping action item "{item_id}" needs a reason.',
                    "Say why the item is no longer worth doing, e.g. "
                    '"The service is retired in Q3".',
                )
            )
    missing = [i.id for i in state.open_items if i.id not in seen]
    if missing:
        names = ", ".join(f'"{m}"' for m in missing)
        out.append(
            v(
                Code.FOLLOW_UP_INCOMPLETE,
                "outcomes",
                f"{plural(len(missing), 'open action item has', 'open action items have')} "
                f"no outcome: {names}.",
                "Record done, replanned (with a new due date and reason) or dropped (with a "
                "reason) for every open item.",
            )
        )
    return out
