"""Writing a review: the idempotent upsert, and reading a review back as the record that wrote it.

``write_record`` replaces a review's rows when (and only when) its revision is newer than the
stored one, so repeated and out-of-order writes keep the newest state; a write that loses the race
changes nothing. The copies of a review's columns on its items and causes (team, service, dates)
are written here with it, so they cannot drift.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Delete,
    Insert,
    Row,
    bindparam,
    delete,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from connectors.store.common import DAY, chunks, i, quarter_of, r, rc, team_key, unix_ms
from connectors.store.records import (
    CauseLink,
    FollowUpOutcomeRecord,
    ItemRecord,
    ReviewRecord,
    RootCauseRecord,
)
from connectors.store.schema import action_items, follow_up_outcomes, reviews, root_causes
from connectors.store.search import Search, document

__all__ = [
    "cause_values",
    "item_values",
    "read_records",
    "review_values",
    "search_document",
    "write_record",
]


def write_record(
    connection: Connection, search: Search, record: ReviewRecord, written_at: datetime
) -> bool:
    """Upsert one review in the caller's transaction; True when it was newer than the stored one."""
    values = review_values(record, written_at)
    statement = _upsert(connection.dialect.name, tuple(values))
    review_id = connection.execute(statement, values).scalar_one_or_none()
    if review_id is None:
        return False
    for clear in _CLEARS:
        connection.execute(clear, {"review_id": review_id})
    causes = cause_values(record, review_id)
    items = item_values(record, review_id)
    outcomes = [{"review_id": review_id, **o.model_dump()} for o in record.follow_up]
    if causes:
        connection.execute(_INSERT_CAUSES, causes)
    if items:
        connection.execute(_INSERT_ITEMS, items)
    if outcomes:
        connection.execute(_INSERT_OUTCOMES, outcomes)
    search.write(connection, review_id, search_document(record))
    return True


@cache
def _upsert(dialect: str, names: tuple[str, ...]) -> Insert:
    """The upsert of a ``reviews`` row with these columns, built once per dialect (building and
    compiling it per write cost more CPU than the write itself)."""
    make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    proposed = make_insert(reviews)
    return proposed.on_conflict_do_update(
        index_elements=[r.incident_id],
        set_={name: proposed.excluded[name] for name in names if name != "incident_id"},
        # The heart of "never goes backwards": the row lock taken by the upsert makes
        # concurrent writers of one review queue, and each compares against the winner.
        where=r.revision < proposed.excluded.revision,
    ).returning(r.id)


#: What a newer revision replaces: the review's causes, items and follow-up outcomes.
_CLEARS: tuple[Delete, ...] = tuple(
    delete(table).where(table.c.review_id == bindparam("review_id"))
    for table in (root_causes, action_items, follow_up_outcomes)
)


#: The child rows' inserts, built once: an ``insert(table)`` built per write generated its cache
#: key again on every execution.
_INSERT_CAUSES, _INSERT_ITEMS, _INSERT_OUTCOMES = (
    insert(table) for table in (root_causes, action_items, follow_up_outcomes)
)


def read_records(connection: Connection, where: ColumnElement[bool]) -> list[ReviewRecord]:
    """The stored reviews matching ``where``, rebuilt into records, by incident id."""
    heads = connection.execute(select(reviews).where(where).order_by(r.incident_id)).all()
    ids = [h.id for h in heads]
    causes: dict[int, list[RootCauseRecord]] = defaultdict(list)
    items: dict[int, list[ItemRecord]] = defaultdict(list)
    outcomes: dict[int, list[FollowUpOutcomeRecord]] = defaultdict(list)
    fo = follow_up_outcomes.c
    for chunk in chunks(ids):
        for row in connection.execute(
            select(root_causes).where(rc.review_id.in_(chunk)).order_by(rc.review_id, rc.position)
        ):
            causes[row.review_id].append(_cause_record(row))
        for row in connection.execute(
            select(action_items).where(i.review_id.in_(chunk)).order_by(i.review_id, i.position)
        ):
            items[row.review_id].append(_item_record(row))
        for row in connection.execute(
            select(follow_up_outcomes)
            .where(fo.review_id.in_(chunk))
            .order_by(fo.review_id, fo.item_id)
        ):
            outcomes[row.review_id].append(
                FollowUpOutcomeRecord(
                    item_id=row.item_id, status=row.status, due=row.due, reason=row.reason
                )
            )
    return [
        ReviewRecord(
            **{name: h._mapping[name] for name in _REVIEW_COLUMNS},
            whys=list(h.whys),
            root_causes=causes[h.id],
            items=items[h.id],
            follow_up=outcomes[h.id],
        )
        for h in heads
    ]


