"""Fuzzing the HTTP API of a running `followthrough dev`: schemathesis cases for every route.

Schemathesis turns ``/openapi.json`` into hypothesis strategies (positive cases that fit the
schema and negative ones that do not) for every documented operation; this module sends them with
the API token, checks each answer and counts. Path parameters named ``incident_id`` are drawn from
the reviews that exist as often as at random, so the cases reach real workflows.

``fuzz_webhooks`` signs arbitrary and mutated PagerDuty and Jira bodies (tests/webhook_bodies.py)
with the configured secrets and posts them, so the cases get past the signature check.

Checks, per answer: no 5xx except a deliberate 503 (``temporal_unavailable``, which tells a sender
to retry); no configured secret in the body or the headers. After the run: every review still
answers ``GET /api/reviews/{id}`` with 200, and ``/healthz`` answers.

Used by ``tests/e2e/test_fuzz_api.py`` (a bounded number of cases) and ``benchmarks/fuzz.py``
(a larger run that prints the counts).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import hypothesis
import hypothesis.errors
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import APIOperation as _APIOperation
from schemathesis import Case as _Case
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from connectors import jira_webhook, pagerduty_webhook
from tests.webhook_bodies import JIRA_EVENT, PAGERDUTY_EVENT, bodies

APIOperation = _APIOperation[Any, Any, Any, Any]
Case = _Case[Any]

#: The one 5xx that is deliberate: Temporal unreachable, the sender should retry.
DELIBERATE_503 = "temporal_unavailable"
CALL_TIMEOUT_SECONDS = 30.0


@dataclass
class Finding:
    """One answer that broke a check, with the request to reproduce it."""

    operation: str
    status: int
    problem: str
    reproduce: str


@dataclass
class FuzzRun:
    """What a run sent and what came back."""

    cases: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    undocumented: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.cases.values())


def load_operations(base_url: str) -> list[APIOperation]:
    """Every operation ``/openapi.json`` documents."""
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]


def case_strategy(
    operation: APIOperation, mode: GenerationMode, incident_ids: Sequence[str]
) -> st.SearchStrategy[Case]:
    """Cases for ``operation``; an ``incident_id`` is a real review half of the time."""
    free = operation.as_strategy(mode)
    names = {p.name for p in operation.path_parameters} if incident_ids else set()
    if "incident_id" not in names:
        return free
    known = st.one_of(
        *(
            operation.as_strategy(mode, path_parameters={"incident_id": incident_id})
            for incident_id in incident_ids
        )
    )
    return st.one_of(known, free)


def _documented(operation: APIOperation, status: int) -> bool:
    responses = operation.definition.raw.get("responses", {})
    return str(status) in responses or f"{str(status)[0]}XX" in responses or "default" in responses


def check_answer(
    run: FuzzRun,
    label: str,
    status: int,
    text: str,
    headers: dict[str, Any],
    *,
    secrets: list[str],
    reproduce: str,
    documented: bool = True,
) -> None:
    """Record one answer; add a Finding for each check it breaks."""
    run.cases[label] += 1
    run.statuses[status] += 1
    if not documented:
        run.undocumented[f"{label} {status}"] += 1
    problems: list[str] = []
    if status >= 500 and not (status == 503 and DELIBERATE_503 in text):
        problems.append(f"server error {status}: {text[:300]}")
    carried = text + " " + " ".join(f"{k}: {v}" for k, v in headers.items())
    problems += [
        f"a configured secret ({s[:4]}…) is in the answer" for s in secrets if s in carried
    ]
    for problem in problems:
        run.findings.append(Finding(label, status, problem, reproduce))


def fuzz_settings(max_examples: int) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # no shrinking: the run counts, it does not stop
        suppress_health_check=list(HealthCheck),
        verbosity=hypothesis.Verbosity.quiet,
    )


def fuzz(
    base_url: str,
    token: str,
    *,
    secrets: list[str],
    incident_ids: Sequence[str],
    max_examples: int,
    seed: int = 11,
    modes: Sequence[GenerationMode] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
) -> FuzzRun:
    """Send ``max_examples`` cases per operation and mode; return what came back."""
    run = FuzzRun()
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {token}"}
    for operation in load_operations(base_url):
        for mode in modes:
            strategy = case_strategy(operation, mode, incident_ids)

            @fuzz_settings(max_examples)
            @hypothesis.seed(seed)
            @hypothesis.given(case=strategy)
            def send(case: Case) -> None:
                t0 = time.perf_counter()
                response = case.call(
                    base_url=base_url, headers=headers, timeout=CALL_TIMEOUT_SECONDS
                )
                took = time.perf_counter() - t0
                if took > run.slowest[0]:
                    run.slowest = (took, case.operation.label)
                check_answer(
                    run,
                    case.operation.label,
                    response.status_code,
                    response.text,
                    dict(response.headers),
                    secrets=secrets,
                    reproduce=case.as_curl_command(),
                    documented=_documented(case.operation, response.status_code),
                )

            try:
                send()
            except hypothesis.errors.Unsatisfiable:
                # e.g. no negative case exists for an operation without parameters or body
                run.skipped.append(f"{operation.label} ({mode.value})")
    run.unreadable = unreadable_reviews(base_url, token, incident_ids)
    run.seconds = time.perf_counter() - started
    return run


def fuzz_webhooks(
    base_url: str,
    *,
    pagerduty_secret: str,
    jira_secret: str,
    secrets: list[str],
    max_examples: int,
    seed: int = 11,
) -> FuzzRun:
    """Signed bodies (arbitrary, and mutations of real events) to both webhooks."""
    run = FuzzRun()
    started = time.perf_counter()
    routes = (
        (
            "POST /webhooks/pagerduty",
            bodies(PAGERDUTY_EVENT),
            lambda body: {"X-PagerDuty-Signature": pagerduty_webhook.sign(body, pagerduty_secret)},
        ),
        (
            "POST /webhooks/jira",
            bodies(JIRA_EVENT),
            lambda body: {"X-Hub-Signature": jira_webhook.sign(body, jira_secret)},
        ),
    )
    with httpx.Client(base_url=base_url, timeout=CALL_TIMEOUT_SECONDS, trust_env=False) as http:
        for label, strategy, signed in routes:
            _post_signed(run, http, label, strategy, signed, secrets, max_examples, seed)
    run.seconds = time.perf_counter() - started
    return run


def _post_signed(
    run: FuzzRun,
    http: httpx.Client,
    label: str,
    strategy: st.SearchStrategy[bytes],
    signed: Callable[[bytes], dict[str, str]],
    secrets: list[str],
    max_examples: int,
    seed: int,
) -> None:
    path = label.split(" ", 1)[1]

    @fuzz_settings(max_examples)
    @hypothesis.seed(seed)
    @hypothesis.given(body=strategy)
    def send(body: bytes) -> None:
        headers = {
            "Content-Type": "application/json",
            "X-Webhook-Id": hashlib.sha256(body).hexdigest()[:32],
            **signed(body),
        }
        t0 = time.perf_counter()
        response = http.post(path, content=body, headers=headers)
        took = time.perf_counter() - t0
        if took > run.slowest[0]:
            run.slowest = (took, label)
        check_answer(
            run,
            label,
            response.status_code,
            response.text,
            dict(response.headers),
            secrets=secrets,
            reproduce=f"POST {path} body={body[:300]!r}",
        )

    send()


def unreadable_reviews(base_url: str, token: str, incident_ids: Sequence[str]) -> list[str]:
    """The reviews (and /healthz) that no longer answer 200, each with its answer."""
    import requests

    broken: list[str] = []
    with requests.Session() as session:
        session.trust_env = False
        health = session.get(f"{base_url}/healthz", timeout=CALL_TIMEOUT_SECONDS)
        if health.status_code != 200:
            broken.append(f"/healthz: {health.status_code}")
        for incident_id in incident_ids:
            answer = session.get(
                f"{base_url}/api/reviews/{incident_id}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=CALL_TIMEOUT_SECONDS,
            )
            if answer.status_code != 200:
                broken.append(f"{incident_id}: {answer.status_code} {answer.text[:200]}")
    return broken


def describe(run: FuzzRun) -> str:
    """The counts, for a benchmark's output or a failing test's message."""
    lines = [
        f"{run.total} cases over {len(run.cases)} operations in {run.seconds:.1f} s; "
        f"slowest answer {run.slowest[0] * 1000:.0f} ms ({run.slowest[1]})",
        "statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(run.statuses.items())),
        f"findings: {len(run.findings)}; unreadable afterwards: {len(run.unreadable)}",
    ]
    if run.skipped:
        lines.append("no case could be made for: " + ", ".join(run.skipped))
    seen: set[tuple[str, str]] = set()
    for finding in run.findings:
        key = (finding.operation, finding.problem[:60])
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"  {finding.operation}: {finding.problem}\n    {finding.reproduce[:400]}")
    lines += [f"  unreadable: {entry}" for entry in run.unreadable]
    if run.undocumented:
        lines.append(
            "undocumented answers: "
            + ", ".join(f"{k}: {n}" for k, n in sorted(run.undocumented.items()))
        )
    return "\n".join(lines)
