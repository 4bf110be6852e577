"""The review web pages: server-rendered HTML forms over the same Temporal updates as the REST API.

Every form works without JavaScript; ``/static/app.js`` only adds live blameless-language hints,
extra rows and auto-growing text areas. Sign in at ``/login`` with the API token, or open a signed
review link from an email, which grants that review only. Every form carries a CSRF token.

One module per page, and what they share:

- :mod:`~api.pages.review`: a review ``/reviews/{id}``, its forms, and its document.
- :mod:`~api.pages.went_well`: what went well rewritten or removed on the review's page.
- :mod:`~api.pages.follow_up`: the follow-up ``/reviews/{id}/follow-up``, agenda and outcomes.
- :mod:`~api.pages.dashboard`: the dashboard ``/`` (figures from the review store).
- :mod:`~api.pages.trends`: ``/trends``, learning across reviews (from the review store).
- :mod:`~api.pages.login`: ``/login`` and ``/logout``.
- :mod:`~api.pages.dev`: the local tracker's tickets and the dev-mode mail outbox.
- :mod:`~api.pages.common`: rendering, who may open what, the one error path (``PageRoute``).
- :mod:`~api.pages.session`: signed session cookies, review-scoped sessions, CSRF tokens.
- :mod:`~api.pages.forms`: form fields to models and rule violations back to form fields.
- :mod:`~api.pages.filters`: template filters (field anchors, findings marked in text).
- :mod:`~api.pages.figures` and :mod:`~api.pages.charts`: the dashboard's arithmetic and charts.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.pages import dashboard, dev, follow_up, login, review, trends, went_well
from api.pages.common import STATIC_DIR

__all__ = [
    "charts",
    "common",
    "dashboard",
    "dev",
    "figures",
    "filters",
    "follow_up",
    "forms",
    "install",
    "login",
    "review",
    "session",
    "trends",
    "went_well",
]


def install(app: FastAPI) -> None:
    """Mount /static and register the pages (the JSON API reads the same server-side sessions,
    see :mod:`api.identity.guard`)."""
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for page in (login, dashboard, trends, review, went_well, follow_up, dev):
        app.include_router(page.router)
