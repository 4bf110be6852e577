"""PagerDutyIncidents reads an incident, every page of its log, its notes and its responders into
one record (the real ``pagerduty`` client against the local HTTPS imitation)."""

from __future__ import annotations

from typing import Any

from connectors.incidents import IncidentRecord
from connectors.pagerduty import PagerDutyIncidents
from tests.fakes.pagerduty import FakePagerDuty
from tests.support.imitations import when

# -- the record ---------------------------------------------------------------------------------


def test_fetch_maps_incident_fields(fetched: IncidentRecord, incident: dict[str, Any]) -> None:
    assert fetched.id == incident["id"]
    assert fetched.number == incident["incident_number"]
    assert fetched.title == incident["title"]
    assert fetched.service_id == incident["service"]["id"]
    assert fetched.service_name == incident["service"]["summary"] == "Checkout API"
    assert fetched.priority == "P1"
    assert fetched.urgency == "high"
    assert fetched.url == incident["html_url"]
    assert fetched.created_at == when(incident["created_at"])


def test_fetch_reads_every_page_of_log_entries(
    pagerduty: FakePagerDuty, source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    record = source.fetch(incident["id"])

    pages = pagerduty.requests_to(f"/incidents/{incident['id']}/log_entries")
    assert [page["offset"] for page in pages] == ["0", "100", "200"]
    log_kinds = [entry for entry in record.timeline if entry.kind != "note"]
    assert len(log_kinds) == len(pagerduty.log_entries[incident["id"]]) == 230


def test_timeline_includes_notes_with_their_author(
    fetched: IncidentRecord, pagerduty: FakePagerDuty, incident: dict[str, Any]
) -> None:
    notes = [
        (entry.summary, entry.actor, entry.at) for entry in fetched.timeline if entry.kind == "note"
    ]
    expected = [
        (note["content"], note["user"]["summary"], when(note["created_at"]))
        for note in pagerduty.notes[incident["id"]]
    ]
    assert notes == expected
    assert len(notes) == 3


def test_timeline_is_sorted_oldest_first(fetched: IncidentRecord) -> None:
    times = [entry.at for entry in fetched.timeline]
    assert times == sorted(times)
    assert fetched.timeline[0].kind == "trigger"
    assert fetched.timeline[-1].kind == "resolve"


def test_timeline_keeps_the_oldest_entries_and_counts_them_all(
    source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    whole = source.fetch(incident["id"])
    record = source.fetch(incident["id"], max_timeline=50)

    assert record.timeline == whole.timeline[:50]
    assert record.timeline_total == len(whole.timeline) == 233
    assert record.resolved_at == whole.resolved_at  # read from every entry, kept or not


def test_timeline_summaries_are_cut_at_the_limit(
    source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    record = source.fetch(incident["id"], max_summary=12)

    assert all(len(entry.summary) <= 12 for entry in record.timeline)
    cut = [entry.summary for entry in record.timeline if entry.summary.endswith("…")]
    assert cut and all(len(summary) == 12 for summary in cut)


def test_timeline_kind_drops_suffix_and_actor_is_agent_summary(
    fetched: IncidentRecord, pagerduty: FakePagerDuty, incident: dict[str, Any]
) -> None:
    oldest = pagerduty.log_entries[incident["id"]][-1]
    first = fetched.timeline[0]
    assert (first.kind, first.summary, first.actor) == (
        "trigger",
        oldest["summary"],
        oldest["agent"]["summary"],
    )
    kinds = {entry.kind for entry in fetched.timeline}
    assert {"assign", "escalate", "notify", "acknowledge", "annotate", "resolve"} <= kinds
    assert not any(kind.endswith("_log_entry") for kind in kinds)


def test_resolved_at_is_the_resolve_log_entry_time(
    fetched: IncidentRecord, pagerduty: FakePagerDuty, incident: dict[str, Any]
) -> None:
    resolve = next(
        e for e in pagerduty.log_entries[incident["id"]] if e["type"] == "resolve_log_entry"
    )
    assert fetched.resolved_at == when(resolve["created_at"])


def test_responders_are_the_people_in_the_log_with_emails(
    fetched: IncidentRecord, pagerduty: FakePagerDuty, incident: dict[str, Any]
) -> None:
    people = {
        ref["id"]
        for entry in pagerduty.log_entries[incident["id"]]
        for ref in entry.get("assignees", [])
    }
    assert len(people) == 3
    assert [r.id for r in fetched.responders] == [
        # first involved first: the assignment order of the fake
        e["assignees"][0]["id"]
        for e in reversed(pagerduty.log_entries[incident["id"]])
        if e["type"] in ("assign_log_entry", "escalate_log_entry")
    ][:3]
    for responder in fetched.responders:
        user = pagerduty.users[responder.id or ""]
        assert (responder.name, responder.email) == (user["name"], user["email"])


def test_integration_agents_are_not_responders(
    fetched: IncidentRecord, pagerduty: FakePagerDuty, incident: dict[str, Any]
) -> None:
    trigger = pagerduty.log_entries[incident["id"]][-1]
    assert trigger["agent"]["type"] != "user_reference"
    assert trigger["agent"]["id"] not in {r.id for r in fetched.responders}


def test_auto_resolving_integration_is_actor_but_not_responder(
    pagerduty: FakePagerDuty, source: PagerDutyIncidents
) -> None:
    auto = pagerduty.add_incident(log_entries=10, notes=0, responders=2, auto_resolved=True)
    resolve = pagerduty.log_entries[auto["id"]][0]
    assert resolve["type"] == "resolve_log_entry"

    record = source.fetch(auto["id"])

    assert record.timeline[-1].actor == resolve["agent"]["summary"] == "Prometheus Alertmanager"
    assert resolve["agent"]["id"] not in {r.id for r in record.responders}
    assert len(record.responders) == 2


def test_email_lookups_are_bounded_to_twenty_users(
    pagerduty: FakePagerDuty, source: PagerDutyIncidents
) -> None:
    crowded = pagerduty.add_incident(log_entries=60, notes=0, responders=25)

    record = source.fetch(crowded["id"])

    user_requests = [path for method, path, _ in pagerduty.requests if path.startswith("/users/")]
    assert len(user_requests) == 20
    assert len(record.responders) == 25
    assert all(r.email for r in record.responders[:20])
    assert all(r.email is None and r.name for r in record.responders[20:])


def test_responder_whose_user_is_gone_keeps_name_without_email(
    pagerduty: FakePagerDuty, source: PagerDutyIncidents
) -> None:
    gone = pagerduty.add_user(name="Former Colleague")
    other = pagerduty.add_user()
    lost = pagerduty.add_incident(log_entries=10, notes=0, responders=[gone, other])
    del pagerduty.users[gone["id"]]

    record = source.fetch(lost["id"])

    by_id = {r.id: r for r in record.responders}
    assert (by_id[gone["id"]].name, by_id[gone["id"]].email) == ("Former Colleague", None)
    assert by_id[other["id"]].email == other["email"]


def test_fetch_by_incident_number_reads_by_real_id(
    pagerduty: FakePagerDuty, source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    record = source.fetch(str(incident["incident_number"]))

    assert record.id == incident["id"]
    assert pagerduty.requests_to(f"/incidents/{incident['id']}/notes") == [{}]


def test_priority_is_none_when_the_incident_has_none(
    pagerduty: FakePagerDuty, source: PagerDutyIncidents
) -> None:
    unprioritised = pagerduty.add_incident(priority=None, log_entries=8, notes=1, responders=1)

    assert source.fetch(unprioritised["id"]).priority is None
