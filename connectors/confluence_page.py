"""The review page in Confluence storage format: render it, carry people's Notes over, compare.

The page is rendered from the same review mapping as the Markdown document
(``ReviewState.model_dump(mode="json")``) with ``templates/review.storage.j2``. Storage format is
XHTML, so the template is autoescaped (every outside value is XML-escaped, and characters XML 1.0
forbids are dropped) and links keep only ``http``/``https`` targets.

The page ends with a ``Notes`` section (an ``<h2>Notes</h2>`` heading and what follows it) that
belongs to people: :func:`compose` always puts back the Notes found on the page. Everything above it
is Followthrough's and is replaced on each write; :func:`normalized` lets the writer tell a person's
edit of that part from the editor's own rewriting (``local-id`` attributes, whitespace).
"""

from __future__ import annotations

import html
import html.entities
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from connectors.documents import TEMPLATES, is_web_url

__all__ = [
    "FACTS_SECTION",
    "MAX_TITLE",
    "MAX_URL",
    "NOTES_HEADING",
    "NOTES_SECTION",
    "SUFFIX_ROOM",
    "JiraServer",
    "changed_sections",
    "clean_text",
    "compose",
    "incident_label",
    "label",
    "normalized",
    "render_review_storage",
    "review_labels",
    "review_title",
    "safe_href",
    "sections",
    "split_notes",
    "suffixed",
]

