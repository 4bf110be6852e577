"""Settings (followthrough.settings): a bad variable is named at start-up, its secrets never shown."""

from __future__ import annotations

from tests.support.command import run


def test_a_bad_setting_names_the_variable_and_not_the_secrets() -> None:
    result = run(
        "worker",
        env={"FOLLOWTHROUGH_HTTP_PORT": "eighty", "FOLLOWTHROUGH_API_TOKEN": "s3cr3t-token-value"},
    )
    assert result.returncode == 2
    assert "FOLLOWTHROUGH_HTTP_PORT" in result.stderr
    assert "s3cr3t-token-value" not in result.stderr + result.stdout
