"""What the connector tests against the imitations (tests/fakes/) share: the review a Confluence
test writes and the ticket a Jira test opens, the connectors built against a started imitation
(waits recorded, not slept), the settings of a process whose documents are Confluence pages, and
the readings of what the imitation holds afterwards.

The started imitations themselves are fixtures in ``tests/connectors/conftest.py`` (``confluence``
with ``store``, ``jira`` with ``tracker``, ``pagerduty`` with ``source``, and ``sleeps``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.confluence import ConfluenceDocuments
from connectors.errors import ConnectorError, System
from connectors.jira_tracker import JiraTracker
from connectors.tracker import TicketSpec
from followthrough.settings import Settings, load_settings
from tests.fakes.confluence import FakeConfluence
from tests.fakes.jira import FakeJira
from workflows.review import (
    ActionItem,
    FiveWhys,
    Incident,
    ReviewState,
    RootCause,
    Ticket,
    TimelineEntry,
)

__all__ = [
    "INCIDENT",
    "JIRA",
    "LABEL",
    "OWNER",
    "REVIEW",
    "TITLE",
    "WRONG_TOKEN",
    "confluence_settings",
    "creates",
    "home_id",
    "make_store",
    "make_tracker",
    "only_page",
    "raised",
    "review",
    "spec",
    "when",
]


def raised(system: System, call: Callable[[], object]) -> ConnectorError:
    """The ConnectorError ``call`` raises, checked to come from ``system``."""
    with pytest.raises(ConnectorError) as caught:
        call()
    assert caught.value.system == system
    return caught.value


# -- Confluence ----------------------------------------------------------------------------------

INCIDENT = "PT4KHLK"
TITLE = "Post-incident review: Checkout API returned 503s (PT4KHLK)"
JIRA = [
    {
        "id": "144880e9-a353-312f-9412-ed028e8166fa",
        "name": "Acme Jira",
        "url": "https://acme.atlassian.net",
    }
]


def review(**changes: Any) -> dict[str, Any]:
    """A review mapping as the workflow hands it to the document store."""
    incident = Incident(
        id=INCIDENT,
        number=7,
        title=changes.pop("title", "Checkout API returned 503s"),
        service_name="Checkout API",
        priority="P1",
        urgency="high",
        created_at=datetime(2025, 5, 1, 11, 0, tzinfo=UTC),
        resolved_at=datetime(2025, 5, 1, 12, 0, tzinfo=UTC),
        url=changes.pop("incident_url", "https://acme.pagerduty.com/incidents/PT4KHLK"),
        timeline=[
            TimelineEntry(
                at=datetime(2025, 5, 1, 11, 0, tzinfo=UTC), kind="trigger", summary="Triggered"
            )
        ],
    )
    state = ReviewState(
        incident=incident,
        facilitator="facilitator@example.com",
        leadership=["vp@example.com"],
        team="Payments",
        review_url=f"http://127.0.0.1:8080/reviews/{INCIDENT}",
        five_whys=FiveWhys(
            symptom="Checkout answered 503",
            whys=["the pool was exhausted", "a deploy doubled connections", "no canary stage"],
            root_causes=[RootCause(id="rc1", category="tooling", statement="No canary stage")],
        ),
        action_items=[
            ActionItem(
                id="1",
                title="Add a canary stage to the payments deploy",
                owner="ana@example.com",
                due="2031-03-14",
                done_when="every deploy passes a 10% canary for 15 minutes",
                root_cause="rc1",
                ticket=Ticket(key="OPS-1", url="https://acme.atlassian.net/browse/OPS-1"),
            )
        ],
    )
    data = state.model_dump(mode="json")
    data.update(changes)
    return data


def make_store(fake: FakeConfluence, sleeps: list[float], **overrides: Any) -> ConfluenceDocuments:
    options: dict[str, Any] = {
        "url": fake.url,
        "email": fake.email,
        "api_token": fake.api_token,
        "space": "PM",
        "timeout": 5.0,
        "sleep": sleeps.append,
        "ca_file": fake.ca_file,
    }
    options.update(overrides)
    return ConfluenceDocuments(**options)


def confluence_settings(data_dir: Path, url: str, **extra: object) -> Settings:
    """The process settings with the review documents in space ``PM`` of the Confluence at
    ``url`` (as the environment would give them); ``extra`` replaces or adds settings."""
    options: dict[str, object] = {
        "data_dir": data_dir,
        "confluence_url": url,
        "confluence_email": "followthrough-bot@example.com",
        "confluence_api_token": "fake-confluence-token-8d1e",
        "confluence_space": "PM",
        "confluence_timeout": 5.0,
    }
    options.update(extra)
    return load_settings(**options)


def only_page(fake: FakeConfluence) -> str:
    pages = fake.pages_in("PM")
    assert len(pages) == 1, [p.current.title for p in pages]
    return pages[0].id


def creates(fake: FakeConfluence) -> int:
    return fake.requests.count(("POST", "/wiki/api/v2/pages"))


def home_id(fake: FakeConfluence) -> str:
    return fake._space_by_key("PM").homepage_id


# -- Jira ----------------------------------------------------------------------------------------

OWNER = "ana@example.com"
LABEL = "ft-PT4KHLK-1"
REVIEW = "http://127.0.0.1:8080/reviews/PT4KHLK"


def make_tracker(fake: FakeJira, sleeps: list[float], **overrides: object) -> JiraTracker:
    options: dict[str, object] = {
        "url": fake.url,
        "email": fake.email,
        "api_token": fake.api_token,
        "project": "OPS",
        "timeout": 5.0,
        "sleep": sleeps.append,
    }
    options.update(overrides)
    return JiraTracker(**options)  # type: ignore[arg-type]


def spec(**overrides: object) -> TicketSpec:
    values: dict[str, object] = {
        "item_label": LABEL,
        "summary": "Add a canary stage to the payments deploy pipeline",
        "description": "Done when every payments deploy passes a 10% canary for 15 minutes.",
        "due": date(2031, 3, 14),
        "priority": "high",
        "owner_email": OWNER,
        "review_url": REVIEW,
    }
    values.update(overrides)
    return TicketSpec(**values)  # type: ignore[arg-type]


# -- PagerDuty -----------------------------------------------------------------------------------

WRONG_TOKEN = "wrong-token-Zk81+pqQ0dd"


def when(value: str) -> datetime:
    """An ISO 8601 time as the imitation writes it, as a datetime."""
    return datetime.fromisoformat(value)
