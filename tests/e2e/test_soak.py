"""A short soak (tests/support/soak.py): four reviews to their close while workers are SIGKILLed,
Temporal pauses and restarts, Jira throttles and SMTP goes down; then every history replays.

The seed is random unless FOLLOWTHROUGH_SOAK_SEED is set, and printed on failure with the whole
schedule: ``python -m benchmarks.soak --seed N`` runs the full-size soak with the same seed.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.support.soak import SoakConfig, run_soak

pytestmark = [pytest.mark.e2e, pytest.mark.soak]


def test_reviews_survive_kills_and_outages_and_every_history_replays(tmp_path: Path) -> None:
    seed = int(os.environ.get("FOLLOWTHROUGH_SOAK_SEED") or random.randrange(1_000_000))
    result = run_soak(
        SoakConfig(
            seed=seed,
            reviews=4,
            items=(1, 2),
            kills=(3, 4),
            smtp_outage=8.0,
            temporal_pause=(3.5, 4.5),
            deliveries_over=6.0,
            timeout=150.0,
        ),
        tmp_path,
    )
    assert result.ok, f"{result.report()}\nlogs and histories: {tmp_path}"
    assert result.closed == result.reviews
