"""Reading the review pages and posting their forms, as a browser would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import httpx

from tests.support.site import Site, meta_csrf

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    text: str = ""
    marks: list[str] = field(default_factory=list)
    count: int = 0


class _Finder(HTMLParser):
    """Text (and <mark> texts) inside the element with a given id."""

    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.depth = 0
        self.in_mark = False
        self.found = Element()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            if tag not in VOID:
                self.depth += 1
            if tag == "mark":
                self.in_mark = True
                self.found.marks.append("")
        elif dict(attrs).get("id") == self.element_id and tag not in VOID:
            self.depth = 1
            self.found.count += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if tag == "mark":
                self.in_mark = False

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)
            if self.in_mark:
                self.found.marks[-1] += data


def element(html: str, element_id: str) -> Element:
    finder = _Finder(element_id)
    finder.feed(html)
    finder.found.text = " ".join(" ".join(finder.parts).split())
    assert finder.found.count == 1, f"#{element_id} found {finder.found.count} times"
    return finder.found


async def post(
    browser: httpx.AsyncClient, incident_id: str, action: str, data: dict[str, Any]
) -> httpx.Response:
    """POST a review form with the session's CSRF token, as the page would."""
    page = await browser.get(f"/reviews/{incident_id}")
    return await browser.post(
        f"/reviews/{incident_id}/{action}", data={**data, "csrf": meta_csrf(page.text)}
    )


def five_whys(whys: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "symptom": "Checkout returned 503 for 40 minutes.",
        "whys": whys,
        "rc_id": ["rc1"],
        "rc_category": ["tooling"],
        "rc_statement": ["Connection pools default to unbounded in the service template."],
        "action": "save",
        **extra,
    }


GOOD_WHYS = [
    "The API pods ran out of database connections.",
    "A new batch job opened one connection per record.",
    "The job's pool size defaulted to unbounded.",
]


def due_in(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def good_item(**extra: str) -> dict[str, str]:
    return {
        "title": "Add a CI check that rejects service configs without a pool limit",
        "owner": "alice@example.com",
        "due": due_in(14),
        "done_when": "A config without a pool limit fails CI with a message naming the key",
        "root_cause": "rc1",
        "priority": "medium",
        **extra,
    }


async def published_review(site: Site, browser: httpx.AsyncClient) -> str:
    """A fresh review taken through the pages to publication, with one tracked item."""
    incident_id = await site.new_review()
    assert (await post(browser, incident_id, "five-whys", five_whys(GOOD_WHYS))).status_code == 303
    assert (await post(browser, incident_id, "action-items", good_item())).status_code == 303
    went_well = {"text": "The on-call was paged within two minutes."}
    assert (await post(browser, incident_id, "went-well", went_well)).status_code == 303
    assert (await post(browser, incident_id, "publish", {})).status_code == 303
    return incident_id
