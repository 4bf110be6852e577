"""People, roles, links and tokens: who is asking, and what they may do on a review.

* :mod:`api.identity.roles`: the pure rules (admin, facilitator, contributor, viewer; which action
  needs which role).
* :mod:`api.identity.principal`: who a request comes from (a person, a named API token, a link).
* :mod:`api.identity.oidc`: sign-in through the organisation's OpenID Connect provider (authlib).
* :mod:`api.identity.oidc_config`: its settings, limits, pending sign-in, person and error.
* :mod:`api.identity.oidc_discovery`: the provider's discovery document and key set (JWKS).
* :mod:`api.identity.oidc_tokens`: the ID token's checks and the person it names.
* :mod:`api.identity.tokens`: named, scoped API tokens stored only as hashes.
* :mod:`api.identity.sessions`: server-side web sessions with idle and absolute expiry.
* :mod:`api.identity.stored_sessions`: those sessions in the store's database, shared by every
  API process.
* :mod:`api.identity.limiter`: failed sign-ins per client address.
* :mod:`api.identity.guard`: the one path every page and ``/api`` route asks (caller, role).
* :mod:`api.identity.signin`: the sign-in flows (OIDC, token, dev pick) and signing out.
* :mod:`api.identity.wiring`: the app's identity from the settings.

Emailed links are signed per recipient and role by :mod:`connectors.links` (the mail activity
signs them, so the key never enters workflow history); their grants and revocation are rules here.
"""

__all__ = [
    "access",
    "guard",
    "limiter",
    "oidc",
    "oidc_config",
    "oidc_discovery",
    "oidc_tokens",
    "principal",
    "roles",
    "sessions",
    "signin",
    "stored_sessions",
    "tokens",
    "wiring",
]
