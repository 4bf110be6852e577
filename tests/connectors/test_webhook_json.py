"""connectors.webhook_json: a webhook body read as JSON, or the connector's error saying why not."""

from __future__ import annotations

import pytest

from connectors.webhook_json import load_json


class BodyError(ValueError):
    """Stands for a connector's payload error."""


def test_a_json_body_is_read() -> None:
    assert load_json(b'{"event": {"id": "E1"}}', BodyError) == {"event": {"id": "E1"}}


def test_a_body_that_is_not_json_raises_the_given_error() -> None:
    with pytest.raises(BodyError, match="body is not valid JSON"):
        load_json(b"event=incident.resolved", BodyError)


def test_a_body_that_is_not_utf8_raises_the_given_error() -> None:
    with pytest.raises(BodyError, match="body is not valid JSON"):
        load_json(b"\xff\xfe{", BodyError)


def test_a_body_nested_too_deeply_raises_the_given_error() -> None:
    with pytest.raises(BodyError, match="nested too deeply"):
        load_json(b"[" * 100_000 + b"]" * 100_000, BodyError)
