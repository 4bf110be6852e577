"""Logging for every Followthrough process: JSON lines on stderr through structlog, for our loggers
and the Temporal SDK's alike, with every configured secret redacted wherever it appears.

Workflow code logs through ``workflow.logger`` (replay-safe); the records it and
``activity.logger`` make carry workflow and activity info, which :func:`configure_logging` lifts
into top-level keys (``workflow_id``, ``incident_id``, ``activity_type``...).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

import structlog
from temporalio import activity as temporal_activity
from temporalio import workflow as temporal_workflow

from connectors.store import parse_url
from followthrough.settings import Settings
from workflows.ids import incident_id_of

__all__ = ["configure_logging", "secret_values"]


def _merge_temporal_context(
    _: Any, __: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Lift workflow/activity info that the SDK puts on log records into top-level keys."""
    record = event.get("_record")
    for attr in ("temporal_workflow", "temporal_activity"):
        info = getattr(record, attr, None) if record is not None else None
        if isinstance(info, Mapping):
            if "workflow_id" in info:
                event.setdefault("workflow_id", info["workflow_id"])
                incident_id = incident_id_of(str(info["workflow_id"]))
                if incident_id is not None:
                    event.setdefault("incident_id", incident_id)
            for key in ("workflow_type", "activity_type", "attempt"):
                if key in info:
                    event.setdefault(key, info[key])
    return event


def _redactor(values: Iterable[str]) -> Any:
    hidden = sorted({v for v in values if v and len(v) >= 4}, key=len, reverse=True)

    def redact(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        for key, value in list(event.items()):
            if isinstance(value, str):
                for secret in hidden:
                    if secret in value:
                        value = value.replace(secret, "***")
                event[key] = value
        return event

    return redact


def secret_values(settings: Settings) -> list[str]:
    """Every secret in the settings, so the log redactor can hide them wherever they appear."""
    found = [
        s.get_secret_value()
        for s in (
            settings.api_token,
            settings.session_secret,
            settings.pagerduty_api_token,
            settings.jira_api_token,
            settings.jira_webhook_secret,
            settings.confluence_api_token,
            settings.smtp_password,
            settings.temporal_api_key,
            settings.oidc_client_secret,
        )
        if s is not None
    ]
    if settings.database_url is not None:
        password = parse_url(settings.database_url.get_secret_value()).password
        found += [str(password)] if password else []
    return found + [s.get_secret_value() for s in settings.pagerduty_webhook_secrets]


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    """JSON lines on stderr through structlog, for our loggers and the SDK's alike."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            _merge_temporal_context,
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _redactor(secret_values(settings)),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # The JSON line carries workflow/activity info as keys; keep the message itself clean.
    temporal_activity.logger.activity_info_on_message = False
    temporal_workflow.logger.workflow_info_on_message = False
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
