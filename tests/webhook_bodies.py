"""Webhook bodies for hypothesis: arbitrary bytes and JSON, and mutations of real shapes.

The PagerDuty V3 ``incident.resolved`` and Jira ``jira:issue_updated`` bodies below follow the
documented shapes (see tests/fakes/); :func:`mutated` replaces up to three parts with any JSON
value (or a known troublemaker) or leaves them out, so most cases are nearly valid and reach past
the first check.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)

PAGERDUTY_EVENT: dict[str, Any] = {
    "event": {
        "id": "01HZX3V9Q4D6W8K2M5N7P0R1ST",
        "event_type": "incident.resolved",
        "resource_type": "incident",
        "occurred_at": "2026-11-03T10:15:00.000Z",
        "agent": {"id": "PUSR1", "type": "user_reference", "summary": "Ana Lima"},
        "client": {"name": "PagerDuty"},
        "data": {
            "id": "PT4KHLK",
            "type": "incident",
            "number": 7,
            "status": "resolved",
            "created_at": "2026-11-03T09:15:00Z",
            "title": "Checkout API returned 503s",
            "service": {"id": "PSVC1", "summary": "checkout"},
            "assignees": [{"id": "PUSR1", "summary": "Ana Lima"}],
            "priority": {"id": "PPRI1", "summary": "P1"},
            "urgency": "high",
            "resolve_reason": None,
        },
    }
}

JIRA_EVENT: dict[str, Any] = {
    "webhookEvent": "jira:issue_updated",
    "timestamp": 1767225600000,
    "issue": {
        "id": "10001",
        "key": "OPS-1",
        "fields": {
            "status": {"name": "Done", "statusCategory": {"key": "done"}},
            "labels": ["followthrough", "ft-PT4KHLK-1"],
            "summary": "Add a canary stage",
        },
    },
    "changelog": {"id": "10400", "items": [{"field": "status", "fromString": "To Do"}]},
    "user": {"accountId": "5b10a2844c20165700ede21g", "displayName": "Ana Lima"},
}


#: Values that have broken parsers elsewhere: long and control-laden text, huge numbers, nesting.
NASTY = st.sampled_from(
    [
        "",
        " ",
        "x" * 10_000,
        "\x00\r\n\t\x1b[31m",
        "\u202e\ufeff\ud7ff",
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        10**30,
        -(10**30),
        1e308,
        [[[[[[[[[[[]]]]]]]]]]],
    ]
)
ANY = st.one_of(JSON, NASTY)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with up to three of its parts replaced by any JSON value or left out."""
    document = json.loads(json.dumps(value))
    paths = _paths(document)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        path = draw(st.sampled_from(paths))
        parent = document
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                # A fresh copy: a drawn object shared between parts could nest in itself.
                parent[path[-1]] = copy.deepcopy(draw(ANY))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this part
    return document


#: Incident ids as a sender might send them: PagerDuty's, any text, long or control-laden.
INCIDENT_IDS = st.one_of(
    st.just("PT4KHLK"),
    st.text(min_size=1, max_size=40),
    st.text(min_size=190, max_size=260),
    st.sampled_from(["P\x00X", "P\nX", "P X", "P/../X", "P'\"X", "Ǳ" * 120]),
)


@st.composite
def with_incident_id(draw: st.DrawFn, document: Any) -> Any:
    """A PagerDuty body whose ``event.data.id`` (the review's id) is any of INCIDENT_IDS."""
    event = document.get("event") if isinstance(document, dict) else None
    data = event.get("data") if isinstance(event, dict) else None
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        data["id"] = draw(INCIDENT_IDS)
    return document


def bodies(shape: dict[str, Any]) -> st.SearchStrategy[bytes]:
    nearly_valid = mutated(shape)
    if shape is PAGERDUTY_EVENT:
        nearly_valid = nearly_valid.flatmap(with_incident_id)
    return st.one_of(
        st.binary(max_size=200),
        JSON.map(lambda v: json.dumps(v).encode()),
        *[nearly_valid.map(lambda v: json.dumps(v).encode())] * 4,  # mostly nearly valid
    )
