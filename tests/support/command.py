"""The ``followthrough`` command as a subprocess (``python -m worker``), with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["ROOT", "run"]

ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``followthrough <args>`` from the repository root, without our variables from the
    environment except those in ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWTHROUGH_")}
    return subprocess.run(
        [sys.executable, "-m", "worker", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
