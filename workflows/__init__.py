"""Orchestration and the pure domain: no I/O, no clock or randomness outside ``workflow.*``.

Workflows refer to activities by name only (:mod:`workflows.calls`), so this room imports nothing
from ``activities`` or ``connectors``. Its modules:

- ``postmortem``: PostmortemWorkflow, the review's main loop and steps.
- ``postmortem_handlers``: what a review accepts while analysed (updates, validators, query).
- ``postmortem_items``: the review's decisions about its items, and the items' reports.
- ``postmortem_messages``: what a review mails and when (opening, reminders, the invitation).
- ``postmortem_document``: the review's document, its store writes and its earlier reviews.
- ``review_access``: the review's audit trail and its access updates (revoke links, facilitator).
- ``action_item``: ActionItemWorkflow, one item from its ticket to done or dropped.
- ``action_item_handlers``: what an item's workflow hears (ticket events, decisions, query).
- ``digest``: DigestWorkflow, the weekly leadership digest.
- ``calls``: activity names, timeouts, retries, search attributes, the live ticket check.
- ``contracts``: start inputs, signal and update payloads, query answers, results.
- ``steps``: activity arguments and results.
- ``messages``: what a workflow asks to be mailed.
- ``review``: the review's models and state.
- ``items``: an action item's models, and due-date arithmetic.
- ``model``: the base of every domain model.
- ``audit``: who did what: actors and the bounded audit trail, pure.
- ``rules``: the method's rules (blameless, five whys, SMART, root cause or symptom, publishing).
- ``deadlines``: the deadline arithmetic of both workflows, pure.
- ``figures``: the digest's arithmetic, pure.
- ``policy``: every number of the method, with its defaults.
- ``limits``: every size limit of a review (fields, lists, bodies), as data.
- ``ids``: the workflow ids, spelled once.
- ``codes``: every stable error code.
"""

__all__ = [
    "action_item",
    "action_item_handlers",
    "audit",
    "calls",
    "codes",
    "contracts",
    "deadlines",
    "digest",
    "figures",
    "ids",
    "items",
    "limits",
    "messages",
    "model",
    "policy",
    "postmortem",
    "postmortem_document",
    "postmortem_handlers",
    "postmortem_items",
    "postmortem_messages",
    "review",
    "review_access",
    "rules",
    "steps",
]
