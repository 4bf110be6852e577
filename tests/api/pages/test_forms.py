"""Form parsing and error mapping of the review pages (pure, no Temporal)."""

from __future__ import annotations

from starlette.datastructures import FormData

from api.pages.forms import (
    FiveWhysForm,
    RootCauseRow,
    follow_up_errors,
    follow_up_record,
    remap_indices,
)
from workflows.review import FollowUpStatus


def form(*pairs: tuple[str, str]) -> FormData:
    return FormData(list(pairs))


def test_blank_why_rows_are_left_out_of_the_submission() -> None:
    typed = FiveWhysForm(symptom="S", whys=["", "A", " ", "B", "C"], root_causes=[])
    model, local, rows, _ = typed.to_model()
    assert model is not None and not local
    assert model.whys == ["A", "B", "C"]
    assert rows == [1, 3, 4]


def test_violation_of_the_kth_submitted_why_points_at_its_form_row() -> None:
    errors = [{"code": "why_repeated", "field": "whys.1", "message": "m", "hint": "h"}]
    assert remap_indices(errors, "whys", [1, 3, 4])[0]["field"] == "whys.3"


def test_root_cause_without_an_id_gets_the_next_free_one() -> None:
    typed = FiveWhysForm(
        symptom="S",
        whys=["A", "B", "C"],
        root_causes=[
            RootCauseRow(id="rc1", category="tooling", statement="X"),
            RootCauseRow(id="", category="process", statement="Y"),
        ],
    )
    model, _, _, _ = typed.to_model()
    assert model is not None
    assert [rc.id for rc in model.root_causes] == ["rc1", "rc2"]


def test_root_cause_without_a_category_is_a_local_error_on_its_row() -> None:
    typed = FiveWhysForm(
        symptom="S",
        whys=["A", "B", "C"],
        root_causes=[RootCauseRow(), RootCauseRow(id="rc1", category="", statement="X")],
    )
    model, local, _, _ = typed.to_model()
    assert model is None
    assert [e["field"] for e in local] == ["root_causes.1.category"]


def test_repeated_fields_of_the_form_become_rows() -> None:
    typed = FiveWhysForm.from_form(
        form(
            ("symptom", "S"),
            ("whys", "A"),
            ("whys", "B"),
            ("rc_id", "rc1"),
            ("rc_category", "roles"),
            ("rc_statement", "X"),
        )
    )
    assert typed.whys == ["A", "B"]
    assert typed.root_causes == [RootCauseRow(id="rc1", category="roles", statement="X")]


def test_padding_shows_five_why_rows_and_one_root_cause_at_least() -> None:
    rows = FiveWhysForm(symptom="", whys=["A"], root_causes=[]).padded()
    assert rows.whys == ["A", "", "", "", ""]
    assert rows.root_causes == [RootCauseRow()]


def test_padding_never_shows_more_than_seven_whys() -> None:
    rows = FiveWhysForm(whys=["x"] * 7).padded(extra_why=1)
    assert len(rows.whys) == 7


def test_follow_up_form_becomes_one_outcome_per_chosen_item() -> None:
    record, order, typed = follow_up_record(
        form(
            ("outcome-1", "done"),
            ("outcome-2", "replanned"),
            ("due-2", "2031-01-01"),
            ("reason-2", "Blocked"),
            ("due-1", "ignored for done"),
            ("notes", " Minutes "),
        ),
        ["1", "2", "3"],
    )
    assert order == ["1", "2"]
    assert [(o.action_item, o.status) for o in record.outcomes] == [
        ("1", FollowUpStatus.DONE),
        ("2", FollowUpStatus.REPLANNED),
    ]
    assert record.outcomes[0].due is None
    assert record.outcomes[1].due == "2031-01-01"
    assert record.notes == "Minutes"
    assert typed["3"] == {"outcome": "", "due": "", "reason": ""}


def test_follow_up_violations_point_at_their_item() -> None:
    errors = [
        {"code": "c", "field": "outcomes.1.reason", "message": "m", "hint": "h"},
        {"code": "c", "field": "outcomes.0.status", "message": "m", "hint": "h"},
        {"code": "c", "field": "outcomes", "message": "m", "hint": "h"},
    ]
    fields = [e["field"] for e in follow_up_errors(errors, ["4", "7"])]
    assert fields == ["item.7.reason", "item.4.outcome", "outcomes"]
