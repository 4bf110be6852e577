"""With a PagerDuty API token, the review's timeline and people come from PagerDuty's REST API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.documents import document_name
from tests.fakes.pagerduty import FakePagerDuty, build_resolved_event
from tests.support.dev_app import DevApp, start_dev_app


@pytest.fixture(scope="module")
def pagerduty() -> Iterator[FakePagerDuty]:
    with FakePagerDuty() as fake:
        yield fake


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, pagerduty: FakePagerDuty) -> Iterator[DevApp]:
    started = start_dev_app(
        tmp_path_factory.mktemp("pd"),
        {
            "FOLLOWTHROUGH_PAGERDUTY_API_TOKEN": pagerduty.token,
            "FOLLOWTHROUGH_PAGERDUTY_API_URL": pagerduty.base_url,
            "FOLLOWTHROUGH_PAGERDUTY_CA_FILE": str(pagerduty.ca_file),
        },
    )
    yield started
    started.stop()


def test_review_shows_the_paged_timeline_and_responders_from_pagerduty(
    app: DevApp, pagerduty: FakePagerDuty
) -> None:
    incident = pagerduty.add_incident(log_entries=130, notes=3, responders=2)
    answer = app.send_pagerduty(build_resolved_event(incident))
    assert answer.status_code == 202, answer.text
    review = app.wait_for(
        lambda: (r := app.review(incident["id"]))["incident"]["details_source"] == "pagerduty" and r
    )
    timeline = review["incident"]["timeline"]
    assert len(timeline) == 133  # every log entry across pages, plus the notes
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)
    offsets = {
        q["offset"] for q in pagerduty.requests_to(f"/incidents/{incident['id']}/log_entries")
    }
    assert len(offsets) >= 2
    emails = {p["email"] for p in review["incident"]["responders"]}
    assert emails == {
        u["email"]
        for u in pagerduty.users.values()
        if u["id"] in {p["id"] for p in review["incident"]["responders"]}
    }
    assert all(emails)


def test_the_api_token_never_appears_in_logs_or_documents(
    app: DevApp, pagerduty: FakePagerDuty
) -> None:
    incident = pagerduty.add_incident(log_entries=5, notes=1, responders=1)
    app.send_pagerduty(build_resolved_event(incident))
    app.wait_for(lambda: (app.data_dir / "reviews" / document_name(incident["id"])).exists())
    document = (app.data_dir / "reviews" / document_name(incident["id"])).read_text()
    assert pagerduty.token not in document
    assert pagerduty.token not in app.logs()
    assert app.api_token not in app.logs()
