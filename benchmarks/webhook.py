"""The webhook and REST path of `followthrough dev`, end to end over HTTP on 127.0.0.1.

Starts `followthrough dev` (Temporal dev server with a SQLite file, worker and API in one process)
in a temporary folder, warms up, then measures:

(a) sequential signed ``incident.resolved`` deliveries, distinct incidents: latency to the 202;
(b) deliveries of distinct incidents from a thread pool: throughput and latency, then how long
    the worker takes to write every document (the backlog those starts created);
(c) duplicate deliveries of one incident at the same concurrency: latency, and how many started;
(d) time from the 202 to ``GET /api/reviews/{id}`` answering 200 and to its document file existing;
(e) ``PUT /api/reviews/{id}/five-whys`` accepted (200) and rejected (422), and
    ``GET /api/reviews/{id}``.

Prints figures only (no assertions about speed), stops the app and removes its folder.

    .venv/bin/python -m benchmarks.webhook [--sequential 200] [--concurrent 500] ...
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from benchmarks._common import (
    CpuMeter,
    child_named,
    exit_now,
    machine_header,
    mb,
    ms,
    parse_arguments,
    readme_rows,
    report,
    rss_kb,
)
from connectors.documents import document_name
from connectors.pagerduty_webhook import sign
from tests.support.dev_app import DevApp, five_whys, resolved_event, start_dev_app
from tests.support.split import SplitDeployment
from workflows.ids import incident_id_of

#: Like the e2e FAST_POLICY, but the draft deadline is days away: no reminder or escalation
#: timer fires while the benchmark runs, so background work does not skew the figures.
BENCH_POLICY = """
timezone = "UTC"
[review]
draft_deadline = "P5D"
[digest]
enabled = false
[defaults]
facilitator = "facilitator@example.com"
leadership = ["vp@example.com"]
"""

FIVE_WHYS = five_whys({"rc1"})
BAD_FIVE_WHYS = {
    "symptom": "",
    "whys": ["Because."],
    "root_causes": [{"id": "rc1", "category": "other", "statement": "Human error"}],
}


def new_id() -> str:
    return "PB" + uuid.uuid4().hex[:10].upper()


class Sender:
    """Signed PagerDuty deliveries; signing happens before the clock starts."""

    def __init__(self, app: DevApp) -> None:
        self.app = app
        self._local = threading.local()

    def client(self) -> httpx.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = httpx.Client(base_url=self.app.base_url, timeout=30.0, trust_env=False)
            self._local.client = client
        return client

    def prepare(self, body: bytes) -> tuple[bytes, dict[str, str]]:
        return body, {
            "Content-Type": "application/json",
            "User-Agent": "PagerDuty-Webhook/V3.0",
            "X-Webhook-Id": uuid.uuid4().hex,
            "X-PagerDuty-Signature": sign(body, self.app.pagerduty_secret),
        }

    def post(self, prepared: tuple[bytes, dict[str, str]]) -> tuple[float, httpx.Response]:
        body, headers = prepared
        client = self.client()
        t0 = time.perf_counter()
        response = client.post("/webhooks/pagerduty", content=body, headers=headers)
        return time.perf_counter() - t0, response


@dataclass
class Running:
    """The app under test, the processes whose CPU is counted, and how to stop everything."""

    app: DevApp
    pids: dict[str, int]
    deployment: SplitDeployment | None = None

    def stop(self) -> str:
        if self.deployment is not None:
            return ", ".join(str(c) for c in self.deployment.stop())
        self.app.stop()
        return str(self.app.process.returncode)


def start_dev(workdir: Path) -> Running:
    """`followthrough dev`: API and worker share one Python process (and its GIL)."""
    app = start_dev_app(workdir, policy=BENCH_POLICY)
    pids = {"app (API+worker)": app.process.pid}
    server_pid = child_named(app.process.pid, "temporal")
    if server_pid is not None:
        pids["temporal server"] = server_pid
    return Running(app, pids)


def start_split(workdir: Path) -> Running:
    """The same pieces as three processes: dev server, `python worker.py`, `followthrough api`."""
    deployment = SplitDeployment(workdir, policy=BENCH_POLICY, workers=1)
    app = deployment.start()
    return Running(app, deployment.pids(), deployment=deployment)


def codes(responses: list[httpx.Response]) -> str:
    return ", ".join(
        f"{c}x{n}" for c, n in sorted(Counter(r.status_code for r in responses).items())
    )


def run_pool(
    jobs: list[Callable[[], tuple[float, httpx.Response]]], concurrency: int
) -> tuple[list[float], list[httpx.Response], float]:
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda job: job(), jobs))
    wall = time.perf_counter() - t0
    return [r[0] for r in results], [r[1] for r in results], wall


def wait_documents(folder: Path, expected: int, timeout: float) -> tuple[float, int]:
    """Seconds until ``expected`` Markdown documents exist (or the timeout), and how many did."""
    t0 = time.perf_counter()
    count = 0
    while time.perf_counter() - t0 < timeout:
        count = sum(1 for _ in folder.glob("*.md")) if folder.exists() else 0
        if count >= expected:
            break
        time.sleep(0.1)
    return time.perf_counter() - t0, count


def main() -> None:
    args = parse_arguments(
        __doc__,
        {
            "warmup": (20, "deliveries before measuring"),
            "sequential": (200, "(a) sequential deliveries"),
            "concurrent": (500, "(b) concurrent deliveries"),
            "concurrency": (16, "(b)(c) threads"),
            "duplicates": (50, "(c) deliveries of one id"),
            "readable": (30, "(d) 202 -> readable samples"),
            "updates": (50, "(e) PUTs accepted / rejected"),
            "gets": (100, "(e) GET /api/reviews/{id}"),
            "drain_timeout": (120.0, "(b) backlog bound"),
        },
        {
            "keep": "keep the temporary folder",
            "split": "run API, worker and dev server as separate processes instead of "
            "`followthrough dev`",
        },
    )

    topology = (
        "API, worker and Temporal dev server as three processes (--split)"
        if args.split
        else "followthrough dev: API + worker in one process, Temporal dev server (SQLite WAL)"
    )
    machine_header(f"webhook: {topology}")
    workdir = Path(tempfile.mkdtemp(prefix="ft-bench-webhook-"))
    t0 = time.perf_counter()
    running = (start_split if args.split else start_dev)(workdir)
    app = running.app
    print(f"/healthz answered after {time.perf_counter() - t0:.2f} s ({workdir})")
    cpu = CpuMeter(running.pids)

    def rss_line() -> str:
        return ", ".join(f"{name} RSS {mb(rss_kb(pid))}" for name, pid in running.pids.items())

    sender = Sender(app)
    docs = app.data_dir / "reviews"
    started_ids: list[str] = []

    def started_incidents(answers: list[httpx.Response]) -> list[str]:
        """The incidents whose review a delivery started (or found)."""
        found = (incident_id_of(r.json().get("workflow_id", "")) for r in answers)
        return [i for i in found if i is not None]

    try:
        # Warm-up: connections, code paths, sandbox imports, first workflow tasks.
        for _ in range(args.warmup):
            incident = new_id()
            sender.post(sender.prepare(resolved_event(incident)))
            started_ids.append(incident)
        app.wait_for(lambda: app.api("GET", f"/api/reviews/{started_ids[-1]}").status_code == 200)
        wait_documents(docs, len(started_ids), 30)
        print(f"warm-up: {args.warmup} deliveries; {rss_line()}\n")

        # (a) sequential distinct deliveries.
        print("(a) sequential signed incident.resolved, distinct incidents")
        bodies = [sender.prepare(resolved_event(new_id())) for _ in range(args.sequential)]
        cpu.mark()
        latencies, responses = [], []
        t_a = time.perf_counter()
        for prepared in bodies:
            latency, response = sender.post(prepared)
            latencies.append(latency)
            responses.append(response)
        wall_a = time.perf_counter() - t_a
        sequential = list(latencies)
        started_ids += started_incidents(responses)
        report("POST /webhooks/pagerduty -> 202", latencies, wall_a)
        print(f"    answers: {codes(responses)}")
        print(cpu.line())

        # (b) concurrent distinct deliveries, then the backlog they left for the worker.
        print(f"\n(b) {args.concurrent} distinct deliveries at concurrency {args.concurrency}")
        bodies = [sender.prepare(resolved_event(new_id())) for _ in range(args.concurrent)]
        wait_documents(docs, len(started_ids), args.drain_timeout)  # start from a quiet worker
        cpu.mark()
        latencies, responses, wall_b = run_pool(
            [partial(sender.post, p) for p in bodies], args.concurrency
        )
        started_ids += started_incidents(responses)
        report("POST /webhooks/pagerduty -> 202", latencies, wall_b)
        print(f"    answers: {codes(responses)}")
        print(cpu.line())
        accepted = sum(1 for r in responses if r.status_code == 202)
        drain, count = wait_documents(docs, len(started_ids), args.drain_timeout)
        total_wall = wall_b + drain
        print(
            f"    backlog: every review document written {drain:.2f} s after the last 202 "
            f"({count}/{len(started_ids)} documents); {accepted} reviews fully processed in "
            f"{total_wall:.2f} s from the first delivery = {accepted / total_wall:.1f} reviews/s"
        )
        print(cpu.line())

        # (c) duplicates of one incident.
        print(
            f"\n(c) {args.duplicates} deliveries of one incident at concurrency {args.concurrency}"
        )
        body = resolved_event(new_id())
        prepared_dups = [sender.prepare(body) for _ in range(args.duplicates)]
        cpu.mark()
        latencies, responses, wall_c = run_pool(
            [partial(sender.post, p) for p in prepared_dups], args.concurrency
        )
        started = sum(
            1 for r in responses if r.status_code in (200, 202) and r.json().get("started")
        )
        report("POST duplicate -> 202 / 200", latencies, wall_c)
        print(
            f"    answers: {codes(responses)}; started=true in {started} of {len(responses)} "
            f"({'exactly one' if started == 1 else 'NOT exactly one'})"
        )
        print(cpu.line())

        # (d) 202 -> readable over the API, and -> Markdown document on disk.
        cpu.mark()
        print(f"\n(d) from the 202 to the review being readable (sequential, n={args.readable})")
        to_readable: list[float] = []
        to_document: list[float] = []
        early_answers: Counter[str] = Counter()
        for _ in range(args.readable):
            incident = new_id()
            doc_path = docs / document_name(incident)
            _, response = sender.post(sender.prepare(resolved_event(incident)))
            t_202 = time.perf_counter()
            if response.status_code != 202:
                early_answers[f"delivery {response.status_code}"] += 1
                continue
            readable = document = None
            deadline = t_202 + 30
            while (readable is None or document is None) and time.perf_counter() < deadline:
                if document is None and doc_path.exists():
                    document = time.perf_counter() - t_202
                if readable is None:
                    got = app.api("GET", f"/api/reviews/{incident}")
                    if got.status_code == 200:
                        readable = time.perf_counter() - t_202
                    else:
                        early_answers[str(got.status_code)] += 1
                if document is None and doc_path.exists():
                    document = time.perf_counter() - t_202
                time.sleep(0.002 if readable is not None else 0.005)
            if readable is not None:
                to_readable.append(readable)
            if document is not None:
                to_document.append(document)
            started_ids.append(incident)
        report("202 -> GET /api/reviews/{id} 200", to_readable)
        report("202 -> document file exists", to_document)
        print(cpu.line())
        if early_answers:
            print(f"    answers before readable: {dict(early_answers)}")

        # (e) API updates and reads on one drafting review.
        print("\n(e) REST calls on one drafting review (sequential)")
        incident = new_id()
        sender.post(sender.prepare(resolved_event(incident)))
        app.wait_for(lambda: app.api("GET", f"/api/reviews/{incident}").status_code == 200)
        base = f"/api/reviews/{incident}"

        def timed(method: str, path: str, json: Any = None) -> tuple[float, httpx.Response]:
            t = time.perf_counter()
            response = app.api(method, path, json=json)
            return time.perf_counter() - t, response

        timings: dict[str, list[float]] = {}
        for label, method, url, body_json, n in (
            ("PUT five-whys accepted -> 200", "PUT", f"{base}/five-whys", FIVE_WHYS, args.updates),
            (
                "PUT five-whys rejected -> 422",
                "PUT",
                f"{base}/five-whys",
                BAD_FIVE_WHYS,
                args.updates,
            ),
            ("GET /api/reviews/{id} -> 200", "GET", base, None, args.gets),
        ):
            cpu.mark()
            t_e = time.perf_counter()
            results = [timed(method, url, body_json) for _ in range(n)]
            timings[label] = [r[0] for r in results]
            report(label, timings[label], time.perf_counter() - t_e)
            print(f"    answers: {codes([r[1] for r in results])}")
            print(cpu.line())
        print(
            f"\nend: {rss_line()}; {len(started_ids)} reviews started; "
            f"loadavg {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        log = running.deployment.all_logs() if running.deployment else app.logs()
        errors = sum(1 for line in log.splitlines() if '"level": "error"' in line)
        print(f"app log: {len(log.splitlines())} lines, {errors} at level error")
        where = "three processes" if args.split else "`followthrough dev`"
        readme_rows(
            "webhook" + (" --split" if args.split else ""),
            [
                (
                    f"signed webhook → 202, sequential ({where})",
                    f"p50 {ms(sequential, 50)}, p99 {ms(sequential, 99)}",
                ),
                (
                    f"{args.duplicates} concurrent duplicate deliveries",
                    "exactly one review started"
                    if started == 1
                    else f"{started} reviews started (expected one)",
                ),
                (
                    "update accepted / rejected by the rules, over HTTP",
                    f"p50 {ms(timings['PUT five-whys accepted -> 200'], 50)} / "
                    f"{ms(timings['PUT five-whys rejected -> 422'], 50)}",
                ),
            ],
        )
    finally:
        t_stop = time.perf_counter()
        exit_codes = running.stop()
        print(f"stopped in {time.perf_counter() - t_stop:.2f} s (exit codes {exit_codes})")
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
    exit_now(0)
