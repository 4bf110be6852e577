"""Who started a run's workflow tasks: what the stale-activation guard's second rule
(``foreign_task``, :mod:`followthrough.worker_runtime`) asks of the server.

A rebuilt run's first live activation is the fault's shape only if another worker started its
workflow task; the ``WorkflowTaskStarted`` event names the worker that did. One read per rebuild,
from the end of the history (forward on the Java test server, which has no reverse read), within
a timeout (default 1 s): the guard lets the activation run when the server does not answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Protocol

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.workflowservice.v1 import (
    GetWorkflowExecutionHistoryRequest,
    GetWorkflowExecutionHistoryReverseRequest,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

__all__ = ["NOT_A_TASK_START", "ServerTaskStarts", "TaskStarts"]

#: What :meth:`TaskStarts.started_by` answers for an event that is not a ``WorkflowTaskStarted``.
NOT_A_TASK_START = ""


class TaskStarts(Protocol):
    """Who started a run's workflow tasks, as the guard asks it."""

    #: This worker's identity, as its ``WorkflowTaskStarted`` events carry it.
    identity: str

    def bind(self) -> None:
        """Called on the worker's event loop when an instance is created."""

    def started_by(self, workflow_id: str, run_id: str, event_id: int) -> str | None:
        """The identity on the ``WorkflowTaskStarted`` at ``event_id``; :data:`NOT_A_TASK_START`
        if that event is another one; None if the history does not hold it yet (the task of an
        update, which the server keeps in memory until it completes). May raise (the guard then
        lets the activation run)."""


class ServerTaskStarts:
    """:class:`TaskStarts` read from the server with ``client`` (whose identity the worker
    polls with), within ``timeout`` seconds, on the worker's event loop."""

    def __init__(self, client: Client, timeout: float = 1.0) -> None:
        self.client, self.timeout = client, timeout
        self.identity = client.identity
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reverse = True

    def bind(self) -> None:
        with contextlib.suppress(RuntimeError):  # no loop: started_by raises, the rule passes
            self._loop = asyncio.get_running_loop()

    def started_by(self, workflow_id: str, run_id: str, event_id: int) -> str | None:
        loop = self._loop
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is None or running is loop:
            # Not bound, or activated on the loop's own thread (the SDK's debug mode): a blocking
            # call would deadlock it.
            raise RuntimeError("no event loop to ask the server on")
        found = asyncio.run_coroutine_threadsafe(self._read(workflow_id, run_id, event_id), loop)
        return found.result(self.timeout)

    async def _read(self, workflow_id: str, run_id: str, event_id: int) -> str | None:
        execution = WorkflowExecution(workflow_id=workflow_id, run_id=run_id)
        if self._reverse:
            try:
                return await self._read_from_the_end(execution, event_id)
            except RPCError as exc:
                if exc.status != RPCStatusCode.UNIMPLEMENTED:
                    raise
                self._reverse = False  # the Java test server reads forward only
        return await self._read_from_the_start(execution, event_id)

    async def _read_from_the_end(self, execution: WorkflowExecution, event_id: int) -> str | None:
        request = GetWorkflowExecutionHistoryReverseRequest(
            namespace=self.client.namespace, execution=execution, maximum_page_size=50
        )
        while True:
            page = await self.client.workflow_service.get_workflow_execution_history_reverse(
                request, timeout=timedelta(seconds=self.timeout)
            )
            for event in page.history.events:
                if event.event_id <= event_id:
                    return _started_by(event) if event.event_id == event_id else None
            if not page.next_page_token:
                return None
            request.next_page_token = page.next_page_token

    async def _read_from_the_start(self, execution: WorkflowExecution, event_id: int) -> str | None:
        request = GetWorkflowExecutionHistoryRequest(
            namespace=self.client.namespace, execution=execution
        )
        while True:
            page = await self.client.workflow_service.get_workflow_execution_history(
                request, timeout=timedelta(seconds=self.timeout)
            )
            for event in page.history.events:
                if event.event_id >= event_id:
                    return _started_by(event) if event.event_id == event_id else None
            if not page.next_page_token:
                return None
            request.next_page_token = page.next_page_token


def _started_by(event: HistoryEvent) -> str:
    if event.event_type != EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        return NOT_A_TASK_START
    return event.workflow_task_started_event_attributes.identity
