"""The people of the soak: PagerDuty delivering, each review's facilitator and owners over the
HTTP API, Jira closing tickets, and a poller reading every review all along (queries on live
workers are part of the pattern). Every call is patient: a 503 or a lost answer is retried the
way a person would, reloading the page first so a change that landed is not made twice.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.fakes.jira import FakeJira
from tests.support.dev_app import DevApp, five_whys, resolved_event
from tests.support.soak_plan import JIRA_WEBHOOK_SECRET, ReviewPlan
from tests.support.soak_result import SoakResult

__all__ = ["Driver", "Stopped", "iso_in"]


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
