"""connectors.incidents: without a PagerDuty token the webhook's data is all there is."""

from __future__ import annotations

from connectors.incidents import IncidentSource, WebhookOnly


def test_the_webhook_only_source_has_nothing_beyond_the_webhook() -> None:
    source: IncidentSource = WebhookOnly()

    assert source.fetch("PABC123", max_timeline=10, max_summary=100) is None
