"""The one policy: every number of the post-mortem method, with the defaults of DESIGN.md.

The policy is read from ``followthrough.toml`` (path in ``FOLLOWTHROUGH_POLICY_FILE``) at start-up and a
snapshot travels inside each workflow's input, so a running review keeps the rules it started with
even when the file changes. Durations are ISO-8601 (``P35D``, ``PT30S``) and any length is accepted,
so a demo or an end-to-end test can run a whole lifecycle in seconds.

This module is pure (pydantic, stdlib): workflows import it through the sandbox passthrough.
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = [
    "ActionItemPolicy",
    "Defaults",
    "DigestPolicy",
    "FollowUpPolicy",
    "ItemPolicy",
    "Policy",
    "PolicyError",
    "ReviewPolicy",
    "Team",
    "WebhookPolicy",
    "parse_policy",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewPolicy(_Section):
    """Which incidents need a review, and how long the draft may take."""

    required_priorities: list[str] = Field(
        default_factory=list,
        description="PagerDuty priority names (e.g. P1, P2) that need a review; empty means any.",
    )
    required_urgencies: list[str] = Field(
        default_factory=list,
        description="PagerDuty urgencies (high, low) that need a review; empty means any.",
    )
    min_duration: timedelta = Field(
        default=timedelta(0),
        description="Incidents resolved faster than this are skipped. Default: none skipped.",
    )
    require_all: bool = Field(
        default=False,
        description="When false (default) an incident needs a review if it matches the priority "
        "OR the urgency list; when true it must match both.",
    )
    draft_deadline: timedelta = Field(
        default=timedelta(days=5),
        description="Publish within this long after resolution, else the facilitator is reminded "
        "and then leadership is told. Default P5D.",
    )


class FollowUpPolicy(_Section):
    """The follow-up meeting four to six weeks after resolution."""

    after: timedelta = Field(
        default=timedelta(days=35),
        description="Meeting this long after resolution (weekends skipped). Default P35D; outside "
        "28-42 days a warning is logged.",
    )
    invite_ahead: timedelta = Field(
        default=timedelta(days=7), description="Send the invitation this long before. Default P7D."
    )
    meeting_time: str = Field(
        default="10:00", description="Local start time, HH:MM in the policy timezone."
    )
    duration: timedelta = Field(
        default=timedelta(minutes=45), description="Meeting length. Default PT45M."
    )

    @field_validator("meeting_time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (
            hours.isdigit()
            and minutes.isdigit()
            and 0 <= int(hours) < 24
            and 0 <= int(minutes) < 60
        ):
            raise ValueError("must be HH:MM, e.g. 10:00")
        return value

    @property
    def outside_recommended_window(self) -> bool:
        """True when the meeting is not 4 to 6 weeks after resolution (allowed, but warned)."""
        return not timedelta(days=28) <= self.after <= timedelta(days=42)


class ActionItemPolicy(_Section):
    """Reminders, escalations and reconciliation of tracked action items."""

    max_horizon: timedelta = Field(
        default=timedelta(days=90), description="Due dates must fall within this. Default P90D."
    )
    remind_before: timedelta = Field(
        default=timedelta(days=3), description="Owner reminder this long before due. Default P3D."
    )
    escalate_after: timedelta = Field(
        default=timedelta(days=7),
        description="Grace period after due before leadership is told. Default P7D.",
    )
    escalate_every: timedelta = Field(
        default=timedelta(days=7),
        description="Repeat the escalation on this cadence until settled. Default P7D.",
    )
    reconcile_every: timedelta = Field(
        default=timedelta(hours=6),
        description="Read the live ticket status this often, so a lost webhook delays closing by "
        "at most one period (the watch_ticket activity's retry interval). Default PT6H.",
    )
    reconcile_backoff: int = Field(
        default=3,
        ge=1,
        le=100,
        description="Far from the due date (before the owner's reminder, or past the grace "
        "period after due) the live ticket status is read every reconcile_every times this; the "
        "Jira webhook is the primary signal. 1 reads on reconcile_every throughout. Items started "
        "since 0.2 watch their ticket with one activity and read on reconcile_every throughout "
        "(a read costs their history nothing); this spaces only their retries to open a ticket. "
        "Default 3.",
    )

    @field_validator("escalate_every", "reconcile_every")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be a positive duration")
        return value


class DigestPolicy(_Section):
    """The weekly leadership digest."""

    every: timedelta = Field(default=timedelta(days=7), description="Cadence. Default P7D.")
    enabled: bool = Field(default=True, description="Create the digest schedule at worker start.")

    @field_validator("every")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be a positive duration")
        return value


class RecurrencePolicy(_Section):
    """Learning across reviews: how far back an earlier review of the same service counts."""

    window: timedelta = Field(
        default=timedelta(days=365),
        description="Earlier reviews of the same service (or team) resolved within this long "
        "before a new one are shown on it and count as repeat incidents. Default P365D.",
    )

    @field_validator("window")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be a positive duration")
        return value


class LinkPolicy(_Section):
    """The signed review links in emails (per recipient and role; see connectors.links)."""

    max_age: timedelta = Field(
        default=timedelta(days=14),
        description="A link stops working this long after it was sent. Default P14D.",
    )

    @field_validator("max_age")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be a positive duration")
        return value


class Team(_Section):
    """A team owns services; its facilitator runs the reviews and its leadership gets escalations."""

    name: str = Field(description="Team name as shown in digests.")
    services: list[str] = Field(
        default_factory=list, description="PagerDuty service ids or names owned by the team."
    )
    facilitator: str | None = Field(default=None, description="Email of the review facilitator.")
    leadership: list[str] = Field(
        default_factory=list, description="Emails that receive escalations and the digest."
    )
    facilitator_groups: list[str] = Field(
        default_factory=list,
        description="Groups (from the identity provider's groups claim) whose members have the "
        "facilitator role on this team's reviews.",
    )


class WebhookPolicy(_Section):
    """How old a delivery may be, and how long a repeated one is known."""

    max_age: timedelta = Field(
        default=timedelta(days=7),
        description="A delivery whose event occurred longer ago answers 200 stale and starts "
        "nothing; a repeated X-Webhook-Id within this window answers duplicate.",
    )


class Defaults(_Section):
    """Who to use when no team claims the incident's service."""

    facilitator: str = Field(
        default="facilitator@example.com", description="Fallback facilitator email."
    )
    leadership: list[str] = Field(
        default_factory=lambda: ["leadership@example.com"],
        description="Fallback leadership emails.",
    )


