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

``python -m tests.support.soak replay <address> <folder>`` is the fresh-process replay step.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.fakes.jira import FakeJira
from tests.fakes.smtp import FakeSmtp
from tests.support.dev_app import DevApp, five_whys, resolved_event
from tests.support.split import REPO, SplitDeployment

#: Seconds, not weeks: the draft deadline passes for reviews published late, items come due,
#: escalate and reconcile within the run, the follow-up invitation goes out ~35 s after resolution.
SOAK_POLICY = """
timezone = "UTC"
[review]
draft_deadline = "PT12S"
[follow_up]
after = "PT40S"
invite_ahead = "PT6S"
[action_items]
max_horizon = "P90D"
remind_before = "PT3S"
escalate_after = "PT4S"
escalate_every = "PT6S"
reconcile_every = "PT3S"
[digest]
enabled = false
[defaults]
facilitator = "facilitator@example.com"
leadership = ["vp@example.com"]
"""
JIRA_WEBHOOK_SECRET = "soak-jira-webhook-secret"
OWNERS = ("carol@example.com", "dave@example.com", "erin@example.com")
ITEM_TITLES = (
    "Cap pool size at 20 in the service template",
    "Add a pool-limit step to the deploy checklist",
    "Alert when pool usage stays over 80% for 5 minutes",
)
#: What becomes of an item: closed in Jira with a webhook, closed in Jira with the webhook lost
#: (reconciliation finds it), or left open for the follow-up to drop, re-plan (then closed) or
#: confirm done.
FATES = ("webhook", "silent", "dropped", "replanned", "confirmed")
#: Workflow-task failures that are part of normal operation, not faults of the workflow code:
#: a completion the server refused because new events arrived meanwhile, and a sticky queue
#: reset after its worker went away.
BENIGN_TASK_FAILURES = frozenset(
    {
        "WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND",
        "WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE",
    }
)


#: How a worker logs a refused activation, with the guard's rule (followthrough/worker_runtime.py).
REFUSAL = re.compile(r"refused a stale workflow activation \(rule (\w+)\)")


@dataclass(frozen=True)
class SoakConfig:
    """One soak run; every random choice derives from ``seed``."""

    seed: int
    reviews: int = 10
    items: tuple[int, int] = (2, 3)
    kills: tuple[int, int] = (6, 10)
    workers: int = 2
    smtp_outage: float = 15.0
    temporal_pause: tuple[float, float] = (4.0, 6.0)
    temporal_restart: bool = True
    deliveries_over: float = 12.0
    timeout: float = 300.0  # bound on driving every review to its close
    #: False: workers without the stale-activation guard (tests/support/unguarded_worker.py), to show
    #: the SDK fault it works around; never in the suite.
    guard: bool = True


@dataclass
class Action:
    at: float
    name: str
    arg: int = 0

    def __str__(self) -> str:
        return f"{self.at:5.1f}s {self.name}{f' {self.arg}' if self.arg else ''}"


@dataclass
class ItemPlan:
    title: str
    owner: str
    root_cause: str
    due_in: float
    fate: str
    close_after: float


@dataclass
class ReviewPlan:
    incident_id: str
    deliver_at: float
    publish_after: float
    items: list[ItemPlan]


@dataclass
class Plan:
    reviews: list[ReviewPlan]
    actions: list[Action]

    def lines(self) -> list[str]:
        out = [f"  chaos: {', '.join(str(a) for a in self.actions)}"]
        for review in self.reviews:
            fates = ",".join(i.fate for i in review.items)
            out.append(
                f"  {review.incident_id}: delivered {review.deliver_at:4.1f}s, published "
                f"+{review.publish_after:4.1f}s, items {fates}"
            )
        return out


