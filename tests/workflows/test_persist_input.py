"""``persist_review``'s input (``PersistReview``): the review's state without its defaults, read
back as the same state (the SDK core keeps every local activity's input while a run is cached)."""

from __future__ import annotations

import json

from temporalio.contrib.pydantic import pydantic_data_converter

from tests.support.rules import ready_state
from workflows.steps import PersistReview


def test_the_persist_input_carries_no_field_of_the_state_that_holds_its_default() -> None:
    state = ready_state()
    payload = pydantic_data_converter.payload_converter.to_payloads([PersistReview(state=state)])
    sent = json.loads(payload[0].data)["state"]
    assert "draft_reminded" not in sent  # False by default
    assert "problems" not in sent  # empty by default
    assert sent["facilitator"] == state.facilitator


def test_the_persist_input_reads_back_as_the_same_state() -> None:
    request = PersistReview(state=ready_state(), timezone="Europe/Berlin", store=False)
    converter = pydantic_data_converter.payload_converter
    (back,) = converter.from_payloads(converter.to_payloads([request]), [PersistReview])
    assert back == request
