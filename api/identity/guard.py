"""The one path every page and ``/api`` route takes to ask "may this caller do this here?".

* :func:`require_caller` (the ``/api`` router's dependency): who is asking, or 401/429/403 CSRF;
  the principal is kept on ``request.state.principal`` for the route.
* :func:`authorize_review`: the caller's role on one review (read from the review's state), or
  403 ``forbidden`` / 401 ``link_revoked`` *before* anything is sent to the workflow, so a refused
  call changes nothing.
* :func:`authorize_any`: calls about no single review (lists, trends).
* :func:`open_link`: an emailed link turned into a grant on the browser's session.

The pages use the same functions (through :mod:`api.pages`' common prologue), so a page and the
JSON route behind it can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import Request, Response

from api.errors import ApiError
from api.identity.access import Identity, authorize, authorize_global
from api.identity.principal import Principal
from api.identity.roles import Action, LinkGrant, ReviewFacts, Role, allowed_actions
from api.identity.sessions import SessionRecord, SignedInWith
from connectors.links import LinkRefused, read_link_token
from workflows.audit import Actor
from workflows.codes import Code
from workflows.policy import Policy
from workflows.review import ReviewState

__all__ = [
    "Access",
    "authorize_any",
    "authorize_review",
    "facts_of",
    "identity_of",
    "open_link",
    "require_caller",
]


def identity_of(request: Request) -> Identity:
    identity: Identity = request.app.state.identity
    return identity


def facts_of(state: ReviewState, policy: Policy) -> ReviewFacts:
    """What the roles on this review depend on: its facilitator, the team's facilitator groups,
    the incident's responders and the items' owners, and when its links were revoked."""
    team = policy.team_named(state.team)
    return ReviewFacts.of(
        state.incident.id,
        state.facilitator,
        facilitator_groups=team.facilitator_groups if team else (),
        responders=(p.email for p in state.incident.responders),
        owners=(i.owner for i in state.action_items),
        links_revoked_at=getattr(state, "links_revoked_at", None),
    )


@dataclass(frozen=True)
class Access:
    """A caller allowed on one review: who, with which role, and what the page may show."""

    principal: Principal
    role: Role
    incident_id: str

    @property
    def actor(self) -> Actor | None:
        """Who the audit trail records for a change made with this access."""
        return self.principal.actor(self.incident_id, self.role)

    @property
    def can(self) -> frozenset[str]:
        """The actions this role may take (a page shows only these)."""
        return frozenset(a.value for a in allowed_actions(self.role))


def require_caller(request: Request) -> Principal:
    """FastAPI dependency of ``/api``: the caller (bearer token or session cookie with CSRF), or
    401; 429 while the address has too many failed sign-ins."""
    principal = identity_of(request).require(request)
    request.state.principal = principal
    return principal


def caller_of(request: Request) -> Principal:
    principal = getattr(request.state, "principal", None)
    if isinstance(principal, Principal):
        return principal
    return require_caller(request)


def authorize_review(request: Request, state: ReviewState, action: Action) -> Access:
    """The caller's access to this review for ``action``, or the refusal (see module doc)."""
    identity = identity_of(request)
    policy: Policy = request.app.state.policy
    facts = facts_of(state, policy)
    principal = caller_of(request)
    role = authorize(principal, facts, action, identity.rules)
    return Access(principal, role, facts.incident_id)


def authorize_any(request: Request, action: Action = Action.READ) -> Role:
    """The caller's role for a call about no single review (a links-only session has none)."""
    return authorize_global(caller_of(request), action, identity_of(request).rules)


def _grant(request: Request, incident_id: str, token: str) -> LinkGrant:
    identity = identity_of(request)
    policy: Policy = request.app.state.policy
    if identity.key is None:
        raise ApiError(401, Code.LINK_INVALID, "This server cannot open review links yet.")
    max_age = int(policy.links.max_age / timedelta(seconds=1))
    try:
        claim = read_link_token(token, identity.key, max_age)
    except LinkRefused as exc:
        raise ApiError(
            401,
            Code(exc.code),
            str(exc),
            field="t",
            hint="Sign in at /login, or ask the facilitator for a new link.",
        ) from None
    if claim.incident_id != incident_id:
        raise ApiError(
            403,
            Code.LINK_OTHER_REVIEW,
            "This link opens another review, not this one.",
            field="t",
            hint="Open the link exactly as the email has it.",
        )
    return LinkGrant(
        incident_id=claim.incident_id,
        recipient=claim.recipient,
        role=Role(claim.role),
        issued_at=claim.issued_at.astimezone(UTC),
    )


def open_link(request: Request, response: Response, incident_id: str, token: str) -> LinkGrant:
    """Turn a valid link into a grant on this browser's session and set the cookie on
    ``response``. A person signed in in full keeps their own rights (the link adds nothing);
    otherwise the grant joins the browser's links session (a new one when it has none).

    Raises:
        ApiError: 401 ``link_invalid``/``link_expired``, 403 ``link_other_review``.
    """
    grant = _grant(request, incident_id, token)
    identity = identity_of(request)
    session_id = identity.session_id(request)
    record = identity.sessions.get(session_id) if session_id else None
    if record is not None and not record.links_only:
        return grant
    if record is not None and session_id is not None:
        identity.sessions.save(session_id, record.with_grant(grant))
        return grant
    now = datetime.now(UTC).timestamp()
    fresh = SessionRecord(
        email=None, signed_in_with=SignedInWith.LINK, created_at=now, last_seen=now
    ).with_grant(grant)
    identity.start_session(response, fresh)
    return grant
