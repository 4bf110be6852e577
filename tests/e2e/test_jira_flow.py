"""`followthrough dev` pointed at a Jira Cloud imitation: tickets open, owners close them in Jira."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio.client import Client

from followthrough.worker_runtime import DATA_CONVERTER
from tests.fakes.jira import FakeJira
from tests.support.dev_app import DevApp, five_whys, jira_env, start_dev_app
from tests.support.harness import signal_handled
from workflows.action_item import ActionItemWorkflow
from workflows.contracts import TicketEvent
from workflows.ids import item_workflow_id

WEBHOOK_SECRET = "jira-webhook-secret-for-tests"
ITEMS = [
    ("Cap pool size at 20 in the service template", "carol@example.com", "rc1", "high"),
    ("Add a pool-limit step to the deploy checklist", "dave@example.com", "rc2", "medium"),
    ("Alert when pool usage stays over 80% for 5 minutes", "erin@example.com", "rc1", "low"),
]


@pytest.fixture(scope="module")
def jira() -> Iterator[FakeJira]:
    with FakeJira() as fake:
        fake.add_user("carol@example.com", "Carol Example")
        fake.add_user("dave@example.com", "Dave Example")
        yield fake  # erin has no Jira account


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, jira: FakeJira) -> Iterator[DevApp]:
    started = start_dev_app(
        tmp_path_factory.mktemp("jira"),
        jira_env(jira, WEBHOOK_SECRET),
    )
    yield started
    started.stop()


def published_review(app: DevApp, items: list[tuple[str, str, str, str]] = ITEMS) -> str:
    incident_id = "P" + uuid.uuid4().hex[:8].upper()
    assert app.send_pagerduty_resolved(incident_id).status_code == 202
    app.wait_for(lambda: app.review(incident_id))
    base = f"/api/reviews/{incident_id}"
    analysis = five_whys({root for _, _, root, _ in items})
    assert app.api("PUT", f"{base}/five-whys", json=analysis).status_code == 200
    due = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    for title, owner, root, priority in items:
        body = {
            "title": title,
            "owner": owner,
            "due": due,
            "done_when": "A load test at 2x peak keeps pool usage under 80%.",
            "root_cause": root,
            "priority": priority,
        }
        answer = app.api("POST", f"{base}/action-items", json=body)
        assert answer.status_code == 201, answer.text
    app.api("POST", f"{base}/went-well", json={"text": "Rollback took 4 minutes."})
    answer = app.api("POST", f"{base}/publish", json={})
    assert answer.status_code == 200, answer.text
    return incident_id


def tickets_of(app: DevApp, incident_id: str, count: int) -> list[dict[str, Any]]:
    def all_open() -> list[dict[str, Any]] | None:
        items: list[dict[str, Any]] = app.review(incident_id)["action_items"]
        return items if all(i["ticket"] for i in items) and len(items) == count else None

    result: list[dict[str, Any]] = app.wait_for(all_open, timeout=30)
    return result


def deliver(app: DevApp, jira: FakeJira, body: bytes, identifier: str | None = None) -> int:
    return jira.deliver_to(
        f"{app.base_url}/webhooks/jira", WEBHOOK_SECRET, body, identifier
    ).status_code


def item_status(app: DevApp, incident_id: str, item_id: str) -> str:
    return str(
        next(i for i in app.review(incident_id)["action_items"] if i["id"] == item_id)["status"]
    )


def test_publishing_opens_one_ticket_per_item_with_its_fields(app: DevApp, jira: FakeJira) -> None:
    incident_id = published_review(app)
    items = tickets_of(app, incident_id, 3)
    for item, (title, owner, _, priority) in zip(items, ITEMS, strict=True):
        issue = jira.issue(item["ticket"]["key"])
        fields = issue["fields"]
        assert fields["summary"] == title
        assert fields["duedate"] == item["due"]
        assert fields["priority"]["name"] == priority.title()
        assert set(fields["labels"]) == {"followthrough", f"ft-{incident_id}-{item['id']}"}
        assert "Done when: A load test" in fields["description"]
        assert item["ticket"]["url"] == f"{jira.url}/browse/{issue['key']}"
        links = jira.remote_links(issue["key"])
        assert links[0]["object"]["url"].endswith(f"/reviews/{incident_id}")
        if owner == "erin@example.com":
            assert fields["assignee"] is None
        else:
            assert fields["assignee"]["emailAddress"] == owner


@pytest.mark.usefixtures("jira")
def test_an_owner_jira_does_not_know_leaves_the_ticket_unassigned_and_says_why(app: DevApp) -> None:
    incident_id = published_review(app)
    items = tickets_of(app, incident_id, 3)
    erin = next(i for i in items if i["owner"] == "erin@example.com")
    problem = app.wait_for(
        lambda: next(i for i in app.review(incident_id)["action_items"] if i["id"] == erin["id"])[
            "problem"
        ]
    )
    assert "erin@example.com" in problem


def test_ticket_moved_to_done_closes_the_item_and_reopening_opens_it(
    app: DevApp, jira: FakeJira
) -> None:
    incident_id = published_review(app)
    first = tickets_of(app, incident_id, 3)[0]
    key = first["ticket"]["key"]
    assert deliver(app, jira, jira.transition(key, "Done")) == 200
    app.wait_for(lambda: item_status(app, incident_id, first["id"]) == "done", timeout=5)
    assert deliver(app, jira, jira.transition(key, "To Do")) == 200
    app.wait_for(lambda: item_status(app, incident_id, first["id"]) == "open", timeout=5)


def test_a_lost_webhook_is_made_up_for_by_reconciliation(app: DevApp, jira: FakeJira) -> None:
    incident_id = published_review(app)
    second = tickets_of(app, incident_id, 3)[1]
    jira.transition(second["ticket"]["key"], "Done")  # the webhook never arrives
    app.wait_for(lambda: item_status(app, incident_id, second["id"]) == "done", timeout=20)


def test_duplicate_and_foreign_deliveries_change_nothing(app: DevApp, jira: FakeJira) -> None:
    incident_id = published_review(app)
    third = tickets_of(app, incident_id, 3)[2]
    body = jira.transition(third["ticket"]["key"], "Done")
    assert deliver(app, jira, body, identifier="delivery-1") == 200
    assert deliver(app, jira, body, identifier="delivery-1") == 200
    app.wait_for(lambda: item_status(app, incident_id, third["id"]) == "done", timeout=5)
    foreign = jira.add_issue("Someone else's ticket")
    answer = jira.deliver_to(
        f"{app.base_url}/webhooks/jira", WEBHOOK_SECRET, jira.transition(foreign, "Done")
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "ignored"


def test_a_forged_jira_signature_is_refused(app: DevApp, jira: FakeJira) -> None:
    foreign = jira.add_issue("Any ticket")
    answer = jira.deliver_to(
        f"{app.base_url}/webhooks/jira", "wrong-secret", jira.transition(foreign, "Done")
    )
    assert answer.status_code == 401


def test_a_lost_create_response_still_yields_exactly_one_ticket(
    app: DevApp, jira: FakeJira
) -> None:
    before = jira.create_count
    jira.drop_next_create_response = True  # Jira creates it, the worker never hears back
    incident_id = published_review(app, ITEMS[:1])
    tickets_of(app, incident_id, 1)
    assert jira.create_count - before == 1
    labels = [jira.issue(k)["fields"]["labels"] for k in jira.issue_keys()]
    assert sum(f"ft-{incident_id}-1" in ls for ls in labels) == 1


def test_a_burst_of_429s_yields_one_ticket_once_the_limit_clears(
    app: DevApp, jira: FakeJira
) -> None:
    before = jira.create_count
    jira.fail_next(
        429, count=6, headers={"Retry-After": "1"}, method="POST", path="/rest/api/2/issue"
    )
    incident_id = published_review(app, ITEMS[:1])
    tickets_of(app, incident_id, 1)
    assert jira.create_count - before == 1


def test_a_labelled_issue_other_than_the_items_ticket_is_ignored(
    app: DevApp, jira: FakeJira
) -> None:
    incident_id = published_review(app, ITEMS[:1])
    first = tickets_of(app, incident_id, 1)[0]
    planted = jira.add_issue("Planted", labels=("followthrough", f"ft-{incident_id}-1"))
    answer = jira.deliver_to(
        f"{app.base_url}/webhooks/jira", WEBHOOK_SECRET, jira.transition(planted, "Done")
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "ignored"
    assert planted in answer.json()["reason"] and first["ticket"]["key"] != planted
    assert item_status(app, incident_id, "1") == "open"


def test_a_ticket_signal_with_another_key_leaves_the_item_as_it_was(app: DevApp) -> None:
    incident_id = published_review(app, ITEMS[:1])
    tickets_of(app, incident_id, 1)

    async def signal_and_read() -> str:
        client = await Client.connect(app.temporal_address, data_converter=DATA_CONVERTER)
        handle = client.get_workflow_handle(item_workflow_id(incident_id, "1"))
        await signal_handled(handle, ActionItemWorkflow.ticket_closed, TicketEvent(key="OPS-99999"))
        item = await handle.query(ActionItemWorkflow.current)
        return item.status.value

    assert asyncio.run(signal_and_read()) == "open"
    assert item_status(app, incident_id, "1") == "open"


def test_the_items_ticket_records_the_jira_issue_id(app: DevApp, jira: FakeJira) -> None:
    incident_id = published_review(app, ITEMS[:1])
    ticket = tickets_of(app, incident_id, 1)[0]["ticket"]
    assert ticket["id"] == jira.issue(ticket["key"])["id"]
