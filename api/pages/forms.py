"""Plain HTML forms to the review models, and rule violations back to the fields they concern.

The pages post ordinary ``application/x-www-form-urlencoded`` forms. Blank rows (an unused "why"
or root cause row) are dropped before the update, and the violations the workflow returns are
mapped back to the row the person typed in, so a message appears next to its field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workflows import rules
from workflows.codes import Code
from workflows.review import (
    ActionItemDraft,
    CauseLink,
    FiveWhys,
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    Priority,
    RootCause,
    RootCauseCategory,
)

__all__ = [
    "ITEM_FIELDS",
    "MAX_WHYS",
    "MIN_WHY_ROWS",
    "Error",
    "FiveWhysForm",
    "FormErrors",
    "RootCauseRow",
    "error",
    "follow_up_errors",
    "follow_up_record",
    "item_draft",
    "item_findings",
    "item_form",
    "link_value",
    "prefixed",
    "remap_indices",
]

Error = dict[str, str]
MIN_WHY_ROWS = 5
MAX_WHYS = 7


def error(field: str, message: str, hint: str, code: str = Code.INVALID_REQUEST.value) -> Error:
    return {"code": code, "field": field, "message": message, "hint": hint}


@dataclass
class FormErrors:
    """The violations of one submitted form, by field (``by_field``) and in order (``items``)."""

    form: str = ""
    items: list[Error] = field(default_factory=list)

    @property
    def by_field(self) -> dict[str, list[Error]]:
        out: dict[str, list[Error]] = {}
        for item in self.items:
            out.setdefault(item["field"], []).append(item)
        return out

    def __bool__(self) -> bool:
        return bool(self.items)


def prefixed(errors: Iterable[Mapping[str, Any]], prefix: str) -> list[Error]:
    return [
        {
            "code": str(e.get("code", "")),
            "field": f"{prefix}{e.get('field', '')}" if e.get("field") else prefix.rstrip("."),
            "message": str(e.get("message", "")),
            "hint": str(e.get("hint", "")),
        }
        for e in errors
    ]


def remap_indices(
    errors: Iterable[Mapping[str, Any]], head: str, rows: Sequence[int]
) -> list[Error]:
    """Point ``<head>.<k>...`` fields at the form row the k-th submitted entry came from."""
    out: list[Error] = []
    for e in errors:
        copy = {k: str(v) for k, v in e.items()}
        parts = copy.get("field", "").split(".")
        if (
            len(parts) >= 2
            and parts[0] == head
            and parts[1].isdigit()
            and int(parts[1]) < len(rows)
        ):
            parts[1] = str(rows[int(parts[1])])
            copy["field"] = ".".join(parts)
        out.append(copy)
    return out


# --- five whys ---------------------------------------------------------------------------------------


@dataclass
class RootCauseRow:
    id: str = ""
    category: str = ""
    statement: str = ""
    same_as: str = ""  # "<incident id>/<root cause id>" of an earlier review's cause, or ""

    @property
    def blank(self) -> bool:
        return not (self.id.strip() or self.statement.strip())


def link_value(link: Any) -> str:
    """A root cause's ``same_as`` as the form's select value (``incident/cause``), or ""."""
    if not isinstance(link, dict):
        return ""
    return f"{link['incident_id']}/{link['root_cause_id']}"


@dataclass
class FiveWhysForm:
    """The five-whys form as typed: every row, blank or not."""

    symptom: str = ""
    whys: list[str] = field(default_factory=list)
    root_causes: list[RootCauseRow] = field(default_factory=list)

    @classmethod
    def from_review(cls, review: Mapping[str, Any]) -> FiveWhysForm:
        five = review.get("five_whys") or {}
        return cls(
            symptom=str(five.get("symptom", "")),
            whys=[str(w) for w in five.get("whys", [])],
            root_causes=[
                RootCauseRow(
                    id=str(rc["id"]),
                    category=str(rc["category"]),
                    statement=str(rc["statement"]),
                    same_as=link_value(rc.get("same_as")),
                )
                for rc in review.get("root_causes", [])
            ],
        )

    @classmethod
    def from_form(cls, form: Any) -> FiveWhysForm:
        ids = [str(v) for v in form.getlist("rc_id")]
        categories = [str(v) for v in form.getlist("rc_category")]
        statements = [str(v) for v in form.getlist("rc_statement")]
        links = [str(v) for v in form.getlist("rc_same_as")]
        count = max(len(ids), len(categories), len(statements))

        def at(values: list[str], index: int) -> str:
            return values[index] if index < len(values) else ""

        return cls(
            symptom=str(form.get("symptom", "")),
            whys=[str(v) for v in form.getlist("whys")],
            root_causes=[
                RootCauseRow(
                    id=at(ids, i),
                    category=at(categories, i),
                    statement=at(statements, i),
                    same_as=at(links, i),
                )
                for i in range(count)
            ],
        )

    def padded(self, extra_why: int = 0, extra_root_cause: int = 0) -> FiveWhysForm:
        """Rows to show: at least five whys and one root cause, plus any rows asked for."""
        # Only trailing blank rows are trimmed, so row numbers in violations stay valid.
        whys = list(self.whys)
        while whys and not whys[-1].strip():
            whys.pop()
        want = min(MAX_WHYS, max(MIN_WHY_ROWS, len(whys)) + extra_why)
        whys += [""] * (want - len(whys))
        causes = list(self.root_causes)
        while causes and causes[-1].blank:
            causes.pop()
        causes += [RootCauseRow() for _ in range(max(1 - len(causes), 0) + extra_root_cause)]
        return FiveWhysForm(symptom=self.symptom, whys=whys, root_causes=causes)

    def to_model(self) -> tuple[FiveWhys | None, list[Error], list[int], list[int]]:
        """The model to submit, local errors, and the form row of each submitted why / root cause."""
        why_rows = [i for i, w in enumerate(self.whys) if w.strip()]
        cause_rows = [i for i, r in enumerate(self.root_causes) if not r.blank]
        used = {
            self.root_causes[i].id.strip() for i in cause_rows if self.root_causes[i].id.strip()
        }
        local: list[Error] = []
        causes: list[RootCause] = []
        categories = {c.value for c in RootCauseCategory}
        for i in cause_rows:
            row = self.root_causes[i]
            cause_id = row.id.strip()
            if not cause_id:
                n = 1
                while f"rc{n}" in used:
                    n += 1
                cause_id = f"rc{n}"
                used.add(cause_id)
                row.id = cause_id
            if row.category not in categories:
                local.append(
                    error(
                        f"root_causes.{i}.category",
                        "Choose a category for this root cause.",
                        "Process, documentation, tooling, roles, environment or other: the kind "
                        "of condition an action item will change.",
                    )
                )
                continue
            if len(cause_id) > 40:
                local.append(
                    error(
                        f"root_causes.{i}.id",
                        "The id is longer than 40 characters.",
                        "Use a short id such as rc1; action items refer to it.",
                    )
                )
                continue
            earlier, _, earlier_cause = row.same_as.strip().rpartition("/")
            if row.same_as.strip() and not (
                0 < len(earlier) <= 200 and 0 < len(earlier_cause) <= 40
            ):
                local.append(
                    error(
                        f"root_causes.{i}.same_as",
                        "That is not a root cause of an earlier review.",
                        "Pick one of the earlier causes offered, or leave it empty.",
                    )
                )
                continue
            causes.append(
                RootCause(
                    id=cause_id,
                    category=RootCauseCategory(row.category),
                    statement=row.statement.strip(),
                    same_as=CauseLink(incident_id=earlier, root_cause_id=earlier_cause)
                    if earlier
                    else None,
                )
            )
        if local:
            return None, local, why_rows, cause_rows
        model = FiveWhys(
            symptom=self.symptom.strip(),
            whys=[self.whys[i].strip() for i in why_rows],
            root_causes=causes,
        )
        return model, [], why_rows, cause_rows

    def findings(self, responders: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Blame (and, for root causes, symptom) findings of the text as typed, keyed like the review's."""
        out: dict[str, list[dict[str, Any]]] = {}

        def add(text: str, where: str, root_cause: bool = False) -> None:
            found = rules.lint_text(text, responders, where)
            if root_cause:
                found += rules.root_cause_findings(
                    text, self.symptom, responders, where, blame=found
                )
            if found:
                out[where] = [f.model_dump(mode="json") for f in found]

        add(self.symptom, "five_whys.symptom")
        for i, why in enumerate(self.whys):
            add(why, f"five_whys.whys.{i}")
        for i, row in enumerate(self.root_causes):
            add(row.statement, f"five_whys.root_causes.{i}.statement", root_cause=True)
        return out