def make_plan(config: SoakConfig) -> Plan:
    """The whole schedule, drawn from the seed before anything starts (and printed)."""
    rng = random.Random(config.seed)
    pause_at = rng.uniform(3.0, 7.0)
    pause_for = rng.uniform(*config.temporal_pause)
    reviews: list[ReviewPlan] = []
    in_outage = set(rng.sample(range(config.reviews), min(2, config.reviews)))
    for index in range(config.reviews):
        deliver_at = (
            pause_at + 0.5 + 1.2 * len([i for i in in_outage if i < index])
            if index in in_outage
            else rng.uniform(0.0, config.deliveries_over)
        )
        items = [
            ItemPlan(
                title=ITEM_TITLES[n],
                owner=OWNERS[n],
                root_cause="rc1" if n != 1 else "rc2",
                due_in=rng.uniform(8.0, 20.0),
                fate=rng.choice(FATES),
                close_after=rng.uniform(0.0, 12.0),
            )
            for n in range(rng.randint(*config.items))
        ]
        reviews.append(ReviewPlan(f"PSOAK{index:02d}", deliver_at, rng.uniform(1.0, 20.0), items))
    actions = [Action(pause_at, "pause_temporal"), Action(pause_at + pause_for, "resume_temporal")]
    kill_at = rng.uniform(2.0, 6.0)
    for _ in range(rng.randint(*config.kills)):
        worker = rng.randrange(config.workers)
        actions.append(Action(kill_at, "kill_worker", worker))
        actions.append(Action(kill_at + rng.uniform(0.3, 3.0), "start_worker", worker))
        kill_at += rng.uniform(4.0, 10.0)
    if config.temporal_restart:
        restart_at = max(pause_at + pause_for + 5.0, rng.uniform(20.0, 40.0))
        actions.append(Action(restart_at, "stop_temporal"))
        actions.append(Action(restart_at + rng.uniform(2.0, 4.0), "start_temporal"))
    jira_at = rng.uniform(5.0, 20.0)
    actions.append(Action(jira_at, "jira_429", rng.randint(4, 8)))
    actions.append(Action(jira_at + rng.uniform(2.0, 6.0), "jira_503", rng.randint(3, 6)))
    smtp_at = rng.uniform(5.0, 30.0)
    actions.append(Action(smtp_at, "smtp_down"))
    actions.append(Action(smtp_at + config.smtp_outage, "smtp_up"))
    actions.sort(key=lambda a: a.at)
    return Plan(reviews, actions)


@dataclass
class SoakResult:
    seed: int
    seconds: float = 0.0
    reviews: int = 0
    closed: int = 0
    kills: int = 0
    worker_starts: int = 0
    #: Stale activations the workers' guard refused, by rule (followthrough/worker_runtime.py).
    refused: Counter[str] = field(default_factory=Counter)
    deliveries: Counter[str] = field(default_factory=Counter)
    polls: Counter[str] = field(default_factory=Counter)
    tickets: int = 0
    items: int = 0
    mails: int = 0
    duplicate_mails: int = 0
    histories: int = 0
    events: int = 0
    task_failures: list[str] = field(default_factory=list)
    replay_failures: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    excerpts: list[str] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.task_failures or self.replay_failures or self.problems)

    def summary(self) -> str:
        return (
            f"seed {self.seed}: {'ok' if self.ok else 'FAILED'} in {self.seconds:.1f} s; "
            f"{self.closed}/{self.reviews} reviews closed, {self.tickets} tickets for "
            f"{self.items} items, {self.kills} kills ({self.worker_starts} worker starts), "
            f"stale activations refused {dict(self.refused) or 0}, "
            f"deliveries {dict(self.deliveries)}, polls {dict(self.polls)}, {self.mails} mails "
            f"({self.duplicate_mails} repeated), {self.histories} histories / {self.events} "
            f"events replayed, {len(self.task_failures)} task failures, "
            f"{len(self.replay_failures)} replay failures"
        )

    def report(self) -> str:
        lines = [self.summary(), "plan:", *self.plan]
        for title, found in (
            ("problems", self.problems),
            ("workflow-task failures", self.task_failures),
            ("replay failures", self.replay_failures),
        ):
            if found:
                lines += [f"{title}:", *(f"  {f}" for f in found)]
        return "\n".join(lines + self.excerpts)


