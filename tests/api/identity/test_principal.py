"""A caller's name in the audit trail is the one its rights were judged by."""

from __future__ import annotations

from datetime import UTC, datetime

from api.identity.principal import Principal
from api.identity.roles import AccessRules, LinkGrant, ReviewFacts, Role, Scope
from api.identity.sessions import SessionRecord, SignedInWith
from api.identity.tokens import MatchedToken
from workflows.audit import ActorKind, Via

FACTS = ReviewFacts.of("P1", "fay@example.com", responders=["rui@example.com"])


def test_a_token_is_recorded_by_its_name_over_the_api() -> None:
    caller = Principal.of_token(MatchedToken("ci", Scope.WRITE))
    actor = caller.actor("P1", caller.role_on(FACTS, AccessRules()))
    assert actor is not None
    assert (actor.kind, actor.name, actor.via, actor.role) == (
        ActorKind.TOKEN,
        "ci",
        Via.API,
        "facilitator",
    )


def test_a_person_on_the_page_is_recorded_by_their_email() -> None:
    record = SessionRecord("fay@example.com", SignedInWith.OIDC, 0, 0)
    caller = Principal.of_session("sid", record)
    actor = caller.actor("P1", caller.role_on(FACTS, AccessRules()))
    assert actor is not None and (actor.name, actor.via, actor.role) == (
        "fay@example.com",
        Via.PAGE,
        "facilitator",
    )


def test_a_link_session_is_recorded_as_the_links_recipient_on_that_review_only() -> None:
    grant = LinkGrant("P1", "rui@example.com", Role.CONTRIBUTOR, datetime.now(UTC))
    record = SessionRecord(None, SignedInWith.LINK, 0, 0).with_grant(grant)
    caller = Principal.of_session("sid", record)
    actor = caller.actor("P1", Role.CONTRIBUTOR)
    assert actor is not None and (actor.name, actor.via) == ("rui@example.com", Via.LINK)
    assert caller.actor("P2", None) is None
