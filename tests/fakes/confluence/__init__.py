"""A Confluence Cloud imitation on 127.0.0.1 (HTTP, or HTTPS with a throwaway CA), under ``/wiki``.

Built from Atlassian's REST documentation (the v2 OpenAPI document, "The Confluence Cloud REST API
v2" 2.0.0, and the v1 reference for labels, CQL search and users):

- v2 ``/wiki/api/v2``: ``GET /spaces?keys=`` (``homepageId``), ``GET /spaces/{id}/operations``,
  ``GET|POST /pages`` (filters ``space-id``, ``title``, ``status`` defaulting to current and
  archived; cursor paging with ``_links.next`` and a ``Link`` header), ``GET|PUT|DELETE
  /pages/{id}`` (``body-format=storage``, ``version=``), ``GET /pages/{id}/versions``,
  ``GET /pages/{id}/labels``, ``GET|POST /pages/{id}/properties`` and ``GET|PUT|DELETE
  /pages/{id}/properties/{property-id}``, ``GET /pages/{id}/operations``.
- v1 ``/wiki/rest/api``: ``GET /user/current``, ``GET /user?accountId=``, ``GET
  /content/search?cql=``, ``GET|POST /content/{id}/label``, ``DELETE /content/{id}/label?name=``
  and ``/content/{id}/label/{label}``.
- ``GET /wiki/rest/jiraanywhere/1.0/servers``: the (undocumented) list of linked Jira sites the
  editor's Jira macro uses.

Behaviour imitated: a title is unique among a space's current and archived pages (400 "A page with
this title already exists"); an update must carry exactly the current version + 1 (409 otherwise);
the body is checked as well-formed XHTML with the ``ac:``/``ri:`` namespaces and HTML entities
(400 "Error parsing xhtml" otherwise) and limited to 5 MB (413); a create without the "create page"
space permission answers 404, as v2 documents; error bodies are v2's ``{"errors": [{status, code,
title, detail}]}`` or v1's ``{statusCode, data, message, reason}``; Basic auth with an account email
and API token. CQL over content properties works only for keys registered as indexed (as with a
Connect/Forge index key); the search index can be made to lag (``lagging_search``).

Fault injection: ``fail_next`` (429 bursts with ``Retry-After``, 5xx, after or before the work),
``drop_next`` (do the work, then close the connection unanswered), ``race_next_update`` (a person
saves the page just before the next update lands, so it answers 409).

Test-side helpers imitate people in the editor (``edit_as``, ``append_notes``) and read what a Page
Properties Report on a parent would list (``page_properties_report``).

    with FakeConfluence() as fake:
        space = fake.add_space("PM")
        store = ConfluenceDocuments(fake.url, fake.email, fake.api_token, "PM")

Modules: ``model`` (records, limits, error shapes), ``storage`` (the storage format), ``query``
(parameters and CQL), ``state`` (what the site holds and how it shows it), ``pages``,
``properties`` and ``v1`` (the routes by API area), ``site`` (``FakeConfluence``). The request
prologue is ``tests.fakes.rest``'s and the clause parser is ``tests.fakes.clauses``'s, both shared
with the Jira imitation.
"""

from tests.fakes.confluence.model import (
    DUPLICATE_TITLE,
    LABEL_FORBIDDEN,
    MAX_BODY_BYTES,
    MAX_PROPERTY_BYTES,
    MAX_TITLE,
    ConfluenceHttpError,
    FakePage,
    FakeProperty,
    FakeSpace,
    FakeUser,
    FakeVersion,
)
from tests.fakes.confluence.site import FakeConfluence
from tests.fakes.confluence.storage import NAMESPACES, storage_problem

__all__ = [
    "DUPLICATE_TITLE",
    "LABEL_FORBIDDEN",
    "MAX_BODY_BYTES",
    "MAX_PROPERTY_BYTES",
    "MAX_TITLE",
    "NAMESPACES",
    "ConfluenceHttpError",
    "FakeConfluence",
    "FakePage",
    "FakeProperty",
    "FakeSpace",
    "FakeUser",
    "FakeVersion",
    "storage_problem",
]
