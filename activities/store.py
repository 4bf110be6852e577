"""The review store's activities: write a review after its changes, find its earlier reviews,
read the digest's figures. Each calls :class:`connectors.store.ReviewStore` and maps shapes.

``review_record`` is the one mapping from the workflow's state to the store's record; ``reindex``
uses it too, so a rebuilt store holds exactly what the activity would have written. Text longer
than the store's limits (far above what the review rules let through) is clipped rather than
refused: a read model that refused a review would lose it from every list and figure.
"""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity

from activities.errors import to_application_error
from connectors.errors import ConnectorError
from connectors.store import RepeatQuery, ReviewRecord, ReviewStore
from connectors.store.records import (
    CauseLink,
    DigestData,
    FollowUpOutcomeRecord,
    ItemRecord,
    OverdueItem,
    Repeat,
    RootCauseRecord,
)
from workflows import rules
from workflows.messages import Digest, DigestRepeat, DigestTeam, ItemLine
from workflows.policy import Policy
from workflows.review import (
    EarlierReview,
    Phase,
    ReviewState,
    parse_due,
)
from workflows.steps import FindRepeats, ReadDigest, RepeatsFound, StoreReview

__all__ = [
    "StoreActivities",
    "digest_of",
    "earlier_review",
    "review_record",
]

#: The store's limits (connectors/store/records.py); longer values are clipped.
ID, SHORT, TEXT, DUE, URL = 200, 500, 20_000, 40, 2000
MAX_WHYS, MAX_CAUSES, MAX_ITEMS = 20, 50, 200


def _clip(value: str | None, limit: int) -> str | None:
    return value[:limit] if value is not None else None


def _text(value: str, limit: int) -> str:
    return value[:limit]


def _publish_blockers(state: ReviewState, tz: str, now: datetime | None) -> int:
    """What still blocks publishing a draft, counted as the review's status query does (with the
    default policy in the review's zone: the store's input carries no policy); 0 once published."""
    if state.phase != Phase.DRAFTING:
        return 0
    moment = now or datetime.now(UTC)
    return len(rules.check_publish(state, moment, Policy(timezone=tz), state.blame_override))


def review_record(state: ReviewState, tz: str, *, now: datetime | None = None) -> ReviewRecord:
    """The store's record of a review state (``tz``: the zone its due dates are read in; ``now``:
    the moment its publish blockers are counted at, default the current time)."""
    incident, five_whys, follow_up = state.incident, state.five_whys, state.follow_up
    causes = five_whys.root_causes[:MAX_CAUSES] if five_whys else []
    items = state.action_items[:MAX_ITEMS]
    return ReviewRecord(
        incident_id=incident.id,
        revision=state.revision,
        title=_text(incident.title, SHORT),
        service_id=_clip(incident.service_id, SHORT),
        service_name=_clip(incident.service_name, SHORT),
        team=_clip(state.team, SHORT),
        phase=state.phase.value,
        facilitator=_text(state.facilitator, SHORT),
        resolved_at=incident.resolved_at,
        published_at=state.published_at,
        follow_up_at=state.follow_up_at,
        follow_up_recorded_at=follow_up.recorded_at if follow_up else None,
        follow_up_notes=_clip(follow_up.notes, TEXT) if follow_up else None,
        closed_at=state.closed_at,
        publish_blockers=_publish_blockers(state, tz, now),
        review_url=_clip(state.review_url, URL),
        doc_url=_clip(state.doc_url, URL),
        symptom=_text(five_whys.symptom, TEXT) if five_whys else "",
        whys=[_text(w, TEXT) for w in five_whys.whys[:MAX_WHYS]] if five_whys else [],
        root_causes=[
            RootCauseRecord(
                id=cause.id,
                category=cause.category.value,
                statement=_text(cause.statement, TEXT),
                same_as=CauseLink(
                    incident_id=cause.same_as.incident_id,
                    root_cause_id=cause.same_as.root_cause_id,
                )
                if cause.same_as
                else None,
            )
            for cause in causes
        ],
        items=[
            ItemRecord(
                id=_text(item.id, ID),
                title=_text(item.title, SHORT),
                owner=_text(item.owner, SHORT),
                due=_text(item.due, DUE),
                due_at=parse_due(item.due, tz),
                done_when=_text(item.done_when, TEXT),
                root_cause=_clip(item.root_cause, SHORT),
                priority=item.priority.value,
                status=item.status.value,
                outcome=item.outcome.value if item.outcome else None,
                ticket_key=_clip(item.ticket.key, SHORT) if item.ticket else None,
                ticket_url=_clip(item.ticket.url, URL) if item.ticket else None,
                closed_at=item.closed_at,
                reason=_clip(item.reason, TEXT),
                replans=len(item.replans),
                escalations=item.escalations,
            )
            for item in items
        ],
        follow_up=[
            FollowUpOutcomeRecord(
                item_id=o.action_item,
                status=o.status.value,
                due=_clip(o.due, DUE),
                reason=_clip(o.reason, TEXT),
            )
            for o in {o.action_item: o for o in follow_up.outcomes}.values()
        ]
        if follow_up
        else [],
    )


