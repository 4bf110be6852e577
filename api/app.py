"""The HTTP front door: webhooks in, the review REST API, the web pages, health and metrics."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from temporalio.client import Client

from api import errors, pages, reviews, store_reads, webhooks
from api.body_limit import BodyLimit
from api.errors import AUTH_RESPONSES, BODY_RESPONSES
from api.identity.guard import require_caller
from api.identity.wiring import identity_from_settings
from api.metrics import API_CALLS, REGISTRY, refresh_failing_workflows
from api.views import Health
from connectors.deliveries import RecentDeliveries
from connectors.local_tracker import LocalTracker
from connectors.store import ReviewStore
from followthrough.settings import Settings
from workflows.policy import Policy

__all__ = ["create_app"]


def create_app(
    settings: Settings, client: Client, policy: Policy, store: ReviewStore | None = None
) -> FastAPI:
    """Build the app around one Temporal client; nothing here talks to Temporal at import time.

    ``store``: the review store that lists and figures read; default the one the settings name,
    opened (and migrated to the newest schema) here, at start-up."""
    app = FastAPI(
        title="Followthrough",
        version="0.1.0",
        description="Incident post-mortems that actually finish. Every review call is a Temporal "
        "update or query; rule violations answer 422 with "
        '`{"errors": [{"code", "field", "message", "hint"}]}`.',
    )
    app.state.settings = settings
    app.state.client = client
    app.state.policy = policy
    app.state.deliveries = RecentDeliveries(policy.webhooks.max_age)
    app.state.store = store if store is not None else ReviewStore(settings.store_url)
    app.state.identity = identity_from_settings(settings, store=app.state.store)
    app.state.local_tracker = (
        None if settings.jira_configured else LocalTracker(settings.tracker_file, settings.base_url)
    )
    errors.install(app)
    app.add_middleware(BodyLimit)

    @app.middleware("http")
    async def _timing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        start = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        API_CALLS.labels(path, str(response.status_code)).observe(time.perf_counter() - start)
        return response

    @app.get("/healthz", tags=["ops"], responses=_BODYLESS)
    async def healthz() -> Health:
        """Liveness: the process answers. Needs no token."""
        return Health(status="ok")

    @app.get(
        "/metrics",
        tags=["ops"],
        response_class=PlainTextResponse,
        responses={
            200: {"description": "Prometheus text exposition format."},
            # Its refusal is JSON: named by its content alone (a model would be text/plain).
            **{s: {k: v for k, v in r.items() if k != "model"} for s, r in _BODYLESS.items()},
        },
    )
    async def metrics() -> Response:
        """Prometheus metrics; stuck workflow tasks are counted from Temporal at each scrape.
        Needs no token."""
        await refresh_failing_workflows(client)
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    for router in (webhooks.router, store_reads.router, reviews.router):
        # store_reads before reviews: GET /api/reviews is the store's
        app.include_router(router, responses=_refusals(router))
    pages.install(app)
    return app


#: What a route that takes no body and no parameters can refuse: only the body limit applies.
_BODYLESS: dict[int | str, dict[str, Any]] = {413: BODY_RESPONSES[413]}


def _refusals(router: APIRouter) -> dict[int | str, dict[str, Any]]:
    """What every route of ``router`` documents besides its own answers: 400/413/422, and 401/403
    when the router needs a caller, each in the one error shape (``ErrorBody``)."""
    needs_caller = any(d.dependency is require_caller for d in router.dependencies)
    return {**BODY_RESPONSES, **(AUTH_RESPONSES if needs_caller else {})}
