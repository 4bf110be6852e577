"""Prometheus metrics served at GET /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = ["API_CALLS", "REGISTRY", "WEBHOOKS"]

REGISTRY = CollectorRegistry()
WEBHOOKS = Counter(
    "followthrough_webhooks_total",
    "Webhook deliveries by source and outcome.",
    ["source", "outcome"],
    registry=REGISTRY,
)
API_CALLS = Histogram(
    "followthrough_api_seconds",
    "API call latency by route and status.",
    ["route", "status"],
    registry=REGISTRY,
)
