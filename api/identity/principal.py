"""Who a request comes from: a person with a session, a named API token, or a browser holding links.

The pure role rules (:mod:`api.identity.roles`) look at a :class:`~api.identity.roles.Who`; the
audit trail records an :class:`~workflows.audit.Actor`. A :class:`Principal` is both views of one
caller, so the name a change is recorded under is always the one its rights were judged by.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.identity.roles import (
    AccessRules,
    ReviewFacts,
    Role,
    Scope,
    Who,
    global_role,
    role_on_review,
)
from api.identity.sessions import SessionRecord
from api.identity.tokens import MatchedToken
from workflows.audit import Actor, ActorKind, Via

__all__ = [
    "Principal",
]


@dataclass(frozen=True)
class Principal:
    """One caller. ``session_id`` is set for a browser (the cookie's id), None for a token."""

    who: Who
    kind: ActorKind
    via: Via
    session_id: str | None = None
    session: SessionRecord | None = None

    @classmethod
    def of_token(cls, token: MatchedToken) -> Principal:
        return cls(Who(name=token.name, scope=token.scope), ActorKind.TOKEN, Via.API)

    @classmethod
    def of_session(cls, session_id: str, record: SessionRecord) -> Principal:
        """A browser: ``via`` is ``page`` for a person, ``link`` for a links-only session."""
        if record.links_only:
            return cls(
                Who(name="", grants=dict(record.grants)),
                ActorKind.PERSON,
                Via.LINK,
                session_id,
                record,
            )
        if record.token_name is not None:
            # Signed in on the page with a named token: the token's rights, recorded by its name.
            scope = record.token_scope or Scope.READ
            matched = Who(name=record.token_name, scope=scope)
            return cls(matched, ActorKind.TOKEN, Via.PAGE, session_id, record)
        assert record.email is not None
        return cls(
            Who(name=record.email, groups=frozenset(record.groups)),
            ActorKind.PERSON,
            Via.PAGE,
            session_id,
            record,
        )

    @property
    def links_only(self) -> bool:
        return self.who.grants is not None

    def role_on(self, facts: ReviewFacts, rules: AccessRules) -> Role | None:
        return role_on_review(self.who, facts, rules)

    def global_role(self, rules: AccessRules) -> Role | None:
        return global_role(self.who, rules)

    def name_on(self, incident_id: str) -> str | None:
        """The name changes on this review are recorded under (a link's recipient for a links
        session); None when this caller has no name there."""
        if self.who.grants is None:
            return self.who.name
        grant = self.who.grants.get(incident_id)
        return grant.recipient if grant is not None else None

    def actor(self, incident_id: str, role: Role | None) -> Actor | None:
        """The audit trail's actor for a change on ``incident_id`` with ``role``."""
        name = self.name_on(incident_id)
        if not name:
            return None
        return Actor(kind=self.kind, name=name, via=self.via, role=role.value if role else None)
