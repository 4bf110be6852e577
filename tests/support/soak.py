"""The soak: reviews driven through their whole life while the deployment is broken on purpose.

A split deployment on 127.0.0.1 (``tests/support/split.py``: Temporal dev server with a SQLite file,
two ``python worker.py``, ``python -m worker api``) and the Jira and SMTP imitations in this process.
Reviews run concurrently through the HTTP API from delivery to close, with second-scale policy
durations, while a schedule drawn from one printed seed

* SIGKILLs workers at random moments and starts replacements (cold replays of every review they
  had cached),
* pauses Temporal for a few seconds while two incidents are delivered (the API answers 503 after
  its 3 s budget and the delivery is retried, PagerDuty-style; the first start may still land),
  and later stops and restarts Temporal once,
* makes Jira answer 429 and 503 to ticket creation for a while and takes SMTP down for ~15 s,

and a poller reads every review through the API all along (queries on live workers are part of the
pattern). At the end every workflow's full history is replayed in a fresh process with the
``Replayer``. A run fails on any workflow-task failure recorded in a history, any replay failure,
a review that did not close, or a ticket opened twice; the report prints the history around it.

    result = run_soak(SoakConfig(seed=7), workdir)
    print(result.summary()); assert result.ok, result.report()

The parts, one job each: ``soak_plan`` (the schedule from the seed), ``soak_deployment`` (the
split deployment and imitations), ``soak_driver`` (the people, over HTTP), ``soak_chaos`` (what
breaks when), ``soak_checks`` and ``soak_replay`` (the checks, the fresh-process replay) and
``soak_result`` (the report). This module runs them.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.fakes.jira import FakeJira
from tests.fakes.smtp import FakeSmtp
from tests.support.soak_chaos import run_chaos
from tests.support.soak_checks import check_histories, check_outside_world, count_refusals
from tests.support.soak_deployment import soak_deployment
from tests.support.soak_driver import Driver, Stopped
from tests.support.soak_plan import ReviewPlan, SoakConfig, make_plan
from tests.support.soak_result import SoakResult

__all__ = ["SoakConfig", "SoakResult", "make_plan", "run_soak"]


def run_soak(config: SoakConfig, workdir: Path) -> SoakResult:
    """One soak run in ``workdir`` (its logs and histories stay there)."""
    plan = make_plan(config)
    result = SoakResult(seed=config.seed, reviews=config.reviews, plan=plan.lines())
    started = time.monotonic()
    with FakeJira() as jira, FakeSmtp() as smtp:
        deployment = soak_deployment(workdir, config, jira, smtp)
        app = deployment.start()
        try:
            t0 = time.monotonic()
            driver = Driver(app, jira, result, t0, t0 + config.timeout)
            failures: list[str] = []

            def drive(review: ReviewPlan) -> None:
                try:
                    driver.drive(review)
                except Stopped:
                    failures.append(f"{review.incident_id}: stopped before it closed")
                except Exception as exc:
                    failures.append(f"{review.incident_id}: {type(exc).__name__}: {exc}")

            threads = [threading.Thread(target=drive, args=(r,), daemon=True) for r in plan.reviews]
            chaos = threading.Thread(
                target=run_chaos, args=(plan, deployment, jira, smtp, driver, result), daemon=True
            )
            poller = threading.Thread(target=driver.poll, daemon=True)
            for thread in [*threads, chaos, poller]:
                thread.start()
            for thread in threads:
                thread.join(max(0.0, driver.deadline - time.monotonic()) + 30)
            driver.stop.set()
            chaos.join(30)
            poller.join(10)
            result.problems += sorted(failures)
            result.worker_starts = deployment.worker_starts
            count_refusals(deployment, result)
            check_outside_world(plan, jira, smtp, result)
            check_histories(deployment, workdir / "histories", result)
        finally:
            deployment.stop()
    result.seconds = time.monotonic() - started
    return result
