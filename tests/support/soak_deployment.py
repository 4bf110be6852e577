"""The soak's deployment: ``tests/support/split.py`` wired to the Jira and SMTP imitations."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.jira import FakeJira
from tests.fakes.smtp import FakeSmtp
from tests.support.soak_plan import JIRA_WEBHOOK_SECRET, OWNERS, SOAK_POLICY, SoakConfig
from tests.support.split import SplitDeployment

__all__ = ["soak_deployment"]


def soak_deployment(
    workdir: Path, config: SoakConfig, jira: FakeJira, smtp: FakeSmtp
) -> SplitDeployment:
    """A split deployment in ``workdir`` (not started) using ``jira`` and ``smtp``, with the
    soak's policy; its workers run without the guard when ``config.guard`` is False."""
    for owner in OWNERS:
        jira.add_user(owner, owner.split("@")[0].title())
    return SplitDeployment(
        workdir,
        policy=SOAK_POLICY,
        workers=config.workers,
        worker_command=("worker.py",) if config.guard else ("-m", "tests.support.unguarded_worker"),
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
