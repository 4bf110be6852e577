"""The base of every domain model: unknown fields refused, and who asked for an update.

Pure: no I/O. :mod:`workflows.review` offers these too (where they were first defined).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from workflows.audit import Actor

__all__ = ["Attributed", "Model"]


class Model(BaseModel):
    """Base for every domain model: unknown fields are refused so typos surface as errors."""

    model_config = ConfigDict(extra="forbid")


class Attributed(Model):
    """An update's argument that says who asked (the audit trail records it).

    ``actor`` is set by the API from the signed-in caller: whatever a request body sends there is
    replaced. Histories recorded before 0.2 have none, so it defaults to None.
    """

    actor: Actor | None = Field(
        default=None, description="Who asked; set by the server from the caller (body ignored)."
    )