def review_values(record: ReviewRecord, written_at: datetime) -> dict[str, Any]:
    """The ``reviews`` row of a record, with the per-review counts the figures add up."""
    tracked = record.phase != "drafting"
    done = [item for item in record.items if tracked and item.status == "done"]
    return {
        "incident_id": record.incident_id,
        "revision": record.revision,
        "title": record.title,
        "service_id": record.service_id,
        "service_name": record.service_name,
        "service_key": record.service_key,
        "team": record.team,
        "phase": record.phase,
        "tracked": tracked,
        "facilitator": record.facilitator,
        "resolved_at": record.resolved_at,
        "resolved_ms": unix_ms(record.resolved_at),
        "quarter": quarter_of(record.resolved_at),
        "published_at": record.published_at,
        "follow_up_at": record.follow_up_at,
        "follow_up_recorded_at": record.follow_up_recorded_at,
        "follow_up_notes": record.follow_up_notes,
        "closed_at": record.closed_at,
        "review_url": record.review_url,
        "doc_url": record.doc_url,
        "symptom": record.symptom,
        "whys": list(record.whys),
        "items_total": len(record.items),
        "items_open": sum(1 for item in record.items if item.status == "open"),
        "publish_blockers": record.publish_blockers,
        "linked": any(cause.same_as is not None for cause in record.root_causes),
        "items_done": len(done),
        "items_on_time": sum(
            1 for item in done if item.closed_at and item.closed_at <= item.due_at
        ),
        "written_at": written_at,
    }


def cause_values(record: ReviewRecord, review_id: int) -> list[dict[str, Any]]:
    return [
        {
            "review_id": review_id,
            "cause_id": cause.id,
            "position": n,
            "category": cause.category,
            "statement": cause.statement,
            "same_as_incident": cause.same_as.incident_id if cause.same_as else None,
            "same_as_cause": cause.same_as.root_cause_id if cause.same_as else None,
            "service_key": record.service_key,
            "team": team_key(record.team),
            "resolved_at": record.resolved_at,
            "quarter": quarter_of(record.resolved_at),
        }
        for n, cause in enumerate(record.root_causes)
    ]


def item_values(record: ReviewRecord, review_id: int) -> list[dict[str, Any]]:
    tracked = record.phase != "drafting"
    rows = []
    for n, item in enumerate(record.items):
        close_days = None
        if tracked and item.status == "done" and item.closed_at and record.published_at:
            close_days = (item.closed_at - record.published_at).total_seconds() / DAY
        rows.append(
            {
                "review_id": review_id,
                "item_id": item.id,
                "position": n,
                **item.model_dump(exclude={"id"}),
                "team": team_key(record.team),
                "service_key": record.service_key,
                "tracked": tracked,
                "resolved_at": record.resolved_at,
                "published_at": record.published_at,
                "close_days": close_days,
            }
        )
    return rows


def search_document(record: ReviewRecord) -> str:
    return document(
        [
            record.title,
            record.service_name,
            record.symptom,
            *record.whys,
            *(c.statement for c in record.root_causes),
            *(part for item in record.items for part in (item.title, item.done_when)),
        ]
    )


def _cause_record(row: Row[Any]) -> RootCauseRecord:
    link = (
        CauseLink(incident_id=row.same_as_incident, root_cause_id=row.same_as_cause)
        if row.same_as_incident and row.same_as_cause
        else None
    )
    return RootCauseRecord(
        id=row.cause_id, category=row.category, statement=row.statement, same_as=link
    )


def _item_record(row: Row[Any]) -> ItemRecord:
    return ItemRecord(
        id=row.item_id, **{name: row._mapping[name] for name in _ITEM_COLUMNS if name != "id"}
    )


#: Record fields stored as columns of the same name.
_REVIEW_COLUMNS = [
    name
    for name in ReviewRecord.model_fields
    if name not in ("whys", "root_causes", "items", "follow_up")
]
_ITEM_COLUMNS = list(ItemRecord.model_fields)
