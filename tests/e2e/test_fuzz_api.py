"""Fuzzing `followthrough dev` over HTTP: schemathesis cases for every documented route, signed
arbitrary webhook bodies; a bounded number of each (``benchmarks/fuzz.py`` runs more)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.fuzz import FuzzRun, describe, fuzz, fuzz_webhooks
from tests.support.dev_app import DevApp, start_dev_app

pytestmark = pytest.mark.e2e

JIRA_SECRET = "jira-fuzz-secret-5c8e1a"
REVIEWS = ("PFUZZA1", "PFUZZB2", "PFUZZC3")
CASES_PER_OPERATION = 6
WEBHOOK_BODIES = 40


@dataclass
class Fuzzed:
    app: DevApp
    api: FuzzRun
    webhooks: FuzzRun


def open_reviews(app: DevApp) -> list[str]:
    for incident_id in REVIEWS:
        assert app.send_pagerduty_resolved(incident_id).status_code == 202
    for incident_id in REVIEWS:
        app.wait_for(lambda i=incident_id: app.api("GET", f"/api/reviews/{i}").status_code == 200)
    return list(REVIEWS)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    app = start_dev_app(workdir, extra_env={"FOLLOWTHROUGH_JIRA_WEBHOOK_SECRET": JIRA_SECRET})
    try:
        secrets = [app.api_token, app.pagerduty_secret, JIRA_SECRET]
        ids = open_reviews(app)
        api = fuzz(
            app.base_url,
            app.api_token,
            secrets=secrets,
            incident_ids=ids,
            max_examples=CASES_PER_OPERATION,
        )
        webhooks = fuzz_webhooks(
            app.base_url,
            pagerduty_secret=app.pagerduty_secret,
            jira_secret=JIRA_SECRET,
            secrets=secrets,
            max_examples=WEBHOOK_BODIES,
        )
        yield Fuzzed(app, api, webhooks)
    finally:
        app.stop()


def server_errors(run: FuzzRun) -> list[str]:
    return [f.problem for f in run.findings if f.problem.startswith("server error")]


def leaks(run: FuzzRun) -> list[str]:
    return [f.problem for f in run.findings if "secret" in f.problem]


def test_fuzzed_api_calls_reach_every_documented_route(fuzzed: Fuzzed) -> None:
    assert len(fuzzed.api.cases) >= 15, describe(fuzzed.api)


def test_fuzzed_api_calls_get_no_server_error(fuzzed: Fuzzed) -> None:
    assert server_errors(fuzzed.api) == [], describe(fuzzed.api)


def test_fuzzed_api_answers_carry_no_secret(fuzzed: Fuzzed) -> None:
    assert leaks(fuzzed.api) == [], describe(fuzzed.api)


def test_every_review_stays_readable_after_fuzzing(fuzzed: Fuzzed) -> None:
    assert fuzzed.api.unreadable == [], describe(fuzzed.api)


def test_fuzzed_signed_webhooks_get_no_server_error(fuzzed: Fuzzed) -> None:
    assert server_errors(fuzzed.webhooks) == [], describe(fuzzed.webhooks)


def test_fuzzed_webhook_answers_carry_no_secret(fuzzed: Fuzzed) -> None:
    assert leaks(fuzzed.webhooks) == [], describe(fuzzed.webhooks)
