"""The `followthrough` command (followthrough.cli), run as `python -m worker`: lint, trigger, and
start-up checks that stop with exit code 2 and name the bad key."""

from __future__ import annotations

from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from api.identity.roles import Scope
from api.identity.tokens import MatchedToken, match_token, parse_tokens
from tests.support.command import run
from workflows.contracts import ReviewStatus
from workflows.ids import review_workflow_id
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
