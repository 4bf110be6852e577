"""``GET /api/reviews`` and ``GET /api/trends`` answer from the review store (contract shapes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from temporalio.client import Client

from api.app import create_app
from connectors.store import ReviewStore
from followthrough.settings import Settings
from tests.connectors.store.build import at, cause, item, review
from workflows.policy import Policy

AUTH = {"Authorization": "Bearer store-token"}


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    filled = ReviewStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    filled.write_many(
        [
            review(
                "PA",
                resolved_at=at(0),
                items=[item(1, due_at=at(5)), item(2, status="done", closed_at=at(3))],
            ),
            review(
                "PB",
                resolved_at=at(40),
                title="Search timed out",
                service_name="search",
                service_id="PSRCH",
                team="search",
                root_causes=[cause(1, category="process", statement="No load test for reindex")],
            ),
            review("PC", resolved_at=at(80), phase="drafting"),
        ]
    )
    return filled


@pytest.fixture
def client(tmp_path: Path, store: ReviewStore) -> TestClient:
    settings = Settings(data_dir=tmp_path, api_token="store-token")
    # Nothing below reaches Temporal: these routes read the store only.
    return TestClient(create_app(settings, cast(Client, None), Policy(), store))


def get(client: TestClient, path: str, **params: Any) -> Any:
    answer = client.get(path, params=params, headers=AUTH)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_list_is_newest_first_in_the_contract_shape(client: TestClient) -> None:
    page = get(client, "/api/reviews")
    assert [r["incident_id"] for r in page["reviews"]] == ["PC", "PB", "PA"]
    assert set(page["reviews"][0]) == {
        "incident_id",
        "title",
        "service",
        "team",
        "phase",
        "resolved_at",
        "open_items",
        "overdue_items",
        "follow_up_at",
        "publish_blockers",
    }
    assert page["next_cursor"] is None


def test_list_pages_with_the_cursor_it_gave(client: TestClient) -> None:
    first = get(client, "/api/reviews", limit=2)
    second = get(client, "/api/reviews", limit=2, cursor=first["next_cursor"])
    assert [r["incident_id"] for r in first["reviews"] + second["reviews"]] == ["PC", "PB", "PA"]
    assert second["next_cursor"] is None


def test_list_searches_root_causes_with_q(client: TestClient) -> None:
    page = get(client, "/api/reviews", q="load test")
    assert [r["incident_id"] for r in page["reviews"]] == ["PB"]


def test_list_overdue_keeps_reviews_with_an_item_past_due(client: TestClient) -> None:
    page = get(client, "/api/reviews", overdue="true")
    assert [(r["incident_id"], r["overdue_items"]) for r in page["reviews"]] == [("PA", 1)]


def test_list_filters_by_team_and_phase_together(client: TestClient) -> None:
    assert [r["incident_id"] for r in get(client, "/api/reviews", team="payments")["reviews"]] == [
        "PC",
        "PA",
    ]
    page = get(client, "/api/reviews", team="payments", phase="tracking")
    assert [r["incident_id"] for r in page["reviews"]] == ["PA"]


def test_forged_cursor_is_refused_with_its_code(client: TestClient) -> None:
    answer = client.get("/api/reviews", params={"cursor": "not-ours"}, headers=AUTH)
    assert answer.status_code == 422
    (error,) = answer.json()["errors"]
    assert (error["code"], error["field"]) == ("cursor_invalid", "cursor")


def test_list_needs_the_token(client: TestClient) -> None:
    assert client.get("/api/reviews").status_code == 401


def test_trends_count_root_cause_categories_by_quarter(client: TestClient) -> None:
    trends = get(
        client, "/api/trends", **{"from": "2025-10-01T00:00:00Z", "to": "2026-07-01T00:00:00Z"}
    )
    assert set(trends) == {
        "root_cause_categories",
        "services",
        "repeats",
        "time_to_close",
        "closed_by_due_rate",
    }
    by_quarter = {q["quarter"]: q["counts"] for q in trends["root_cause_categories"]}
    # PA and PC (tooling) and PB (process) were all resolved in January to March 2026.
    assert by_quarter["2026-Q1"]["tooling"] == 2 and by_quarter["2026-Q1"]["process"] == 1


def test_trends_refuse_from_after_to(client: TestClient) -> None:
    answer = client.get(
        "/api/trends",
        params={"from": "2026-07-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
        headers=AUTH,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == "query_invalid"


def test_suggestions_offer_earlier_causes_of_the_same_service(
    client: TestClient, store: ReviewStore
) -> None:
    store.write(review("PD", resolved_at=at(90)))
    found = get(client, "/api/reviews/PD/suggestions", category="tooling")
    assert {(s["incident_id"], s["root_cause_id"]) for s in found} == {("PA", "rc1"), ("PC", "rc1")}
