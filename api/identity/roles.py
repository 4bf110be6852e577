"""Roles on a review and what each may do: pure rules, no I/O.

Four roles, each including the ones below it:

* **admin**: everything on every review (``FOLLOWTHROUGH_ADMINS`` emails, an admin group from the
  groups claim, an ``admin``-scoped API token, the single ``FOLLOWTHROUGH_API_TOKEN``).
* **facilitator** of a review: its facilitator (from the policy's team, or set by an admin), and
  members of the team's facilitator groups: publishing, overriding findings with a reason,
  recording the follow-up, re-planning, dropping and removing items, revoking links.
  A ``write``-scoped API token acts as facilitator on every review.
* **contributor** on a review: its responders and its action items' owners: the five whys, adding
  and editing items, what went well, closing a local ticket.
* **viewer**: anyone signed in (leadership among them), and a ``read``-scoped token: reading.

A person signed in through an emailed link has, on that review only, the link's role, and never
more than their part in the review gives them today (a facilitator link for someone who is no
longer the facilitator acts as what they are now). On any other review a link gives nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = [
    "DESCRIPTIONS",
    "REQUIRED",
    "TOKEN_ROLES",
    "AccessRules",
    "Action",
    "LinkGrant",
    "ReviewFacts",
    "Role",
    "Scope",
    "Who",
    "allowed_actions",
    "global_role",
    "lower",
    "may",
    "person_role",
    "refusal",
    "role_on_review",
]


class Role(StrEnum):
    VIEWER = "viewer"
    CONTRIBUTOR = "contributor"
    FACILITATOR = "facilitator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANK = {Role.VIEWER: 0, Role.CONTRIBUTOR: 1, Role.FACILITATOR: 2, Role.ADMIN: 3}


def lower(a: Role, b: Role) -> Role:
    return a if a.rank <= b.rank else b


class Scope(StrEnum):
    """What a named API token may do: read (viewer), write (facilitator), admin."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


TOKEN_ROLES = {Scope.READ: Role.VIEWER, Scope.WRITE: Role.FACILITATOR, Scope.ADMIN: Role.ADMIN}


class Action(StrEnum):
    """Everything a person can ask of a review, as the API and the pages name it."""

    READ = "read"
    EDIT_FIVE_WHYS = "edit_five_whys"
    ADD_ITEM = "add_item"
    EDIT_ITEM = "edit_item"
    REMOVE_ITEM = "remove_item"
    EDIT_WENT_WELL = "edit_went_well"
    CLOSE_TICKET = "close_ticket"
    PUBLISH = "publish"
    OVERRIDE_FINDINGS = "override_findings"
    RECORD_FOLLOW_UP = "record_follow_up"
    REPLAN_ITEM = "replan_item"
    DROP_ITEM = "drop_item"
    REVOKE_LINKS = "revoke_links"
    SET_FACILITATOR = "set_facilitator"


#: The least role each action needs.
REQUIRED: Mapping[Action, Role] = {
    Action.READ: Role.VIEWER,
    Action.EDIT_FIVE_WHYS: Role.CONTRIBUTOR,
    Action.ADD_ITEM: Role.CONTRIBUTOR,
    Action.EDIT_ITEM: Role.CONTRIBUTOR,
    Action.EDIT_WENT_WELL: Role.CONTRIBUTOR,
    Action.CLOSE_TICKET: Role.CONTRIBUTOR,
    Action.REMOVE_ITEM: Role.FACILITATOR,
    Action.PUBLISH: Role.FACILITATOR,
    Action.OVERRIDE_FINDINGS: Role.FACILITATOR,
    Action.RECORD_FOLLOW_UP: Role.FACILITATOR,
    Action.REPLAN_ITEM: Role.FACILITATOR,
    Action.DROP_ITEM: Role.FACILITATOR,
    Action.REVOKE_LINKS: Role.FACILITATOR,
    Action.SET_FACILITATOR: Role.ADMIN,
}

#: How a refusal names the action ("Publishing the review needs the facilitator role ...").
DESCRIPTIONS: Mapping[Action, str] = {
    Action.READ: "Reading this review",
    Action.EDIT_FIVE_WHYS: "Changing the five whys",
    Action.ADD_ITEM: "Adding an action item",
    Action.EDIT_ITEM: "Changing an action item",
    Action.EDIT_WENT_WELL: "Changing what went well",
    Action.CLOSE_TICKET: "Closing a ticket",
    Action.REMOVE_ITEM: "Removing an action item",
    Action.PUBLISH: "Publishing the review",
    Action.OVERRIDE_FINDINGS: "Overriding the blameless-language findings",
    Action.RECORD_FOLLOW_UP: "Recording the follow-up",
    Action.REPLAN_ITEM: "Re-planning an action item",
    Action.DROP_ITEM: "Dropping an action item",
    Action.REVOKE_LINKS: "Revoking the review's links",
    Action.SET_FACILITATOR: "Choosing the review's facilitator",
}


def _folded(values: Iterable[str | None]) -> frozenset[str]:
    return frozenset(v.strip().casefold() for v in values if v and v.strip())


