"""api.starter: one review workflow per incident, on a real dev server of the test's own (no
worker: starting is all the API does, and no other test sees these reviews)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest_asyncio
from pydantic import SecretStr
from temporalio.testing import WorkflowEnvironment

from api.starter import start_review
from followthrough.settings import Settings
from tests.support.temporal import start_dev_server
from workflows.calls import INCIDENT_ID, REVIEW_PHASE, SERVICE
from workflows.ids import review_workflow_id
from workflows.policy import Policy
from workflows.review import Incident

SETTINGS = Settings(public_url="http://127.0.0.1:9", session_secret=SecretStr("t" * 32))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def server() -> AsyncIterator[WorkflowEnvironment]:
    started = await start_dev_server()
    yield started
    await started.shutdown()


def incident() -> Incident:
    return Incident(
        id=f"PSTART{uuid.uuid4().hex[:8].upper()}",
        title="Checkout latency after primary database failover",
        service_id="PSVC1",
        service_name="checkout-db",
        resolved_at=datetime(2026, 3, 6, 11, 0, tzinfo=UTC),
    )


async def test_the_first_delivery_starts_the_review(server: WorkflowEnvironment) -> None:
    found = incident()

    answer = await start_review(server.client, SETTINGS, Policy(), found)

    assert answer == {
        "status": "started",
        "workflow_id": review_workflow_id(found.id),
        "started": True,
    }


async def test_a_repeated_delivery_finds_the_running_review(server: WorkflowEnvironment) -> None:
    found = incident()
    await start_review(server.client, SETTINGS, Policy(), found)

    again = await start_review(server.client, SETTINGS, Policy(), found)

    assert (again["status"], again["started"]) == ("duplicate", False)


async def test_a_delivery_after_the_review_closed_starts_no_second_one(
    server: WorkflowEnvironment,
) -> None:
    found = incident()
    await start_review(server.client, SETTINGS, Policy(), found)
    await server.client.get_workflow_handle(review_workflow_id(found.id)).terminate("closed")

    again = await start_review(server.client, SETTINGS, Policy(), found)

    assert (again["status"], again["started"]) == ("duplicate", False)


async def test_the_review_is_searchable_by_incident_phase_and_service(
    server: WorkflowEnvironment,
) -> None:
    found = incident()
    await start_review(server.client, SETTINGS, Policy(), found)

    described = await server.client.get_workflow_handle(review_workflow_id(found.id)).describe()

    attributes = described.typed_search_attributes
    assert attributes.get(INCIDENT_ID) == found.id
    assert attributes.get(REVIEW_PHASE) == "drafting"
    assert attributes.get(SERVICE) == "checkout-db"