MAX_TITLE = 255
#: Room left in a title for a " (NN)" suffix when the plain title is someone else's.
SUFFIX_ROOM = 5
MAX_URL = 2048
NOTES_HEADING = "Notes"
NOTES_SECTION = (
    "<h2>Notes</h2>\n<p>This section is yours: context, links, thoughts for the follow-up. "
    "Followthrough never changes it.</p>"
)
#: Section name of what comes before the first heading (the info panel and the Page Properties).
FACTS_SECTION = "Incident facts"

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOTES = re.compile(r"<h2\b[^>]*>(?:\s|<[^>]*>)*Notes(?:\s|<[^>]*>)*</h2>", re.IGNORECASE)
_HEADING = re.compile(r"<h2\b[^>]*>(.*?)</h2>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_JIRA_KEY = re.compile(r"^[A-Z][A-Z0-9_]*-[0-9]+$")
_NAMESPACES = {
    "ac": "http://atlassian.com/content",
    "ri": "http://atlassian.com/resource/identifier",
    "at": "http://atlassian.com/template",
}
#: Attributes the Confluence editor adds or renumbers on its own; they are not an edit.
_VOLATILE = frozenset({"local-id", "ac:local-id", "ac:macro-id", "ac:schema-version"})
_DTD = "".join(
    f'<!ENTITY {name} "&#{code};">'
    for name, code in html.entities.name2codepoint.items()
    if name not in ("amp", "lt", "gt", "quot", "apos")
)


def clean_text(value: object) -> str:
    """Text safe inside XML: no characters XML 1.0 forbids (the page would be refused)."""
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def safe_href(value: object) -> str | None:
    """``value`` if it is an absolute http(s) URL fit for a link, else None (no link is made)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if (
        not text
        or len(text) > MAX_URL
        or _XML_ILLEGAL.search(text)
        or any(c.isspace() for c in text)
        or not is_web_url(text)
    ):
        return None
    return text


def _finalize(value: object) -> object:
    if isinstance(value, Markup):  # our own macros' output, already escaped
        return value
    return clean_text(value)


_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    autoescape=True,
    finalize=_finalize,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["href"] = safe_href


@dataclass(frozen=True)
class JiraServer:
    """A Jira site linked to the Confluence site (what the Jira issue macro needs)."""

    id: str
    name: str
    url: str


def _audit_rows(review: Mapping[str, Any]) -> list[dict[str, str]]:
    """The audit trail, when the review carries one: ``at``, ``actor``, ``action`` per entry."""
    entries = review.get("audit") or []
    rows = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, Mapping):
            continue
        rows.append(
            {
                "at": str(entry.get("at") or ""),
                "actor": str(entry.get("actor") or entry.get("who") or entry.get("by") or ""),
                "action": str(
                    entry.get("action") or entry.get("what") or entry.get("summary") or ""
                ),
            }
        )
    return rows


def render_review_storage(
    review: Mapping[str, Any], jira_servers: Sequence[JiraServer] = ()
) -> str:
    """Followthrough's part of the page (everything above Notes) as storage format."""

    def jira_server(url: object, key: object) -> JiraServer | None:
        """The linked Jira site a ticket URL belongs to; None makes a plain link instead."""
        href = safe_href(url)
        if href is None or not isinstance(key, str) or not _JIRA_KEY.match(key):
            return None
        for server in jira_servers:
            if href.startswith(server.url.rstrip("/") + "/"):
                return server
        return None

    items = review.get("action_items") or []
    open_items = sum(1 for item in items if item.get("status") == "open")
    older = review.get("audit_older") or review.get("audit_dropped") or 0
    return _env.get_template("review.storage.j2").render(
        r=review,
        open_items=open_items,
        jira_server=jira_server,
        audit=_audit_rows(review),
        audit_older=older if isinstance(older, int) else 0,
    )


def review_title(review: Mapping[str, Any]) -> str:
    """``Post-incident review: <title> (<incident id>)``, within Confluence's 255 characters."""
    incident = review["incident"]
    incident_id = " ".join(clean_text(incident["id"]).split())
    title = " ".join(clean_text(incident.get("title")).split()) or "untitled incident"
    fixed = len("Post-incident review:  ()") + len(incident_id) + SUFFIX_ROOM
    room = MAX_TITLE - fixed
    if len(title) > room:
        title = title[: max(room - 1, 1)].rstrip() + "…"
    return f"Post-incident review: {title} ({incident_id})"


def suffixed(title: str, n: int) -> str:
    """The title to use when the plain one is taken by someone else's page: ``<title> (n)``."""
    return title if n <= 1 else f"{title} ({n})"


def label(text: object, *, prefix: str = "") -> str | None:
    """A Confluence label: lower case, no spaces or ``:;,.?&[]()#^*@!``; None when nothing is left."""
    raw = clean_text(text).lower()
    slug = "".join(c if c.isalnum() or c in "_-" else "-" for c in raw)
    slug = re.sub(r"-{2,}", "-", slug).strip("-")[:100]
    return f"{prefix}{slug}" if slug else None


def incident_label(incident_id: str) -> str:
    """The label that finds a review's page with CQL (search is by label; properties need an index)."""
    return label(incident_id, prefix="ft-incident-") or "ft-incident"


def review_labels(review: Mapping[str, Any]) -> list[str]:
    """``postmortem``, the incident label, the service, the team and ``phase-<phase>``."""
    incident = review["incident"]
    wanted = [
        "postmortem",
        incident_label(str(incident["id"])),
        label(incident.get("service_name") or incident.get("service_id")),
        label(review.get("team")),
        label(review.get("phase"), prefix="phase-"),
    ]
    return list(dict.fromkeys(w for w in wanted if w))


# -- the page's parts ---------------------------------------------------------------------------


def split_notes(body: str) -> tuple[str, str | None]:
    """``(Followthrough's part, Notes section)``; Notes is None when the heading is gone."""
    match = _NOTES.search(body)
    if match is None:
        return body, None
    return body[: match.start()], body[match.start() :]


def compose(managed: str, notes: str | None) -> str:
    """The whole page: Followthrough's part, then people's Notes (or a fresh Notes section)."""
    return f"{managed.rstrip()}\n{notes if notes is not None else NOTES_SECTION}"


def _canonical(element: ElementTree.Element, out: list[str]) -> None:
    out.append(f"<{element.tag}")
    for name in sorted(element.attrib):
        short = name
        for prefix, uri in _NAMESPACES.items():
            short = short.replace("{" + uri + "}", f"{prefix}:")
        if short in _VOLATILE or short.startswith("data-"):
            continue
        out.append(f' {short}="{element.attrib[name]}"')
    out.append(">")
    if element.text and element.text.strip():
        out.append(" ".join(element.text.split()))
    for child in element:
        _canonical(child, out)
        if child.tail and child.tail.strip():
            out.append(" ".join(child.tail.split()))
    out.append(f"</{element.tag}>")


def normalized(fragment: str) -> str:
    """A form of a storage fragment in which the editor's own rewriting makes no difference."""
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in _NAMESPACES.items())
    document = f"<!DOCTYPE page [{_DTD}]><page {namespaces}>{fragment}</page>"
    try:
        # The DTD is ours (HTML's named entities); a fragment cannot declare entities of its own
        # inside an element, so nothing from the page expands beyond those.
        root = ElementTree.fromstring(document)  # noqa: S314
    except ElementTree.ParseError:
        return " ".join(fragment.split())
    out: list[str] = []
    _canonical(root, out)
    return "".join(out)


def sections(fragment: str) -> dict[str, str]:
    """Followthrough's part by ``<h2>`` section: name -> normalized content."""
    found: dict[str, str] = {}
    name, start = FACTS_SECTION, 0
    for match in _HEADING.finditer(fragment):
        found[name] = normalized(fragment[start : match.start()])
        name = html.unescape(_TAG.sub("", match.group(1))).strip() or "(untitled)"
        start = match.end()
    found[name] = normalized(fragment[start:])
    return found


def changed_sections(before: str, after: str) -> list[str]:
    """Names of the sections that differ between two versions of Followthrough's part."""
    old, new = sections(before), sections(after)
    names = list(new) + [name for name in old if name not in new]
    return [name for name in names if old.get(name) != new.get(name)]
