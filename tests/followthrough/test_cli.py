"""The `followthrough` command (followthrough.cli), run as `python -m worker`: lint, trigger,
db upgrade, reindex, and start-up checks that stop with exit code 2 and name the bad key."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from api.identity.roles import Scope
from api.identity.tokens import MatchedToken, match_token, parse_tokens
from api.starter import start_review
from connectors.store import ReviewStore, parse_url, sqlite_url
from connectors.store.engine import current_revision, head_revision, make_engine
from tests.support.command import run
from tests.support.harness import incident, local_worker, settings_for
from tests.support.temporal import start_dev_server
from workflows.contracts import ReviewStatus
from workflows.ids import review_workflow_id
from workflows.policy import Policy
from workflows.postmortem import PostmortemWorkflow


def test_lint_exits_1_and_names_each_finding(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("Timeline.\nThe outage was caused by human error.\n")
    result = run("lint", str(notes))
    assert result.returncode == 1
    assert f"{notes}:2: blame_human_error" in result.stdout


def test_lint_exits_0_on_blameless_text(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("The deploy pipeline allowed a config change without a canary.\n")
    assert run("lint", str(notes)).returncode == 0


def test_lint_reads_a_root_cause_with_its_symptom(tmp_path: Path) -> None:
    cause = tmp_path / "cause.txt"
    cause.write_text("The payment system crashed\n")
    result = run("lint", str(cause), "--kind", "root_cause", "--symptom", "Checkout failed")
    assert result.returncode == 1
    assert f"{cause}:1: root_cause_is_symptom" in result.stdout


def test_lint_reads_an_action_item_with_its_done_when(tmp_path: Path) -> None:
    title = tmp_path / "title.txt"
    title.write_text("Harden the VPN config")
    result = run("lint", str(title), "--kind", "action_item", "--done-when", "VPN hardened")
    assert result.returncode == 1
    assert f"{title}:1: title_vague" in result.stdout
    assert "--done-when:1: done_when_not_measurable" in result.stdout


def test_a_bad_policy_stops_start_up_naming_the_key(tmp_path: Path) -> None:
    policy = tmp_path / "followthrough.toml"
    policy.write_text('[action_items]\nremind_before = "soon"\n')
    result = run("worker", env={"FOLLOWTHROUGH_POLICY_FILE": str(policy)})
    assert result.returncode == 2
    assert "action_items.remind_before" in result.stderr


async def test_trigger_starts_a_review_that_answers_its_status(
    dev_env: WorkflowEnvironment,
) -> None:
    address = dev_env.client.service_client.config.target_host
    result = run("trigger", "PTRIG1", env={"FOLLOWTHROUGH_TEMPORAL_ADDRESS": address})
    assert result.returncode == 0, result.stderr
    handle = dev_env.client.get_workflow_handle(review_workflow_id("PTRIG1"))
    description = await handle.describe()
    assert description.workflow_type == "PostmortemWorkflow"
    await handle.terminate("test done")
    assert ReviewStatus is not None and PostmortemWorkflow is not None


def test_db_upgrade_migrates_the_default_store_in_the_data_folder(tmp_path: Path) -> None:
    result = run("db", "upgrade", env={"FOLLOWTHROUGH_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    engine = make_engine(parse_url(sqlite_url(tmp_path)))
    assert current_revision(engine) == head_revision()
    assert f"schema {head_revision()}" in result.stdout


def test_db_upgrade_refuses_a_database_it_cannot_speak_naming_no_password(tmp_path: Path) -> None:
    result = run(
        "db",
        "upgrade",
        env={
            "FOLLOWTHROUGH_DATA_DIR": str(tmp_path),
            "FOLLOWTHROUGH_DATABASE_URL": "mysql://admin:hunter2secret@db.example/reviews",
        },
    )
    assert result.returncode == 2
    assert "FOLLOWTHROUGH_DATABASE_URL" in result.stderr and "mysql" in result.stderr
    assert "hunter2secret" not in result.stderr


async def test_reindex_writes_every_review_of_the_server_into_the_store(
    tmp_path: Path,
) -> None:
    env = await start_dev_server()
    try:
        address = env.client.service_client.config.target_host
        settings = settings_for(tmp_path)
        async with local_worker(env.client, settings):
            await start_review(
                env.client, settings, Policy(), incident("PREINDEXCLI", datetime.now(UTC))
            )
            target = tmp_path / "rebuilt"
            result = await asyncio.to_thread(
                run,
                "reindex",
                env={
                    "FOLLOWTHROUGH_TEMPORAL_ADDRESS": address,
                    "FOLLOWTHROUGH_DATA_DIR": str(target),
                },
            )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == {"listed": 1, "written": 1, "unreadable": []}
        assert ReviewStore(sqlite_url(target)).revision("PREINDEXCLI") is not None
    finally:
        await env.shutdown()


def test_reindex_stops_with_a_clear_error_when_the_store_is_unreachable(tmp_path: Path) -> None:
    result = run(
        "reindex",
        env={
            "FOLLOWTHROUGH_DATA_DIR": str(tmp_path),
            "FOLLOWTHROUGH_DATABASE_URL": "postgresql+psycopg://app:s3cretpass@127.0.0.1:9/reviews",
        },
    )
    assert result.returncode == 1
    assert "review store at" in result.stderr and "Traceback" not in result.stderr
    assert "s3cretpass" not in result.stderr


def test_token_new_prints_a_token_that_the_printed_setting_accepts() -> None:
    result = run("token", "new", "--name", "ci", "--scope", "read")
    assert result.returncode == 0, result.stderr
    token = next(w for w in result.stdout.split() if w.startswith("ftk_"))
    setting = next(w for w in result.stdout.split() if w.startswith("FOLLOWTHROUGH_API_TOKENS="))
    entries = parse_tokens(setting.split("=", 1)[1])
    assert match_token(token, entries) == MatchedToken("ci", Scope.READ)
    assert token not in setting


def test_token_new_refuses_a_bad_name_with_exit_2() -> None:
    result = run("token", "new", "--name", "Not A Name")
    assert result.returncode == 2
    assert "must be 1-40" in result.stderr
