"""End to end: `followthrough dev` as a subprocess (helpers in tests/support/dev_app.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.dev_app import DevApp, start_dev_app


@pytest.fixture(scope="module")
def dev_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevApp]:
    app = start_dev_app(tmp_path_factory.mktemp("dev"))
    yield app
    app.stop()
