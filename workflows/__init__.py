"""Orchestration and the pure domain: no I/O, no clock or randomness outside ``workflow.*``.

Workflows refer to activities by name only (:mod:`workflows.calls`), so this room imports nothing
from ``activities`` or ``connectors``. Its modules:

- ``postmortem``: PostmortemWorkflow, the review's main loop and steps.
- ``postmortem_handlers``: what a review accepts (updates and validators, signal, query).
- ``review_access``: the review's audit trail and its access updates (revoke links, facilitator).
- ``action_item``: ActionItemWorkflow, one item from its ticket to done or dropped.
- ``digest``: DigestWorkflow, the weekly leadership digest.
- ``calls``: activity names, timeouts, retries, search attributes, the live ticket check.
- ``contracts``: start inputs, signal and update payloads, query answers, results.
- ``steps``: activity arguments and results.
- ``messages``: what a workflow asks to be mailed.
- ``review``: the review's models and state.
- ``audit``: who did what: actors and the bounded audit trail, pure.
- ``rules``: the method's rules (blameless, five whys, SMART, root cause or symptom, publishing).
- ``deadlines``: the deadline arithmetic of both workflows, pure.
- ``figures``: the digest's arithmetic, pure.
- ``policy``: every number of the method, with its defaults.
- ``ids``: the workflow ids, spelled once.
- ``codes``: every stable error code.
"""

__all__ = [
    "action_item",
    "audit",
    "calls",
    "codes",
    "contracts",
    "deadlines",
    "digest",
    "figures",
    "ids",
    "messages",
    "policy",
    "postmortem",
    "postmortem_handlers",
    "review",
    "review_access",
    "rules",
    "steps",
]
