"""The review store at scale: 10,000 reviews with 30,000 items, on SQLite and on PostgreSQL.

For each database the script loads a generated history of ``--reviews`` reviews (three items
each, one to two root causes, resolved at an even pace over about three years, so old reviews
are closed and only recent ones are open), newest first: after the newest 1,000 it measures the
dashboard once, then loads the rest and measures everything. It prints p50/p95 (ms) of:

- the dashboard's figures (``ReviewStore.dashboard``, 8 weeks, newest 10 per phase, 100
  overdue items listed), at 1,000 and at 10,000 reviews: the cost should stay flat;
- ``/trends`` figures over the last year and over all time;
- the review list: the first page, a filtered page, the second page by cursor;
- ``q=`` searches: a rare word, a common word, two words, a word with a filter;
- repeat incidents and root-cause suggestions for a new review;
- the digest's data (every overdue item, repeats of the week), build time;
- the write cost per change: an existing review's next revision (3 items, one changes status);
- over HTTP (the API in process, ``httpx`` over ASGI, bearer token): ``GET /api/trends`` for the
  last year and all time, and ``GET /api/reviews`` (first page, and ``q=database``).

The first phases measure the query layer directly; the last one adds the API around it. PostgreSQL is a throwaway cluster of
Debian's package (tests/postgres.py) with its default durability settings (fsync on); SQLite is
a file in a temporary folder (WAL, synchronous=NORMAL, as the store opens it).

    .venv/bin/python -m benchmarks.store             # ~3 min
    .venv/bin/python -m benchmarks.store --reviews 2000 --only sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
from temporalio.client import Client

from api.app import create_app
from benchmarks._common import machine_header, percentile, readme_rows, summary
from connectors.store import RepeatQuery, ReviewFilter, ReviewRecord, ReviewStore
from connectors.store.records import ItemRecord, RootCauseRecord
from followthrough.settings import Settings
from tests.postgres import PostgresCluster
from workflows.policy import Policy

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TEAMS = ["payments", "discovery", "identity", "platform", "data", "mobile", "growth", "infra"]
CATEGORIES = ["process", "documentation", "tooling", "roles", "environment", "other"]
_LINES = (
    "database connection pool timeout deploy rollout canary cache eviction queue backlog",
    "consumer lag certificate expiry dns resolver failover replica lag disk quota memory leak",
    "thread starvation retry storm rate limit config drift feature flag migration schema lock",
    "index bloat vacuum autoscaler cooldown load balancer health check alert threshold runbook",
    "paging escalation dashboard capacity forecast quota billing webhook signature token rotation",
)
WORDS = [word for line in _LINES for word in line.split()]
RARE = "zeppelin"  # in one review in a thousand


def _weeks(now: datetime, count: int = 8) -> list[tuple[datetime, datetime]]:
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0)
    starts = [monday - timedelta(weeks=n) for n in range(count - 1, -1, -1)]
    return [(s, s + timedelta(days=7)) for s in starts]


def generate(n: int, seed: int = 7) -> list[ReviewRecord]:
    """``n`` reviews, oldest first, one every ``1100 / n`` days up to NOW."""
    rng = random.Random(seed)
    services = [(f"PSVC{k:03d}", f"service-{k:03d}", TEAMS[k % len(TEAMS)]) for k in range(60)]
    owners = [f"owner{k:03d}@example.com" for k in range(200)]
    step = timedelta(days=1100) / n
    out = []
    for k in range(n):
        resolved = NOW - step * (n - k)
        age = (NOW - resolved).days
        service_id, service_name, team = services[int(rng.paretovariate(1.2)) % len(services)]
        phase = (
            "drafting" if age < 5 else "tracking" if age < 40 else "follow_up" if age < 60 else
            "closed"
        )  # fmt: skip
        published = resolved + timedelta(days=rng.uniform(1, 4)) if phase != "drafting" else None
        causes = [
            RootCauseRecord(
                id=f"rc{c + 1}",
                category=rng.choice(CATEGORIES),
                statement=" ".join(rng.sample(WORDS, 6)),
            )
            for c in range(rng.choice((1, 1, 2)))
        ]
        items = []
        for j in range(3):
            due = resolved + timedelta(days=rng.uniform(10, 80))
            status, closed = "open", None
            if published is not None:
                closing = published + timedelta(days=rng.expovariate(1 / 20))
                if closing < NOW and (phase == "closed" or rng.random() < 0.5):
                    status, closed = ("dropped" if rng.random() < 0.08 else "done"), closing
                elif phase == "closed":
                    status, closed = "done", min(NOW, published + timedelta(days=50))
            items.append(
                ItemRecord(
                    id=str(j + 1),
                    title=" ".join(rng.sample(WORDS, 5)),
                    owner=rng.choice(owners),
                    due=due.date().isoformat(),
                    due_at=due,
                    done_when=" ".join(rng.sample(WORDS, 4)),
                    root_cause=causes[0].id,
                    status=status,
                    closed_at=closed,
                    outcome=None if closed is None else status,
                    replans=int(rng.random() < 0.1),
                    ticket_key=f"OPS-{k * 3 + j}",
                    ticket_url=f"https://jira.example/browse/OPS-{k * 3 + j}",
                )
            )
        title = " ".join(rng.sample(WORDS, 4)) + (f" {RARE}" if k % 1000 == 500 else "")
        out.append(
            ReviewRecord(
                incident_id=f"Q{k:06d}",
                revision=rng.randint(5, 40),
                title=title.capitalize(),
                service_id=service_id,
                service_name=service_name,
                team=team,
                phase=phase,
                facilitator="facilitator@example.com",
                resolved_at=resolved,
                published_at=published,
                closed_at=resolved + timedelta(days=60) if phase == "closed" else None,
                review_url=f"http://127.0.0.1:8080/reviews/Q{k:06d}",
                symptom=" ".join(rng.sample(WORDS, 6)),
                whys=[" ".join(rng.sample(WORDS, 7)) for _ in range(rng.randint(3, 5))],
                root_causes=causes,
                items=items,
            )
        )
    return out


def measure(label: str, call: Callable[[], Any], runs: int) -> list[float]:
    call()  # warm: first-use costs (statement caches, page cache) are not a page's cost
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    print(f"  {label:<46} {summary(samples)}", flush=True)
    return samples


def load(store: ReviewStore, records: list[ReviewRecord], batch: int = 200) -> float:
    start = time.perf_counter()
    for k in range(0, len(records), batch):
        store.write_many(records[k : k + batch])
    return time.perf_counter() - start


def p95(samples: list[float]) -> str:
    return f"{percentile(sorted(x * 1000 for x in samples), 95):.0f}"


def over_http(store: ReviewStore, folder: Path, runs: int) -> dict[str, list[float]]:
    """The API in process around ``store``: what a caller of ``GET /api/trends`` waits for."""
    token = "bench-token"  # noqa: S105 - a throwaway bearer token of this process's API
    settings = Settings(data_dir=folder / "api", api_token=token)
    app = create_app(settings, cast(Client, None), Policy(), store)  # no Temporal: store reads
    auth = {"Authorization": f"Bearer {token}"}
    year_ago = (NOW - timedelta(days=365)).isoformat()
    calls = {
        "GET /api/trends (last year)": ("/api/trends", {"from": year_ago, "to": NOW.isoformat()}),
        "GET /api/trends (all time)": (
            "/api/trends",
            {"from": "2000-01-01T00:00:00+00:00", "to": NOW.isoformat()},
        ),
        "GET /api/reviews (first page)": ("/api/reviews", {}),
        "GET /api/reviews?q=database": ("/api/reviews", {"q": "database"}),
    }
    out: dict[str, list[float]] = {}

    async def measure_all() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            for label, (path, params) in calls.items():
                samples = []
                for k in range(runs + 1):
                    start = time.perf_counter()
                    answer = await client.get(path, params=params, headers=auth)
                    elapsed = time.perf_counter() - start
                    answer.raise_for_status()
                    if k:  # the first call warms, as in measure()
                        samples.append(elapsed)
                print(f"  {label:<46} {summary(samples)}", flush=True)
                out[label] = samples

    asyncio.run(measure_all())
    return out


def run(
    name: str, url: str, history: list[ReviewRecord], runs: int, folder: Path
) -> dict[str, list[float]]:
    print(f"\n-- {name}", flush=True)
    store = ReviewStore(url)
    newest, older = history[-1000:], history[:-1000]
    weeks = _weeks(NOW)
    elapsed = load(store, newest[::-1])
    print(f"  loaded {store.count()} reviews in {elapsed:.1f} s", flush=True)
    figures: dict[str, list[float]] = {}
    figures["dashboard @ 1,000"] = measure(
        "dashboard @ 1,000 reviews", lambda: store.dashboard(NOW, weeks), runs
    )
    elapsed = load(store, older[::-1])
    items = sum(len(r.items) for r in history)
    print(f"  loaded {store.count()} reviews ({items} items) in {elapsed:.1f} s", flush=True)
    if store.dialect == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load
    else:
        with store.engine.begin() as c:
            c.exec_driver_sql("ANALYZE")
    figures["dashboard"] = measure(
        f"dashboard @ {store.count():,} reviews", lambda: store.dashboard(NOW, weeks), runs
    )
    year_ago = NOW - timedelta(days=365)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    figures["trends year"] = measure(
        "trends, last year", lambda: store.trends(year_ago, NOW, NOW), runs
    )
    figures["trends all"] = measure("trends, all time", lambda: store.trends(epoch, NOW, NOW), runs)
    measure("trends, one team, all time", lambda: store.trends(epoch, NOW, NOW, team="data"), runs)
    measure("list, first page (50)", lambda: store.list_reviews(ReviewFilter(), NOW), runs)
    measure(
        "list, team + overdue",
        lambda: store.list_reviews(ReviewFilter(team="payments", overdue=True), NOW),
        runs,
    )
    second = store.list_reviews(ReviewFilter(), NOW).next_cursor
    measure(
        "list, page 2 by cursor",
        lambda: store.list_reviews(ReviewFilter(cursor=second), NOW),
        runs,
    )
    searches: tuple[tuple[str, str, dict[str, Any]], ...] = (
        (f"search q={RARE} (rare)", RARE, {}),
        ("search q=database (common)", "database", {}),
        ("search q=replica failover (two words)", "replica failover", {}),
        ("search q=deploy, phase=closed", "deploy", {"phase": "closed"}),
        ("search q=dat (a prefix)", "dat", {}),
    )
    for label, q, extra in searches:
        search = ReviewFilter(q=q, **extra)
        page = store.list_reviews(search, NOW)
        print(f"    {q!r}: {len(page.reviews)} on the first page", flush=True)
        figures[label] = measure(label, functools.partial(store.list_reviews, search, NOW), runs)
    query = RepeatQuery(
        incident_id="NEW",
        service_id="PSVC001",
        service_name="service-001",
        team=TEAMS[1],
        resolved_at=NOW,
        window=timedelta(days=365),
    )
    found = store.repeats(query)
    print(f"    repeats: {len(found)} earlier reviews", flush=True)
    measure("repeat incidents of a new review", lambda: store.repeats(query), runs)
    measure(
        "root-cause suggestions",
        lambda: store.suggestions(
            incident_id="NEW", service_id="PSVC001", service_name=None, category="tooling"
        ),
        runs,
    )
    digest = store.digest(NOW - timedelta(days=7), NOW)
    print(
        f"    digest: {len(digest.teams)} teams, {len(digest.overdue)} overdue items, "
        f"{len(digest.repeats)} repeats this week",
        flush=True,
    )
    figures["digest"] = measure(
        "digest data (build)", lambda: store.digest(NOW - timedelta(days=7), NOW), 10
    )
    # The write cost per change: the next revision of a recent review (its first item done).
    targets = history[-200:]
    samples = []
    for k, record in enumerate(targets):
        changed = record.model_copy(
            update={
                "revision": record.revision + 1,
                "items": [
                    record.items[0].model_copy(update={"status": "done", "closed_at": NOW}),
                    *record.items[1:],
                ],
            }
        )
        start = time.perf_counter()
        store.write(changed)
        samples.append(time.perf_counter() - start)
        if k == 0:
            samples.clear()  # the first write warms the statement cache
    print(f"  {'write one change (upsert, 3 items)':<46} {summary(samples)}", flush=True)
    samples = []
    for record in targets[:50]:
        start = time.perf_counter()
        store.write(record)  # older revision now: compared and refused
        samples.append(time.perf_counter() - start)
    print(f"  {'write a stale revision (refused)':<46} {summary(samples)}", flush=True)
    figures.update(over_http(store, folder, runs))
    store.close()
    return figures


def rows(name: str, f: dict[str, list[float]], n: int) -> list[tuple[str, str]]:
    searches = [v for k, v in f.items() if k.startswith("search")]
    return [
        (
            f"review store, {name}, {n:,} reviews / {3 * n:,} items: `GET /api/trends` p95",
            f"{p95(f['GET /api/trends (last year)'])} ms last year, "
            f"{p95(f['GET /api/trends (all time)'])} ms all time",
        ),
        (
            f"review store, {name}: dashboard figures p95, 1,000 / {n:,} reviews; slowest "
            "search p95; digest p50",
            f"{p95(f['dashboard @ 1,000'])} / {p95(f['dashboard'])} ms; "
            f"{max(float(p95(s)) for s in searches):.0f} ms; "
            f"{percentile(sorted(x * 1000 for x in f['digest']), 50):.0f} ms",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100, help="samples per read")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    machine_header(f"review store: {args.reviews} reviews, {3 * args.reviews} items")
    history = generate(args.reviews)
    folder = Path(tempfile.mkdtemp(prefix="followthrough-store-bench-"))
    found: list[tuple[str, str]] = []
    try:
        if args.only in (None, "sqlite"):
            sqlite = f"sqlite:///{folder / 'store.sqlite3'}"
            figures = run("SQLite (file, WAL)", sqlite, history, args.runs, folder)
            found += rows("SQLite", figures, len(history))
        if args.only in (None, "postgresql"):
            cluster = PostgresCluster(durable=True).start()
            try:
                figures = run("PostgreSQL 15 (throwaway cluster)", cluster.create_database("bench"),
                              history, args.runs, folder)  # fmt: skip
                found += rows("PostgreSQL", figures, len(history))
            finally:
                cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    readme_rows("store", found)


if __name__ == "__main__":
    main()
