"""The Jira imitation answers the unmodified ``jira`` client in Jira Cloud's shapes."""

from __future__ import annotations

from jira import JIRA

from tests.fakes.jira import FakeJira


def test_fake_pages_search_jql_with_next_page_token() -> None:
    with FakeJira() as fake:
        client = JIRA(server=fake.url, basic_auth=(fake.email, fake.api_token), max_retries=0)
        for n in range(105):
            client.create_issue(
                fields={
                    "project": {"key": "OPS"},
                    "issuetype": {"name": "Task"},
                    "summary": f"item {n}",
                    "labels": ["bulk"],
                },
                prefetch=False,
            )

        found = client.search_issues('project = OPS AND labels = "bulk"', maxResults=False)

        assert len(found) == 105
        assert len({issue.key for issue in found}) == 105
        assert fake.count("GET", "/rest/api/2/search/jql") == 2