@dataclass(frozen=True)
class AccessRules:
    """Who is an admin: listed emails, or members of an admin group (from the groups claim)."""

    admins: frozenset[str] = frozenset()
    admin_groups: frozenset[str] = frozenset()

    @classmethod
    def of(cls, admins: Iterable[str] = (), admin_groups: Iterable[str] = ()) -> AccessRules:
        return cls(_folded(admins), _folded(admin_groups))

    def is_admin(self, email: str, groups: Iterable[str]) -> bool:
        return email.casefold() in self.admins or bool(_folded(groups) & self.admin_groups)


@dataclass(frozen=True)
class ReviewFacts:
    """What the roles of one review depend on, read from the review itself."""

    incident_id: str
    facilitator: str
    facilitator_groups: frozenset[str] = frozenset()
    responders: frozenset[str] = frozenset()
    owners: frozenset[str] = frozenset()
    links_revoked_at: datetime | None = None

    @classmethod
    def of(
        cls,
        incident_id: str,
        facilitator: str,
        *,
        facilitator_groups: Iterable[str] = (),
        responders: Iterable[str | None] = (),
        owners: Iterable[str | None] = (),
        links_revoked_at: datetime | None = None,
    ) -> ReviewFacts:
        return cls(
            incident_id=incident_id,
            facilitator=facilitator.strip().casefold(),
            facilitator_groups=_folded(facilitator_groups),
            responders=_folded(responders),
            owners=_folded(owners),
            links_revoked_at=links_revoked_at,
        )


@dataclass(frozen=True)
class LinkGrant:
    """What an opened link gave a browser on one review.

    ``recipient`` is None for a 0.1 link (no recipient: a viewer, whoever holds it). ``issued_at``
    is when the link was signed (whole seconds, from its signature).
    """

    incident_id: str
    recipient: str | None
    role: Role
    issued_at: datetime

    def revoked_by(self, facts: ReviewFacts) -> bool:
        """True when the review's links were revoked after this link was signed.

        The signature's timestamp has whole seconds, so a link signed in the same second as the
        revocation counts as revoked (the safe side).
        """
        revoked = facts.links_revoked_at
        return revoked is not None and self.issued_at <= revoked


@dataclass(frozen=True)
class Who:
    """The part of a principal the rules look at (see :class:`api.identity.principal.Principal`).

    ``scope`` is set for API tokens, ``grants`` for a browser signed in by links only (then it
    may act on those reviews and nothing else); a person signed in otherwise has neither.
    """

    name: str
    groups: frozenset[str] = frozenset()
    scope: Scope | None = None
    grants: Mapping[str, LinkGrant] | None = field(default=None)


def person_role(email: str, groups: Iterable[str], facts: ReviewFacts, rules: AccessRules) -> Role:
    """The role a signed-in person has on a review from who they are and what the review says."""
    if rules.is_admin(email, groups):
        return Role.ADMIN
    me = email.strip().casefold()
    if me == facts.facilitator or (_folded(groups) & facts.facilitator_groups):
        return Role.FACILITATOR
    if me in facts.responders or me in facts.owners:
        return Role.CONTRIBUTOR
    return Role.VIEWER


def role_on_review(who: Who, facts: ReviewFacts, rules: AccessRules) -> Role | None:
    """The role ``who`` has on this review; None when they may not even read it.

    A link grant that the review's revocation covers gives None (the API answers 401
    ``link_revoked`` before asking, see :meth:`LinkGrant.revoked_by`).
    """
    if who.scope is not None:
        return TOKEN_ROLES[who.scope]
    if who.grants is not None:
        grant = who.grants.get(facts.incident_id)
        if grant is None or grant.revoked_by(facts):
            return None
        if grant.recipient is None:
            return Role.VIEWER
        return lower(grant.role, person_role(grant.recipient, (), facts, rules))
    return person_role(who.name, who.groups, facts, rules)


def global_role(who: Who, rules: AccessRules) -> Role | None:
    """The role for pages and calls about no single review (dashboard, lists, trends).

    Admins are admins; everyone else signed in in full is a viewer; a browser signed in by links
    only gets None (its links open their reviews, nothing else).
    """
    if who.scope is not None:
        return TOKEN_ROLES[who.scope]
    if who.grants is not None:
        return None
    return Role.ADMIN if rules.is_admin(who.name, who.groups) else Role.VIEWER


def may(role: Role | None, action: Action) -> bool:
    return role is not None and role.at_least(REQUIRED[action])


def refusal(action: Action, role: Role | None) -> str:
    """The sentence a 403 carries: what was asked, the role it needs, the role the person has."""
    needed = REQUIRED[action]
    has = f"you have the {role.value} role" if role else "you have no role on it"
    return f"{DESCRIPTIONS[action]} needs the {needed.value} role on this review; {has}."


def allowed_actions(role: Role | None) -> frozenset[Action]:
    """Every action ``role`` may take: what a page shows."""
    return frozenset(a for a in Action if may(role, a))