class Stopped(Exception):
    """The run's deadline passed or another thread asked everyone to stop."""


class Driver:
    """What PagerDuty, Jira and the people of each review do, over HTTP, patiently."""

    def __init__(
        self, app: DevApp, jira: FakeJira, result: SoakResult, t0: float, deadline: float
    ) -> None:
        self.app, self.jira, self.result = app, jira, result
        self.t0, self.deadline = t0, deadline
        self.stop = threading.Event()
        self.delivered: list[str] = []
        self._lock = threading.Lock()

    # --- plumbing ------------------------------------------------------------------------------

    def sleep_until(self, moment: float) -> None:
        while (left := moment - time.monotonic()) > 0:
            if self.stop.wait(min(left, 0.5)) or time.monotonic() > self.deadline:
                raise Stopped
        if self.stop.is_set():
            raise Stopped

    def pause(self, seconds: float) -> None:
        self.sleep_until(time.monotonic() + seconds)

    def call(self, method: str, path: str, body: Any = None) -> httpx.Response | None:
        """One API call; None when the API could not be reached at all."""
        try:
            return self.app.api(method, path, json=body)
        except httpx.HTTPError:
            return None

    def review(self, incident_id: str) -> dict[str, Any] | None:
        got = self.call("GET", f"/api/reviews/{incident_id}")
        if got is not None and got.status_code == 200:
            data: dict[str, Any] = got.json()
            return data
        return None

    def wait_review(
        self, incident_id: str, check: Callable[[dict[str, Any]], bool], what: str
    ) -> dict[str, Any]:
        while True:
            review = self.review(incident_id)
            if review is not None and check(review):
                return review
            if time.monotonic() > self.deadline:
                raise AssertionError(f"{incident_id}: timed out waiting until {what}")
            self.pause(0.4)

    def ensure(
        self,
        incident_id: str,
        what: str,
        send: Callable[[], httpx.Response | None],
        done: Callable[[dict[str, Any]], bool],
    ) -> None:
        """Send until ``done`` holds: like a person who reloads the page before trying again, so a
        change that landed although its answer was lost (a 503 after the API's timeout) is not
        made twice."""
        while True:
            review = self.review(incident_id)
            if review is not None and done(review):
                return
            answer = send()
            if answer is not None and answer.status_code in (200, 201):
                return
            if answer is not None and answer.status_code == 422:
                review = self.review(incident_id)
                if review is not None and done(review):
                    return
                raise AssertionError(f"{incident_id}: {what} rejected: {answer.text}")
            # 503 or no answer: the change may still land; give it time before sending again.
            give_up = time.monotonic() + 12.0
            while time.monotonic() < give_up:
                self.pause(1.0)
                review = self.review(incident_id)
                if review is not None and done(review):
                    return
            if time.monotonic() > self.deadline:
                raise AssertionError(f"{incident_id}: timed out on {what}")

    # --- PagerDuty -----------------------------------------------------------------------------

    def deliver(self, incident_id: str) -> None:
        """Deliver ``incident.resolved`` until it is accepted, retrying the same delivery."""
        body = resolved_event(incident_id, title=f"Checkout API returned 503s ({incident_id})")
        webhook_id = f"delivery-{incident_id}"
        while True:
            try:
                answer = self.app.send_pagerduty(body, webhook_id=webhook_id)
                code = str(answer.status_code)
            except httpx.HTTPError as exc:
                code = type(exc).__name__
            with self._lock:
                self.result.deliveries[code] += 1
            if code in ("200", "202"):
                with self._lock:
                    self.delivered.append(incident_id)
                return
            self.pause(1.5)

    # --- Jira ----------------------------------------------------------------------------------

    def close_in_jira(self, key: str, *, webhook: bool) -> None:
        body = self.jira.transition(key, "Done")
        if not webhook:
            return  # the webhook is lost: reconciliation has to find it
        while True:
            try:
                answer = self.jira.deliver_to(
                    f"{self.app.base_url}/webhooks/jira", JIRA_WEBHOOK_SECRET, body
                )
                if answer.status_code == 200:
                    return
            except OSError:
                pass
            self.pause(1.0)  # Jira retries failed deliveries too

    # --- one review ----------------------------------------------------------------------------

    def drive(self, plan: ReviewPlan) -> None:
        incident_id = plan.incident_id
        base = f"/api/reviews/{incident_id}"
        self.sleep_until(self.t0 + plan.deliver_at)
        self.deliver(incident_id)
        delivered = time.monotonic()
        self.wait_review(incident_id, lambda _: True, "the review is readable")
        analysis = five_whys({i.root_cause for i in plan.items})
        self.ensure(
            incident_id,
            "five whys",
            lambda: self.call("PUT", f"{base}/five-whys", analysis),
            lambda r: r["five_whys"] is not None,
        )
        for item in plan.items:
            self.ensure(
                incident_id,
                f"item {item.title!r}",
                lambda item=item: self.call(  # type: ignore[misc]
                    "POST",
                    f"{base}/action-items",
                    {
                        "title": item.title,
                        "owner": item.owner,
                        "due": iso_in(plan.publish_after + item.due_in),
                        "done_when": "A load test at 2x peak keeps pool usage under 80%.",
                        "root_cause": item.root_cause,
                    },
                ),
                lambda r, item=item: any(i["title"] == item.title for i in r["action_items"]),  # type: ignore[misc]
            )
        went_well = "Rollback took 4 minutes."
        self.ensure(
            incident_id,
            "what went well",
            lambda: self.call("POST", f"{base}/went-well", {"text": went_well}),
            lambda r: went_well in r["went_well"],
        )
        self.sleep_until(delivered + plan.publish_after)

        def publish() -> httpx.Response | None:
            # Outages can delay publishing past a due date: move those, as a facilitator would.
            while True:
                review = self.wait_review(incident_id, lambda _: True, "the draft is readable")
                soon = datetime.now(UTC) + timedelta(seconds=5)
                for item in review["action_items"]:
                    if datetime.fromisoformat(item["due"]) < soon:
                        path = f"{base}/action-items/{item['id']}"
                        self.call("PATCH", path, {"due": iso_in(15.0)})
                answer = self.call("POST", f"{base}/publish", {})
                if answer is None or answer.status_code != 422:
                    return answer
                if not {e["code"] for e in answer.json()["errors"]} <= {"due_in_past"}:
                    return answer
                self.pause(0.5)  # a due date passed meanwhile: move it and try again

        self.ensure(incident_id, "publish", publish, lambda r: r["phase"] != "drafting")
        review = self.wait_review(
            incident_id,
            lambda r: all(i["ticket"] for i in r["action_items"]),
            "every item has a ticket",
        )
        ids = {i["title"]: i["id"] for i in review["action_items"]}
        keys = {i["title"]: i["ticket"]["key"] for i in review["action_items"]}
        published = time.monotonic()
        for item in sorted(plan.items, key=lambda i: i.close_after):
            if item.fate in ("webhook", "silent"):
                self.sleep_until(published + item.close_after)
                self.close_in_jira(keys[item.title], webhook=item.fate == "webhook")
        closed_early = {ids[i.title] for i in plan.items if i.fate in ("webhook", "silent")}
        self.wait_review(
            incident_id,
            lambda r: all(
                i["status"] == "done" for i in r["action_items"] if i["id"] in closed_early
            ),
            "closed tickets show as done",
        )
        self.wait_review(
            incident_id, lambda r: r["phase"] == "follow_up", "the follow-up invitation went out"
        )
        fates = {ids[i.title]: i.fate for i in plan.items}

        def outcomes() -> list[dict[str, Any]]:
            current = self.review(incident_id) or review
            chosen = []
            for item in current["action_items"]:
                if item["status"] != "open":
                    continue
                fate = fates[item["id"]]
                if fate == "replanned":
                    chosen.append(
                        {
                            "action_item": item["id"],
                            "status": "replanned",
                            "due": iso_in(30.0),
                            "reason": "Blocked on the template owners; they return Monday.",
                        }
                    )
                elif fate == "dropped":
                    chosen.append(
                        {
                            "action_item": item["id"],
                            "status": "dropped",
                            "reason": "Superseded by the platform-wide pool defaults.",
                        }
                    )
                else:
                    chosen.append({"action_item": item["id"], "status": "done"})
            return chosen

        self.ensure(
            incident_id,
            "the follow-up",
            lambda: self.call("POST", f"{base}/follow-up", {"outcomes": outcomes()}),
            lambda r: r["follow_up"] is not None,
        )
        for item in plan.items:
            if item.fate == "replanned":
                self.pause(1.0)
                self.close_in_jira(keys[item.title], webhook=True)
        self.wait_review(incident_id, lambda r: r["phase"] == "closed", "the review closed")
        with self._lock:
            self.result.closed += 1

    # --- the poller ----------------------------------------------------------------------------

    def poll(self) -> None:
        """Read every delivered review over and over, and the list, until told to stop."""
        while not self.stop.is_set():
            with self._lock:
                ids = list(self.delivered)
            for incident_id in [*ids, None]:
                path = "/api/reviews" if incident_id is None else f"/api/reviews/{incident_id}"
                answer = self.call("GET", path)
                code = "unreachable" if answer is None else str(answer.status_code)
                if answer is not None and answer.status_code >= 500:
                    with contextlib.suppress(ValueError, KeyError, IndexError):
                        code += f" {answer.json()['errors'][0]['code']}"
                with self._lock:
                    self.result.polls[code] += 1
                if self.stop.wait(0.05):
                    return


