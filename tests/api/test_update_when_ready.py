"""An update the server refuses as "not ready" is sent again; every other refusal is not."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf.any_pb2 import Any as AnyProto
from temporalio.api.common.v1 import GrpcStatus
from temporalio.service import RPCError, RPCStatusCode

from api import reviews
from api.reviews import NOT_READY_TRIES, execute_update_when_ready, workflow_not_ready

NOT_READY = "type.googleapis.com/temporal.api.errordetails.v1.WorkflowNotReadyFailure"


def refusal(status: RPCStatusCode, detail: str | None) -> RPCError:
    details = [AnyProto(type_url=detail)] if detail else []
    raw = GrpcStatus(code=int(status), message="refused", details=details).SerializeToString()
    return RPCError("refused", status, raw)


class Handle:
    """Answers each ``execute_update`` with the next of ``answers`` (raised when an error)."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.calls = 0

    async def execute_update(self, update: Any, arg: Any) -> Any:  # noqa: ARG002
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reviews, "NOT_READY_PAUSE_SECONDS", 0.0)


async def test_an_update_refused_as_not_ready_is_sent_again_until_admitted() -> None:
    not_ready = refusal(RPCStatusCode.FAILED_PRECONDITION, NOT_READY)
    handle = Handle(not_ready, not_ready, "accepted")
    assert await execute_update_when_ready(handle, "add_went_well", None) == "accepted"  # type: ignore[arg-type]
    assert handle.calls == 3


async def test_an_update_still_not_ready_after_every_try_raises_the_refusal() -> None:
    not_ready = refusal(RPCStatusCode.FAILED_PRECONDITION, NOT_READY)
    handle = Handle(*[not_ready] * NOT_READY_TRIES)
    with pytest.raises(RPCError):
        await execute_update_when_ready(handle, "add_went_well", None)  # type: ignore[arg-type]
    assert handle.calls == NOT_READY_TRIES


async def test_other_refusals_are_not_sent_again() -> None:
    failed_task = refusal(RPCStatusCode.FAILED_PRECONDITION, None)  # a task failing for good
    handle = Handle(failed_task, "accepted")
    with pytest.raises(RPCError):
        await execute_update_when_ready(handle, "add_went_well", None)  # type: ignore[arg-type]
    assert handle.calls == 1
    assert not workflow_not_ready(refusal(RPCStatusCode.NOT_FOUND, NOT_READY))
