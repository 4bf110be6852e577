"""The soak's chaos: the plan's actions on the deployment and the imitations, at their moments.

Workers are SIGKILLed and replaced, Temporal is paused, stopped and started, Jira answers 429/503
to ticket creation and SMTP goes down; whatever is still broken when the schedule ends is mended
so the reviews can finish.
"""

from __future__ import annotations

from tests.fakes.jira import FakeJira
from tests.fakes.smtp import FakeSmtp
from tests.support.soak_driver import Driver, Stopped
from tests.support.soak_plan import Plan
from tests.support.soak_result import SoakResult
from tests.support.split import SplitDeployment

__all__ = ["run_chaos"]


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