def iso_in(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="seconds")


def run_chaos(
    plan: Plan,
    deployment: SplitDeployment,
    jira: FakeJira,
    smtp: FakeSmtp,
    driver: Driver,
    result: SoakResult,
) -> None:
    for action in plan.actions:
        try:
            driver.sleep_until(driver.t0 + action.at)
        except Stopped:
            break
        if action.name == "kill_worker":
            if deployment.worker_processes[action.arg] is not None:
                deployment.kill_worker(action.arg)
                result.kills += 1
        elif action.name == "start_worker":
            if deployment.worker_processes[action.arg] is None:
                deployment.start_worker(action.arg)
        elif action.name == "pause_temporal":
            deployment.pause_temporal()
        elif action.name == "resume_temporal":
            deployment.resume_temporal()
        elif action.name == "stop_temporal":
            deployment.stop_temporal()
        elif action.name == "start_temporal":
            deployment.start_temporal()
        elif action.name in ("jira_429", "jira_503"):
            status = 429 if action.name == "jira_429" else 503
            jira.fail_next(
                status,
                count=action.arg,
                headers={"Retry-After": "1"},
                method="POST",
                path="/rest/api/2/issue",
            )
        elif action.name == "smtp_down":
            smtp.stop()
        elif action.name == "smtp_up":
            smtp.start()
    # Whatever the schedule left broken is mended before the reviews must finish.
    if deployment.temporal is None:
        deployment.start_temporal()
    deployment.resume_temporal()
    if not smtp.running:
        smtp.start()
    for index, process in enumerate(deployment.worker_processes):
        if process is None:
            deployment.start_worker(index)


