"""`followthrough dev` end to end: PagerDuty's webhook opens a review, people drive it over HTTP."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from connectors.documents import document_name
from tests.support.dev_app import DevApp, five_whys, resolved_event
from workflows.ids import review_workflow_id


def new_id() -> str:
    return "P" + uuid.uuid4().hex[:8].upper()


def in_seconds(seconds: int) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


FIVE_WHYS = five_whys({"rc1"})


def test_signed_resolved_webhook_opens_a_review(dev_app: DevApp) -> None:
    incident_id = new_id()
    response = dev_app.send_pagerduty_resolved(incident_id)
    assert response.status_code == 202, response.text
    assert response.json()["workflow_id"] == review_workflow_id(incident_id)
    review = dev_app.wait_for(lambda: dev_app.review(incident_id))
    assert review["incident"]["title"] == "Checkout API returned 503s"
    assert review["phase"] == "drafting"
    listed = dev_app.wait_for(
        lambda: [
            r
            for r in dev_app.api("GET", "/api/reviews").json()["reviews"]
            if r["incident_id"] == incident_id
        ]
    )
    assert listed[0]["phase"] == "drafting"


def test_fifty_concurrent_deliveries_start_exactly_one_review(dev_app: DevApp) -> None:
    incident_id = new_id()
    body = resolved_event(incident_id)
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda _: dev_app.send_pagerduty(body), range(50)))
    assert all(a.status_code in (200, 202) for a in answers), [a.text for a in answers]
    assert sum(1 for a in answers if a.json()["started"]) == 1
    runs = dev_app.wait_for(
        lambda: [
            r
            for r in dev_app.api("GET", "/api/reviews").json()["reviews"]
            if r["incident_id"] == incident_id
        ]
    )
    assert len(runs) == 1


def test_forged_signature_is_refused_and_starts_nothing(dev_app: DevApp) -> None:
    incident_id = new_id()
    response = dev_app.send_pagerduty(resolved_event(incident_id), secrets=["not-the-secret"])
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "signature_invalid"
    assert dev_app.api("GET", f"/api/reviews/{incident_id}").status_code == 404


def test_rotated_secret_with_one_valid_signature_is_accepted(dev_app: DevApp) -> None:
    response = dev_app.send_pagerduty(
        resolved_event(new_id()), secrets=["old-secret-no-longer-valid", dev_app.pagerduty_secret]
    )
    assert response.status_code == 202


def test_malformed_body_answers_400_naming_the_problem(dev_app: DevApp) -> None:
    response = dev_app.send_pagerduty(b'{"event": {"event_type": "incident.resolved"')
    assert response.status_code == 400
    assert "JSON" in response.json()["errors"][0]["message"]


def test_other_event_types_and_pings_answer_2xx_and_start_nothing(dev_app: DevApp) -> None:
    incident_id = new_id()
    response = dev_app.send_pagerduty(
        resolved_event(incident_id, event_type="incident.acknowledged")
    )
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert dev_app.api("GET", f"/api/reviews/{incident_id}").status_code == 404


def test_merge_resolution_starts_nothing(dev_app: DevApp) -> None:
    incident_id = new_id()
    response = dev_app.send_pagerduty(resolved_event(incident_id, merge=True))
    assert response.status_code == 200
    assert "merg" in response.json()["reason"]


def test_body_over_256_kb_answers_413(dev_app: DevApp) -> None:
    response = dev_app.send_pagerduty(b"{" + b" " * (257 * 1024) + b"}")
    assert response.status_code == 413


def test_api_without_token_answers_401(dev_app: DevApp) -> None:
    assert dev_app.http.get("/api/reviews").status_code == 401
    assert (
        dev_app.http.get("/api/reviews", headers={"Authorization": "Bearer wrong"}).status_code
        == 401
    )
    assert dev_app.http.get("/healthz").status_code == 200


def test_rule_violations_answer_422_with_every_error(dev_app: DevApp) -> None:
    incident_id = new_id()
    dev_app.send_pagerduty_resolved(incident_id)
    dev_app.wait_for(lambda: dev_app.review(incident_id))
    response = dev_app.api(
        "PUT",
        f"/api/reviews/{incident_id}/five-whys",
        json={
            "symptom": "",
            "whys": ["Because."],
            "root_causes": [{"id": "rc1", "category": "other", "statement": "Human error"}],
        },
    )
    assert response.status_code == 422
    codes = {e["code"] for e in response.json()["errors"]}
    assert {"symptom_missing", "whys_too_few", "root_cause_human_error"} <= codes
    assert all(e["hint"] for e in response.json()["errors"])
    assert dev_app.review(incident_id)["five_whys"] is None


def test_full_review_from_analysis_to_close_over_http(dev_app: DevApp) -> None:
    incident_id = new_id()
    dev_app.send_pagerduty_resolved(incident_id)
    dev_app.wait_for(lambda: dev_app.review(incident_id))
    base = f"/api/reviews/{incident_id}"
    assert dev_app.api("PUT", f"{base}/five-whys", json=FIVE_WHYS).status_code == 200
    vague = {
        "title": "Look into the connection pool",
        "owner": "carol@example.com",
        "due": in_seconds(3600),
        "done_when": "A load test at 2x peak keeps pool usage under 80%.",
        "root_cause": "rc1",
    }
    rejected = dev_app.api("POST", f"{base}/action-items", json=vague)
    assert rejected.status_code == 422
    assert rejected.json()["errors"][0]["code"] == "title_vague"
    created = dev_app.api(
        "POST",
        f"{base}/action-items",
        json={**vague, "title": "Cap pool size at 20 in the template"},
    )
    assert created.status_code == 201, created.text
    item_id = created.json()["id"]
    blocked = dev_app.api("POST", f"{base}/publish")
    assert blocked.status_code == 422
    assert "went_well_missing" in {e["code"] for e in blocked.json()["errors"]}
    assert (
        dev_app.api(
            "POST", f"{base}/went-well", json={"text": "Rollback took 4 minutes."}
        ).status_code
        == 200
    )
    published = dev_app.api("POST", f"{base}/publish", json={})
    assert published.status_code == 200, published.text
    assert published.json()["phase"] == "tracking"

    ticket = dev_app.wait_for(lambda: dev_app.review(incident_id)["action_items"][0]["ticket"])
    assert ticket["key"].startswith("LOCAL-")
    closed = dev_app.api("POST", f"/api/action-items/{incident_id}/{item_id}/close")
    assert closed.status_code == 200
    dev_app.wait_for(
        lambda: dev_app.review(incident_id)["action_items"][0]["status"] == "done", timeout=5
    )

    recorded = dev_app.api("POST", f"{base}/follow-up", json={"outcomes": []})
    assert recorded.status_code == 200, recorded.text
    final = dev_app.wait_for(
        lambda: (r := dev_app.review(incident_id))["phase"] == "closed" and r, timeout=30
    )
    assert final["action_items"][0]["outcome"] == "done_on_time"
    document = dev_app.data_dir / "reviews" / document_name(incident_id)
    dev_app.wait_for(lambda: "**Closed**" in document.read_text(), timeout=10)
