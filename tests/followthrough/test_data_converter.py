"""The one data converter, and the runner that does not ask runs for serialization contexts."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Self

from temporalio.api.common.v1 import Payload
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.converter import PayloadCodec, SerializationContext, WithSerializationContext
from temporalio.worker import WorkflowInstance

from followthrough.worker_runtime import DATA_CONVERTER, ContextFreeRunner, ignores_context
from worker import workflow_runner


class _ContextCodec(PayloadCodec, WithSerializationContext):
    """A codec that takes a context (as an encryption codec keyed by workflow might)."""

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)

    def with_context(self, context: SerializationContext) -> Self:  # noqa: ARG002
        return type(self)()


class _Unasked(WorkflowInstance):
    """A run that fails the test if it is asked anything."""

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:  # noqa: ARG002
        raise AssertionError("activated")

    def get_serialization_context(self, command_info: Any) -> Any:  # noqa: ARG002
        raise AssertionError("asked for a serialization context")

    def get_external_store_context(self, command_info: Any) -> Any:  # noqa: ARG002
        raise AssertionError("asked for an external-store context")

    def get_info(self) -> Any:
        raise AssertionError("asked for its info")


def test_the_one_data_converter_ignores_serialization_contexts() -> None:
    assert ignores_context(DATA_CONVERTER)


def test_a_converter_whose_codec_takes_a_context_does_not_ignore_it() -> None:
    converter = dataclasses.replace(DATA_CONVERTER, payload_codec=_ContextCodec())
    assert not ignores_context(converter)


def test_a_context_free_run_answers_no_context_without_asking_the_run() -> None:
    instance = ContextFreeRunner(workflow_runner()).wrap(_Unasked(), None)  # type: ignore[arg-type]
    assert instance.get_serialization_context(None) is None
    assert instance.get_external_store_context(None) is None
