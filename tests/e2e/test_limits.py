"""Limits over HTTP (`followthrough dev`): every field, list and body has one; a refusal changes nothing."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.test_review_over_http import FIVE_WHYS, in_seconds
from tests.support.dev_app import DevApp, resolved_event
from workflows import limits

#: One 10,000-character text of trigger words, the worst a single field can hold for the checks.
WORST = ("Bob was careless and should have known; human error, as usual. " * 200)[: limits.TEXT]


def open_review(dev_app: DevApp) -> str:
    incident_id = "P" + uuid.uuid4().hex[:8].upper()
    assert dev_app.send_pagerduty_resolved(incident_id).status_code == 202
    dev_app.wait_for(lambda: dev_app.review(incident_id)["doc_url"])  # opening steps done
    return incident_id


def codes(response: Any) -> list[tuple[str, str]]:
    return [(e["code"], e["field"]) for e in response.json()["errors"]]


def item(title: str) -> dict[str, str]:
    return {
        "title": title,
        "owner": "alice@example.com",
        "due": in_seconds(3600 * 24 * 7)[:10],
        "done_when": "The pool setting is 20 in the template.",
        "root_cause": "rc1",
    }


def test_a_why_over_the_text_limit_answers_too_long_and_changes_nothing(dev_app: DevApp) -> None:
    incident_id = open_review(dev_app)
    before = dev_app.review(incident_id)
    long_why = {**FIVE_WHYS, "whys": [*FIVE_WHYS["whys"][:2], "x" * (limits.TEXT + 1)]}
    answer = dev_app.api("PUT", f"/api/reviews/{incident_id}/five-whys", long_why)
    assert answer.status_code == 422
    assert codes(answer) == [("too_long", "whys.2")]
    assert dev_app.review(incident_id) == before


def test_an_action_item_title_over_255_characters_answers_too_long(dev_app: DevApp) -> None:
    incident_id = open_review(dev_app)
    assert dev_app.api("PUT", f"/api/reviews/{incident_id}/five-whys", FIVE_WHYS).status_code == 200
    answer = dev_app.api(
        "POST", f"/api/reviews/{incident_id}/action-items", item("Cap the pool " + "x" * 250)
    )
    assert answer.status_code == 422
    assert codes(answer) == [("too_long", "title")]
    assert dev_app.review(incident_id)["action_items"] == []


def test_an_action_item_title_with_a_line_break_answers_title_multiline(dev_app: DevApp) -> None:
    incident_id = open_review(dev_app)
    assert dev_app.api("PUT", f"/api/reviews/{incident_id}/five-whys", FIVE_WHYS).status_code == 200
    answer = dev_app.api(
        "POST",
        f"/api/reviews/{incident_id}/action-items",
        item("Cap pool size at 20\nin the template"),
    )
    assert answer.status_code == 422
    assert codes(answer) == [("title_multiline", "title")]


def test_the_fifty_first_went_well_entry_answers_too_many(dev_app: DevApp) -> None:
    incident_id = open_review(dev_app)
    path = f"/api/reviews/{incident_id}/went-well"
    for n in range(limits.WENT_WELL):
        assert dev_app.api("POST", path, {"text": f"Paging worked {n}"}).status_code == 200
    answer = dev_app.api("POST", path, {"text": "One more"})
    assert answer.status_code == 422
    assert codes(answer) == [("too_many", "went_well")]
    assert len(dev_app.review(incident_id)["went_well"]) == limits.WENT_WELL


def test_text_past_the_review_budget_answers_too_long(dev_app: DevApp) -> None:
    incident_id = open_review(dev_app)
    path = f"/api/reviews/{incident_id}/went-well"
    for _ in range(limits.REVIEW_TEXT // limits.TEXT):
        assert dev_app.api("POST", path, {"text": "y" * limits.TEXT}).status_code == 200
    answer = dev_app.api("POST", path, {"text": "y" * 10})
    assert answer.status_code == 422
    assert codes(answer) == [("too_long", "review")]


def test_an_api_body_over_one_megabyte_answers_413(dev_app: DevApp) -> None:
    incident_id = open_review(dev_app)
    answer = dev_app.api(
        "POST", f"/api/reviews/{incident_id}/went-well", {"text": "z" * limits.BODY_BYTES}
    )
    assert answer.status_code == 413
    assert codes(answer) == [("payload_too_large", "")]


def test_a_streamed_body_over_one_megabyte_answers_413(dev_app: DevApp) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(limits.BODY_BYTES // 65_536 + 1):
            yield b"z" * 65_536
        yield b'"}'

    answer = dev_app.http.post(
        "/api/lint",
        content=chunks(),  # no Content-Length: sent chunked
        headers={"Authorization": f"Bearer {dev_app.api_token}"},
    )
    assert answer.status_code == 413


def test_worst_inputs_leave_the_review_readable_and_healthz_answering(dev_app: DevApp) -> None:
    incident_id = open_review(dev_app)
    path = f"/api/reviews/{incident_id}/went-well"
    for _ in range(limits.REVIEW_TEXT // limits.TEXT):
        assert dev_app.api("POST", path, {"text": WORST}).status_code == 200
    linting = threading.Event()
    answers: list[int] = []

    def lint_worst() -> None:
        linting.set()
        for _ in range(10):
            answers.append(dev_app.api("POST", "/api/lint", {"text": WORST}).status_code)

    workers = [threading.Thread(target=lint_worst) for _ in range(3)]
    for worker in workers:
        worker.start()
    linting.wait()
    health: list[int] = []
    while any(w.is_alive() for w in workers):
        health.append(dev_app.http.get("/healthz", timeout=5.0).status_code)
    for worker in workers:
        worker.join()
    review = dev_app.review(incident_id)
    assert health and set(health) == {200}
    assert set(answers) == {200}
    assert len(review["went_well"]) == limits.REVIEW_TEXT // limits.TEXT
    assert any(f["field"] == "went_well.0" for f in review["findings"])


def test_a_delivery_older_than_max_age_answers_stale_and_starts_nothing(dev_app: DevApp) -> None:
    incident_id = "P" + uuid.uuid4().hex[:8].upper()
    body = json.loads(resolved_event(incident_id))
    body["event"]["occurred_at"] = (datetime.now(UTC) - timedelta(days=8)).isoformat()
    answer = dev_app.send_pagerduty(json.dumps(body).encode())
    assert answer.status_code == 200
    assert answer.json()["status"] == "stale"
    assert dev_app.api("GET", f"/api/reviews/{incident_id}").status_code == 404


def test_a_repeated_webhook_id_answers_duplicate_without_asking_temporal(dev_app: DevApp) -> None:
    first, second = ("P" + uuid.uuid4().hex[:8].upper() for _ in range(2))
    assert dev_app.send_pagerduty(resolved_event(first), webhook_id="wh-1").status_code == 202
    # Same delivery id, another incident: had it reached Temporal, a second review would start.
    answer = dev_app.send_pagerduty(resolved_event(second), webhook_id="wh-1")
    assert answer.status_code == 200
    assert answer.json()["status"] == "duplicate" and answer.json()["started"] is False
    assert dev_app.api("GET", f"/api/reviews/{second}").status_code == 404


def test_an_incident_id_over_200_characters_answers_400_with_its_code(dev_app: DevApp) -> None:
    answer = dev_app.send_pagerduty(resolved_event("P" * 201))
    assert answer.status_code == 400
    assert codes(answer) == [("incident_id_invalid", "event.data.id")]


def test_an_incident_id_with_control_characters_answers_400_with_its_code(
    dev_app: DevApp,
) -> None:
    answer = dev_app.send_pagerduty(resolved_event("PBAD\x07ID"))
    assert answer.status_code == 400
    assert codes(answer) == [("incident_id_invalid", "event.data.id")]


def with_went_well(dev_app: DevApp, *texts: str) -> str:
    incident_id = open_review(dev_app)
    for text in texts:
        path = f"/api/reviews/{incident_id}/went-well"
        assert dev_app.api("POST", path, {"text": text}).status_code == 200
    return incident_id


def test_a_went_well_entry_can_be_rewritten(dev_app: DevApp) -> None:
    incident_id = with_went_well(dev_app, "Paging worked.", WORST)
    answer = dev_app.api(
        "PATCH", f"/api/reviews/{incident_id}/went-well/1", {"text": "The rollback took 4 minutes."}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["went_well"] == ["Paging worked.", "The rollback took 4 minutes."]
    assert not [f for f in answer.json()["findings"] if f["field"].startswith("went_well")]


def test_a_went_well_entry_can_be_removed(dev_app: DevApp) -> None:
    incident_id = with_went_well(dev_app, "Paging worked.", WORST, "Rollback was quick.")
    answer = dev_app.api("DELETE", f"/api/reviews/{incident_id}/went-well/1")
    assert answer.status_code == 200, answer.text
    assert answer.json()["went_well"] == ["Paging worked.", "Rollback was quick."]


def test_changing_a_went_well_entry_that_does_not_exist_answers_went_well_unknown(
    dev_app: DevApp,
) -> None:
    incident_id = with_went_well(dev_app, "Paging worked.")
    before = dev_app.review(incident_id)
    answer = dev_app.api("DELETE", f"/api/reviews/{incident_id}/went-well/3")
    assert answer.status_code == 422
    assert codes(answer) == [("went_well_unknown", "index")]
    assert dev_app.review(incident_id) == before
