"""The role rules: who is admin, facilitator, contributor or viewer on a review, and what each may do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.identity.roles import (
    REQUIRED,
    AccessRules,
    Action,
    LinkGrant,
    ReviewFacts,
    Role,
    Scope,
    Who,
    allowed_actions,
    global_role,
    may,
    refusal,
    role_on_review,
)

SENT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
RULES = AccessRules.of(admins=["Ada@Example.com"], admin_groups=["followthrough-admins"])
FACTS = ReviewFacts.of(
    "P1",
    "fay@example.com",
    facilitator_groups=["payments-facilitators"],
    responders=["rui@example.com", None],
    owners=["ola@example.com"],
)


def person(email: str, *groups: str) -> Who:
    return Who(name=email, groups=frozenset(groups))


@pytest.mark.parametrize(
    ("who", "role"),
    [
        (person("ada@example.com"), Role.ADMIN),
        (person("zed@example.com", "followthrough-admins"), Role.ADMIN),
        (person("FAY@example.com"), Role.FACILITATOR),
        (person("gus@example.com", "payments-facilitators"), Role.FACILITATOR),
        (person("rui@example.com"), Role.CONTRIBUTOR),
        (person("ola@example.com"), Role.CONTRIBUTOR),
        (person("lee@example.com", "leadership"), Role.VIEWER),
    ],
)
def test_a_person_has_the_role_their_part_in_the_review_gives(who: Who, role: Role) -> None:
    assert role_on_review(who, FACTS, RULES) == role


@pytest.mark.parametrize(
    ("scope", "role"),
    [(Scope.READ, Role.VIEWER), (Scope.WRITE, Role.FACILITATOR), (Scope.ADMIN, Role.ADMIN)],
)
def test_a_token_acts_with_the_role_of_its_scope_on_every_review(scope: Scope, role: Role) -> None:
    token = Who(name="ci", scope=scope)
    assert role_on_review(token, FACTS, RULES) == role
    assert global_role(token, RULES) == role


def test_a_contributor_may_edit_the_analysis_but_not_publish_override_or_drop() -> None:
    allowed = allowed_actions(Role.CONTRIBUTOR)
    assert {
        Action.EDIT_FIVE_WHYS,
        Action.ADD_ITEM,
        Action.EDIT_ITEM,
        Action.EDIT_WENT_WELL,
    } <= allowed
    forbidden = {
        Action.PUBLISH,
        Action.OVERRIDE_FINDINGS,
        Action.RECORD_FOLLOW_UP,
        Action.DROP_ITEM,
        Action.REPLAN_ITEM,
        Action.REVOKE_LINKS,
    }
    assert not (forbidden & allowed)


def test_a_viewer_may_only_read() -> None:
    assert allowed_actions(Role.VIEWER) == {Action.READ}


def test_only_an_admin_may_choose_the_facilitator() -> None:
    assert may(Role.ADMIN, Action.SET_FACILITATOR)
    assert not may(Role.FACILITATOR, Action.SET_FACILITATOR)


def test_no_role_may_do_nothing() -> None:
    assert allowed_actions(None) == frozenset()


def test_every_action_needs_a_role() -> None:
    assert set(REQUIRED) == set(Action)


def test_a_link_gives_its_role_on_its_review_and_nothing_on_another() -> None:
    grant = LinkGrant("P1", "rui@example.com", Role.CONTRIBUTOR, SENT)
    holder = Who(name="", grants={"P1": grant})
    other = ReviewFacts.of("P2", "fay@example.com", responders=["rui@example.com"])
    assert role_on_review(holder, FACTS, RULES) == Role.CONTRIBUTOR
    assert role_on_review(holder, other, RULES) is None
    assert global_role(holder, RULES) is None


def test_a_link_never_gives_more_than_the_recipients_part_today() -> None:
    # Fay was the facilitator when the link was sent; the review now has another facilitator.
    grant = LinkGrant("P1", "fay@example.com", Role.FACILITATOR, SENT)
    moved = ReviewFacts.of("P1", "gus@example.com")
    assert role_on_review(Who(name="", grants={"P1": grant}), moved, RULES) == Role.VIEWER


def test_a_link_signed_before_the_reviews_revocation_gives_nothing() -> None:
    revoked = ReviewFacts.of(
        "P1", "fay@example.com", responders=["rui@example.com"], links_revoked_at=SENT
    )
    old = LinkGrant("P1", "rui@example.com", Role.CONTRIBUTOR, SENT - timedelta(days=1))
    assert old.revoked_by(revoked)
    assert role_on_review(Who(name="", grants={"P1": old}), revoked, RULES) is None
    fresh = LinkGrant("P1", "rui@example.com", Role.CONTRIBUTOR, SENT + timedelta(seconds=1))
    assert role_on_review(Who(name="", grants={"P1": fresh}), revoked, RULES) == Role.CONTRIBUTOR


def test_a_link_signed_in_the_second_of_the_revocation_counts_as_revoked() -> None:
    revoked = ReviewFacts.of(
        "P1", "fay@example.com", links_revoked_at=SENT + timedelta(seconds=0.7)
    )
    assert LinkGrant("P1", "lee@example.com", Role.VIEWER, SENT).revoked_by(revoked)


def test_a_link_of_version_0_1_without_a_recipient_is_a_viewer_link() -> None:
    grant = LinkGrant("P1", None, Role.FACILITATOR, SENT)
    assert role_on_review(Who(name="", grants={"P1": grant}), FACTS, RULES) == Role.VIEWER


def test_a_person_signed_in_in_full_is_a_viewer_of_the_dashboard_unless_admin() -> None:
    assert global_role(person("lee@example.com"), RULES) == Role.VIEWER
    assert global_role(person("ada@example.com"), RULES) == Role.ADMIN


def test_a_refusal_names_the_action_the_role_it_needs_and_the_role_held() -> None:
    text = refusal(Action.PUBLISH, Role.CONTRIBUTOR)
    assert "Publishing the review needs the facilitator role" in text
    assert "you have the contributor role" in text