def run_soak(config: SoakConfig, workdir: Path) -> SoakResult:
    """One soak run in ``workdir`` (its logs and histories stay there)."""
    plan = make_plan(config)
    result = SoakResult(seed=config.seed, reviews=config.reviews, plan=plan.lines())
    started = time.monotonic()
    with FakeJira() as jira, FakeSmtp() as smtp:
        for owner in OWNERS:
            jira.add_user(owner, owner.split("@")[0].title())
        deployment = SplitDeployment(
            workdir,
            policy=SOAK_POLICY,
            workers=config.workers,
            worker_command=("worker.py",)
            if config.guard
            else ("-m", "tests.support.unguarded_worker"),
            extra_env={
                "FOLLOWTHROUGH_JIRA_URL": jira.url,
                "FOLLOWTHROUGH_JIRA_EMAIL": jira.email,
                "FOLLOWTHROUGH_JIRA_API_TOKEN": jira.api_token,
                "FOLLOWTHROUGH_JIRA_PROJECT": "OPS",
                "FOLLOWTHROUGH_JIRA_WEBHOOK_SECRET": JIRA_WEBHOOK_SECRET,
                "FOLLOWTHROUGH_SMTP_HOST": smtp.host,
                "FOLLOWTHROUGH_SMTP_PORT": str(smtp.port),
                "FOLLOWTHROUGH_SMTP_STARTTLS": "false",
            },
        )
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
            for log in deployment.worker_logs():
                result.refused.update(REFUSAL.findall(log.read_text(errors="replace")))
            check_outside_world(plan, jira, smtp, result)
            check_histories(deployment, workdir / "histories", result)
        finally:
            deployment.stop()
    result.seconds = time.monotonic() - started
    return result