class Policy(_Section):
    """The whole policy. Every key is optional; unknown keys are an error naming the key."""

    review: ReviewPolicy = Field(default_factory=ReviewPolicy)
    follow_up: FollowUpPolicy = Field(default_factory=FollowUpPolicy)
    action_items: ActionItemPolicy = Field(default_factory=ActionItemPolicy)
    digest: DigestPolicy = Field(default_factory=DigestPolicy)
    recurrence: RecurrencePolicy = Field(default_factory=RecurrencePolicy)
    links: LinkPolicy = Field(default_factory=LinkPolicy)
    webhooks: WebhookPolicy = Field(default_factory=WebhookPolicy)
    timezone: str = Field(default="UTC", description="IANA zone for meetings and dates.")
    teams: list[Team] = Field(default_factory=list)
    defaults: Defaults = Field(default_factory=Defaults)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r}") from exc
        return value

    def team_for(self, service_id: str | None, service_name: str | None) -> Team | None:
        """The team that owns a service, matched by PagerDuty id or by name (case-insensitive)."""
        wanted = {s.casefold() for s in (service_id, service_name) if s}
        for team in self.teams:
            if wanted & {s.casefold() for s in team.services}:
                return team
        return None

    def team_named(self, name: str | None) -> Team | None:
        """The team of this name (as a review records it), or None."""
        for team in self.teams:
            if name is not None and team.name == name:
                return team
        return None

    def facilitator_for(self, team: Team | None) -> str:
        return (
            team.facilitator if team and team.facilitator else None
        ) or self.defaults.facilitator

    def leadership_for(self, team: Team | None) -> list[str]:
        return (team.leadership if team and team.leadership else None) or list(
            self.defaults.leadership
        )


class ItemPolicy(_Section):
    """The part of the policy an action item's workflow reads: its cadences and the zone its due
    dates are in. Items started since ``review-lean-history`` get only this, not the whole policy
    (recorded twice per item: the review's start command and the item's start event)."""

    action_items: ActionItemPolicy = Field(
        default_factory=ActionItemPolicy, description="Reminders, escalations, reconciliation."
    )
    timezone: str = Field(default="UTC", description="IANA zone of the item's due dates.")

    @classmethod
    def of(cls, policy: Policy) -> ItemPolicy:
        """The item's part of ``policy``."""
        return cls(action_items=policy.action_items, timezone=policy.timezone)


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names every bad key."""


def parse_policy(text: str, source: str = "followthrough.toml") -> Policy:
    """Parse and validate policy TOML, raising :class:`PolicyError` naming each bad key."""
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML: {exc}") from exc
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise PolicyError(f"{source}: {problems}") from exc