# --- action items, went well, follow-up ----------------------------------------------------------------


ITEM_FIELDS = ("title", "owner", "due", "done_when", "root_cause", "priority")


def item_form(form: Any) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip() for name in ITEM_FIELDS}


def item_draft(values: Mapping[str, str]) -> tuple[ActionItemDraft | None, list[Error]]:
    priority = values.get("priority") or Priority.MEDIUM.value
    if priority not in {p.value for p in Priority}:
        return None, [error("priority", "Choose high, medium or low.", "Medium is the default.")]
    return (
        ActionItemDraft(
            title=values.get("title", ""),
            owner=values.get("owner", ""),
            due=values.get("due", ""),
            done_when=values.get("done_when", ""),
            root_cause=values.get("root_cause", ""),
            priority=Priority(priority),
        ),
        [],
    )


def item_findings(
    values: Mapping[str, str], responders: Sequence[str], prefix: str
) -> dict[str, list[dict[str, Any]]]:
    """Blame and vagueness findings of an item's title and done-when, as typed."""
    out: dict[str, list[dict[str, Any]]] = {}
    title, done_when = values.get("title", ""), values.get("done_when", "")
    wording = rules.lint_action_wording(title, done_when, prefix)
    for name, text in (("title", title), ("done_when", done_when)):
        where = f"{prefix}{name}"
        found = rules.lint_text(text, responders, where) + [f for f in wording if f.field == where]
        found.sort(key=lambda f: f.start)
        if found:
            out[where] = [f.model_dump(mode="json") for f in found]
    return out