def check_outside_world(plan: Plan, jira: FakeJira, smtp: FakeSmtp, result: SoakResult) -> None:
    """One ticket per item; mail repeated only in the documented crash window (counted)."""
    labels = Counter(
        label
        for key in jira.issue_keys()
        for label in jira.issue(key)["fields"]["labels"]
        if label.startswith("ft-")
    )
    result.tickets = sum(labels.values())
    result.items = sum(len(r.items) for r in plan.reviews)
    result.problems += [f"ticket label {lb} on {n} tickets" for lb, n in labels.items() if n > 1]
    ids = Counter(str(m.message["Message-ID"]) for m in smtp.messages)
    result.mails = len(smtp.messages)
    result.duplicate_mails = sum(n - 1 for n in ids.values() if n > 1)


def check_histories(deployment: SplitDeployment, folder: Path, result: SoakResult) -> None:
    """Replay every workflow's history in a fresh process; record failures with excerpts."""
    for index in range(len(deployment.worker_processes)):
        deployment.kill_worker(index)  # nothing changes the histories while they are read
    answer = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.soak",
            "replay",
            deployment.temporal_address,
            str(folder),
        ],
        cwd=REPO,
        env=deployment.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if answer.returncode != 0:
        result.replay_failures.append(f"replay process exited {answer.returncode}")
        result.excerpts.append(answer.stderr[-4000:])
        return
    for entry in json.loads(answer.stdout.strip().splitlines()[-1]):
        result.histories += 1
        result.events += entry["events"]
        path = folder / entry["file"]
        for failure in entry["task_failures"]:
            if failure["cause"] in BENIGN_TASK_FAILURES:
                continue
            result.task_failures.append(
                f"{entry['workflow_id']} event {failure['event_id']} {failure['cause']}: "
                f"{failure['message'][:300]}"
            )
            result.excerpts.append(excerpt(path, failure["event_id"]))
        if entry["replay_failure"]:
            result.replay_failures.append(
                f"{entry['workflow_id']}: {entry['replay_failure'][:600]}"
            )
            found = re.search(r"HistoryEvent\(id: (\d+)", entry["replay_failure"])
            result.excerpts.append(excerpt(path, int(found.group(1)) if found else 0))


# --- history reading (shared by the replay process and the report) ------------------------------