def earlier_review(found: Repeat) -> EarlierReview:
    """The workflow's shape of an earlier review found in the store: the store's answer mirrors it
    field for field (connectors cannot import workflows), so it validates as one."""
    return EarlierReview.model_validate(found.model_dump())


def _overdue_line(item: OverdueItem) -> ItemLine:
    return ItemLine(
        id=item.item_id,
        title=item.title,
        owner=item.owner,
        due=item.due,
        status="open",
        ticket_key=item.ticket_key,
        ticket_url=item.ticket_url,
        days_overdue=item.days_overdue,
        incident_id=item.incident_id,
    )


def digest_of(data: DigestData) -> Digest:
    """The digest message's shape of the store's figures: every overdue item, every repeat."""
    lines: dict[str, list[ItemLine]] = {}
    for item in data.overdue:
        lines.setdefault(item.team, []).append(_overdue_line(item))
    return Digest(
        period_start=data.period_start,
        period_end=data.period_end,
        teams=[
            DigestTeam(
                name=team.team,
                open=team.open,
                overdue=team.overdue,
                closed_this_week=team.closed_this_period,
                # No items to complete reads as complete, as the digest always said.
                completion_rate=round(team.completion_rate, 3)
                if team.completion_rate is not None
                else 1.0,
                median_days_to_close=team.median_days_to_close,
                oldest_overdue=lines.get(team.team, []),
            )
            for team in data.teams
        ],
        repeats=[DigestRepeat(**r.model_dump()) for r in data.repeats],
        from_store=True,
    )


class StoreActivities:
    """Activities over one process's review store."""

    def __init__(self, store: ReviewStore) -> None:
        self.store = store

    @activity.defn
    def store_review(self, request: StoreReview) -> bool:
        """Upsert the review; True when the store had an older revision (or none).

        Idempotent: a retried or replayed write of the same revision changes nothing, and an
        older revision arriving late never replaces a newer one.
        """
        record = review_record(request.state, request.timezone)
        try:
            return self.store.write(record)
        except ConnectorError as exc:
            raise to_application_error(exc) from exc

    @activity.defn
    def find_repeats(self, request: FindRepeats) -> RepeatsFound:
        """Earlier reviews of the incident's service or team within the window, newest first."""
        incident = request.incident
        query = RepeatQuery(
            incident_id=incident.id,
            service_id=_clip(incident.service_id, SHORT),
            service_name=_clip(incident.service_name, SHORT),
            team=_clip(request.team, SHORT),
            resolved_at=incident.resolved_at,
            window=request.window,
            linked=list(dict.fromkeys(request.linked))[:50],
        )
        try:
            found = self.store.repeats(query)
        except ConnectorError as exc:
            raise to_application_error(exc) from exc
        return RepeatsFound(repeats=[earlier_review(r) for r in found])

    @activity.defn
    def read_digest(self, request: ReadDigest) -> Digest:
        """The digest's figures over every review in the store, as of the period's end."""
        try:
            data = self.store.digest(
                request.period_start, request.period_end, window=request.window
            )
        except ConnectorError as exc:
            raise to_application_error(exc) from exc
        return digest_of(data)