def follow_up_record(
    form: Any, open_ids: Sequence[str]
) -> tuple[FollowUpRecord, list[str], dict[str, dict[str, str]]]:
    """The record to submit, the item id of each outcome, and the values as typed per item."""
    outcomes: list[FollowUpOutcome] = []
    order: list[str] = []
    typed: dict[str, dict[str, str]] = {}
    statuses = {s.value for s in FollowUpStatus}
    for item_id in open_ids:
        choice = str(form.get(f"outcome-{item_id}", "")).strip()
        due = str(form.get(f"due-{item_id}", "")).strip()
        reason = str(form.get(f"reason-{item_id}", "")).strip()
        typed[item_id] = {"outcome": choice, "due": due, "reason": reason}
        if choice not in statuses:
            continue
        outcomes.append(
            FollowUpOutcome(
                action_item=item_id,
                status=FollowUpStatus(choice),
                due=due or None if choice == FollowUpStatus.REPLANNED.value else None,
                reason=reason or None,
            )
        )
        order.append(item_id)
    notes = str(form.get("notes", "")).strip() or None
    return FollowUpRecord(outcomes=outcomes, notes=notes), order, typed


def follow_up_errors(errors: Iterable[Mapping[str, Any]], order: Sequence[str]) -> list[Error]:
    """``outcomes.<k>.<field>`` becomes ``item.<id>.<field>`` so it shows beside that item."""
    out: list[Error] = []
    for e in errors:
        copy = {k: str(v) for k, v in e.items()}
        parts = copy.get("field", "").split(".")
        if (
            len(parts) >= 2
            and parts[0] == "outcomes"
            and parts[1].isdigit()
            and int(parts[1]) < len(order)
        ):
            rest = parts[2] if len(parts) > 2 else "outcome"
            copy["field"] = (
                f"item.{order[int(parts[1])]}.{'outcome' if rest in ('status', 'action_item') else rest}"
            )
        out.append(copy)
    return out