def event_line(event: dict[str, Any]) -> str:
    """One event as ``id type detail``, the detail being what tells similar events apart."""
    kind = str(event.get("eventType", "?")).removeprefix("EVENT_TYPE_")
    attrs: dict[str, Any] = (
        next((v for k, v in event.items() if k.endswith("EventAttributes")), {}) or {}
    )
    detail = ""
    if "activityType" in attrs:
        detail = attrs["activityType"].get("name", "")
    elif "signalName" in attrs:
        detail = attrs["signalName"]
    elif kind.startswith("WORKFLOW_EXECUTION_UPDATE"):
        detail = str(
            attrs.get("acceptedRequest", {}).get("input", {}).get("name")
            or attrs.get("meta", {}).get("updateId", "")
        )
    elif "startToFireTimeout" in attrs:
        detail = f"timer {attrs.get('timerId')} {attrs['startToFireTimeout']}"
    elif "timerId" in attrs:
        detail = f"timer {attrs['timerId']}"
    elif "searchAttributes" in attrs:
        detail = ",".join(sorted(attrs["searchAttributes"].get("indexedFields", {})))
    elif "cause" in attrs:
        detail = f"{attrs['cause']} {attrs.get('failure', {}).get('message', '')[:160]}"
    elif "workflowType" in attrs:
        detail = attrs["workflowType"].get("name", "")
    elif "patchId" in str(attrs.get("details", "")):
        detail = "patch marker"
    return f"    {event.get('eventId', '?'):>5} {kind:<44} {detail}"


def excerpt(path: Path, event_id: int, before: int = 16, after: int = 4) -> str:
    if not path.exists():
        return f"(no saved history at {path})"
    events = json.loads(path.read_text())["events"]
    lo, hi = max(0, event_id - before), event_id + after
    chosen = [e for e in events if lo <= int(e.get("eventId", 0)) <= hi] or events[-before:]
    return "\n".join([f"  history {path.name} around event {event_id}:", *map(event_line, chosen)])


async def replay_everything(address: str, folder: Path) -> list[dict[str, Any]]:
    """Every workflow run on the server: saved to ``folder``, scanned, replayed."""
    from temporalio.api.enums.v1 import EventType
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.worker import Replayer

    from worker import WORKFLOWS, workflow_runner

    client = await Client.connect(address, data_converter=pydantic_data_converter)
    replayer = Replayer(
        workflows=WORKFLOWS,
        workflow_runner=workflow_runner(),
        data_converter=pydantic_data_converter,
    )
    folder.mkdir(parents=True, exist_ok=True)
    found: list[dict[str, Any]] = []
    async for info in client.list_workflows(""):
        handle = client.get_workflow_handle(info.id, run_id=info.run_id)
        history = await handle.fetch_history()
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{info.id}-{info.run_id[:8]}") + ".json"
        (folder / name).write_text(history.to_json())
        failures = [
            {
                "event_id": event.event_id,
                "cause": _cause_name(event.workflow_task_failed_event_attributes.cause),
                "message": event.workflow_task_failed_event_attributes.failure.message,
            }
            for event in history.events
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        ]
        replayed = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        failure = replayed.replay_failure
        found.append(
            {
                "workflow_id": info.id,
                "run_id": info.run_id,
                "type": info.workflow_type,
                "file": name,
                "events": len(history.events),
                "task_failures": failures,
                "replay_failure": None
                if failure is None
                else f"{type(failure).__name__}: {failure}",
            }
        )
    return found


def _cause_name(cause: int) -> str:
    from temporalio.api.enums.v1 import WorkflowTaskFailedCause

    return WorkflowTaskFailedCause.Name(WorkflowTaskFailedCause.ValueType(cause))


def _replay_main(argv: list[str]) -> int:
    address, folder = argv
    found = asyncio.run(replay_everything(address, Path(folder)))
    sys.stdout.write(json.dumps(found) + "\n")  # the parent reads this one line
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    import os

    if sys.argv[1:2] != ["replay"]:
        raise SystemExit("usage: python -m tests.support.soak replay <temporal address> <folder>")
    code = _replay_main(sys.argv[2:])
    sys.stdout.flush()
    os._exit(code)
