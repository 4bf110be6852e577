"""Fuzzing `followthrough dev` over HTTP, a larger run than the test suite's: counts, not times.

Starts `followthrough dev` (tests.support.dev_app.start_dev_app: Temporal dev server, worker and API
in one process, the e2e fast policy, a Jira webhook secret), opens three reviews with signed
PagerDuty deliveries, then sends schemathesis cases for every operation of ``/openapi.json``
(``--examples`` positive and as many negative ones per operation) with the API token, and
``--bodies`` signed arbitrary and mutated bodies to each webhook (tests/e2e/fuzz.py). Prints the
cases per operation, the answers by status, every finding (5xx other than a deliberate 503, a
configured secret in an answer) with a request that reproduces it, and whether every review still
answers afterwards.

    .venv/bin/python -m benchmarks.fuzz [--examples 60] [--bodies 400] [--seed 11]
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
from pathlib import Path

from benchmarks._common import exit_now, machine_header
from tests.e2e.fuzz import describe, fuzz, fuzz_webhooks
from tests.support.dev_app import start_dev_app

JIRA_SECRET = secrets.token_urlsafe(16)  # a fresh one per run
REVIEWS = ("PFUZZA1", "PFUZZB2", "PFUZZC3")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=60, help="cases per operation and mode")
    parser.add_argument("--bodies", type=int, default=400, help="signed bodies per webhook")
    parser.add_argument("--seed", type=int, default=11, help="hypothesis seed")
    args = parser.parse_args()
    machine_header("fuzz: schemathesis on /openapi.json and signed webhook bodies")
    with tempfile.TemporaryDirectory(prefix="ft-bench-fuzz-") as workdir:
        app = start_dev_app(
            Path(workdir), extra_env={"FOLLOWTHROUGH_JIRA_WEBHOOK_SECRET": JIRA_SECRET}
        )
        try:
            configured = [app.api_token, app.pagerduty_secret, JIRA_SECRET]
            for incident_id in REVIEWS:
                app.send_pagerduty_resolved(incident_id)
            for incident_id in REVIEWS:
                app.wait_for(
                    lambda i=incident_id: app.api("GET", f"/api/reviews/{i}").status_code == 200
                )
            api = fuzz(
                app.base_url,
                app.api_token,
                secrets=configured,
                incident_ids=list(REVIEWS),
                max_examples=args.examples,
                seed=args.seed,
            )
            print("\nAPI (schemathesis):")
            print(describe(api))
            for label, count in sorted(api.cases.items()):
                print(f"  {count:5d}  {label}")
            webhooks = fuzz_webhooks(
                app.base_url,
                pagerduty_secret=app.pagerduty_secret,
                jira_secret=JIRA_SECRET,
                secrets=configured,
                max_examples=args.bodies,
                seed=args.seed,
            )
            print("\nwebhooks (signed hypothesis bodies):")
            print(describe(webhooks))
            errors = sum(1 for line in app.logs().splitlines() if '"level": "error"' in line)
            print(f"\nfollowthrough dev log: {errors} error lines")
        finally:
            app.stop()
    return 0


if __name__ == "__main__":
    exit_now(main())
