"""The limits as data: which field a violation names, and that nothing under a limit is refused."""

from __future__ import annotations

from workflows import limits
from workflows.review import ActionItemDraft, FiveWhys, RootCause, RootCauseCategory, WentWell


def draft(title: str = "Cap pool size at 20", done_when: str = "Pool is 20.") -> ActionItemDraft:
    return ActionItemDraft(
        title=title, owner="a@example.com", due="2030-01-01", done_when=done_when, root_cause="rc1"
    )


def chain(causes: int, why: str = "Pods ran out of connections.") -> FiveWhys:
    return FiveWhys(
        symptom="503s",
        whys=[why] * 3,
        root_causes=[
            RootCause(id=f"rc{n}", category=RootCauseCategory.TOOLING, statement="Unbounded pools.")
            for n in range(causes)
        ],
    )


def test_fields_within_their_limits_are_accepted() -> None:
    assert limits.oversize(draft("t" * limits.TITLE, "d" * limits.TEXT)) == []


def test_a_nested_text_over_its_limit_is_named_by_its_path() -> None:
    found = limits.oversize(chain(1, "w" * (limits.TEXT + 1)))
    assert [(v.code, v.field) for v in found] == [("too_long", f"whys.{i}") for i in range(3)]


def test_more_root_causes_than_the_limit_answer_too_many() -> None:
    found = limits.oversize(chain(limits.ROOT_CAUSES + 1))
    assert [(v.code, v.field) for v in found] == [("too_many", "root_causes")]


def test_a_title_with_a_carriage_return_is_not_one_line() -> None:
    assert [v.code for v in limits.oversize(draft("Cap pools\rnow"))] == ["title_multiline"]


def test_room_for_refuses_only_the_entry_past_the_limit() -> None:
    assert limits.room_for("went_well", limits.WENT_WELL - 1, limits.WENT_WELL) == []
    assert [v.field for v in limits.room_for("went_well", limits.WENT_WELL, limits.WENT_WELL)] == [
        "went_well"
    ]


def test_review_text_counts_every_checked_field() -> None:
    half = limits.REVIEW_TEXT // 2
    entries = [WentWell(text="w" * half)]
    assert limits.review_text(None, entries, [draft(done_when="d" * (half - 100))]) == []
    over = limits.review_text(chain(1), entries, [draft(done_when="d" * half)])
    assert [(v.code, v.field) for v in over] == [("too_long", "review")]
