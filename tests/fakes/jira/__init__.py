"""A Jira Cloud imitation over plain HTTP on 127.0.0.1 that the unmodified ``jira`` client accepts.

Shapes follow the Jira Cloud platform REST API v2 (the version the ``jira`` package calls):
``serverInfo`` with ``deploymentType: Cloud``, ``/search/jql`` with ``nextPageToken`` paging and
``fields`` defaulting to the id only, id-based ``self`` URLs, nested objects carrying ``self``
where the real API has them, ``{"errorMessages": [...], "errors": {...}}`` error bodies, 429/503
with ``Retry-After``. Search is immediately consistent (real Jira's is eventually consistent);
``reconcileIssues`` is accepted and ignored.

Test-side helpers imitate what people do in the Jira UI (``transition``, ``edit``, ``comment_on``,
``delete_issue``) and return the webhook body Jira would send for it; ``webhook_headers`` signs a
body like a Jira admin webhook with a secret.

    with FakeJira() as fake:
        fake.add_user("ana@example.com", "Ana Lima")
        tracker = JiraTracker(fake.url, fake.email, fake.api_token, "OPS")

Modules: ``model`` (workflow, fields, records, error shape), ``jql`` (JQL, sorting, page tokens),
``state`` (what the site holds and how it shows it), ``search`` and ``issues`` (the routes by
API area), ``site`` (``FakeJira``). The request prologue is ``tests.fakes.rest``'s, shared with
the Confluence imitation, like the clause parser of JQL and CQL (``tests.fakes.clauses``).
"""

from tests.fakes.jira.model import (
    STATUSES,
    TRANSITIONS,
    FakeIssue,
    FakeProject,
    FakeUser,
    JiraHttpError,
)
from tests.fakes.jira.site import FakeJira

__all__ = [
    "STATUSES",
    "TRANSITIONS",
    "FakeIssue",
    "FakeJira",
    "FakeProject",
    "FakeUser",
    "JiraHttpError",
]
