"""Review documents: what comes from outside or from people stays text, links stay http(s), and
every incident id has its own file. The Markdown is read back with a CommonMark parser
(markdown-it-py, GFM tables on) to see what a renderer would make of it."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt

from connectors import documents
from connectors.documents import MarkdownDocuments, document_name, is_web_url, md_text
from workflows.review import (
    ActionItem,
    FiveWhys,
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    Incident,
    Person,
    ReviewState,
    RootCause,
    RootCauseCategory,
    Ticket,
    TimelineEntry,
    WentWell,
)

NOW = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
ATTACK = "<img src=x onerror=alert(1)> | **bold** [click](javascript:alert(1))\n# Heading"


def html_of(markdown: str) -> str:
    html: str = MarkdownIt("commonmark").enable("table").render(markdown)
    return html


def review(
    text: str = ATTACK, url: str = "https://acme.pagerduty.com/incidents/PT4KHLK"
) -> dict[str, Any]:
    """A review whose every free-text field, from PagerDuty and from people, carries ``text``."""
    incident = Incident(
        id="PT4KHLK",
        title=text,
        service_name=text,
        priority=text,
        urgency=text,
        resolved_at=NOW,
        url=url,
        responders=[Person(name=text)],
        timeline=[TimelineEntry(at=NOW, kind=text, summary=text, actor=text)],
    )
    state = ReviewState(
        incident=incident,
        team=text,
        facilitator="carol@example.com",
        leadership=[],
        five_whys=FiveWhys(
            symptom=text,
            whys=[text, text, text],
            root_causes=[RootCause(id="rc1", category=RootCauseCategory.TOOLING, statement=text)],
        ),
        action_items=[
            ActionItem(
                id="1",
                title=text,
                owner=text,
                due=text,
                done_when=text,
                root_cause=text,
                ticket=Ticket(key=text, url=url),
            )
        ],
        went_well=[WentWell(text=text)],
        follow_up=FollowUpRecord(
            outcomes=[
                FollowUpOutcome(
                    action_item=text, status=FollowUpStatus.DROPPED, due=text, reason=text
                )
            ],
            notes=text,
            recorded_at=NOW + timedelta(days=35),
        ),
    )
    return state.model_dump(mode="json")


def write(tmp_path: Path, data: dict[str, Any], incident_id: str = "PT4KHLK") -> str:
    store = MarkdownDocuments(tmp_path / "reviews", "http://review.test")
    store.write(incident_id, data)
    text = store.read(incident_id)
    assert text is not None
    return text


def test_text_from_outside_renders_as_text_not_html(tmp_path: Path) -> None:
    html = html_of(write(tmp_path, review()))

    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def tags(html: str) -> Counter[str]:
    return Counter(re.findall(r"<([a-z0-9]+)[\s>]", html))


def test_text_from_outside_adds_no_markdown_structure(tmp_path: Path) -> None:
    # Emphasis, links, headings, list items, table rows and cells: exactly the template's own.
    attacked = tags(html_of(write(tmp_path, review())))
    plain = tags(html_of(write(tmp_path / "plain", review(text="plain words"))))

    assert attacked == plain


def test_text_from_outside_leaves_no_javascript_link(tmp_path: Path) -> None:
    html = html_of(write(tmp_path, review()))

    assert 'href="javascript' not in html


def test_links_keep_http_targets(tmp_path: Path) -> None:
    html = html_of(write(tmp_path, review(text="x")))

    assert 'href="https://acme.pagerduty.com/incidents/PT4KHLK"' in html


def test_links_other_than_http_become_plain_text(tmp_path: Path) -> None:
    for url in (
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "//evil.example/x",
        "file:///etc",
    ):
        html = html_of(write(tmp_path, review(text="x", url=url)))

        assert "href=" not in html, url


def test_link_targets_cannot_break_out_of_the_link(tmp_path: Path) -> None:
    url = 'https://ex.example/a b) [x](javascript:alert(1)) "t"'
    html = html_of(write(tmp_path, review(text="x", url=url)))

    targets = re.findall(r'href="([^"]*)"', html)
    assert len(targets) == 2  # the incident link and the ticket link, nothing more
    assert all(t.startswith("https://ex.example/a%20b%29") for t in targets)


def test_incident_ids_that_read_alike_get_their_own_files(tmp_path: Path) -> None:
    first = write(tmp_path, review(text="first review"), incident_id="INC.1")
    second = write(tmp_path, review(text="second review"), incident_id="INC_1")

    assert "first review" in first
    assert "second review" in second
    assert len(list((tmp_path / "reviews").glob("*.md"))) == 2


def test_a_document_is_written_into_a_folder_made_for_it_and_again_after_it_is_removed(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "a" / "reviews"
    docs = MarkdownDocuments(folder, "http://review.test")
    docs.write_document("PT4KHLK", review(text="first text"))
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()

    written = docs.write_document("PT4KHLK", review(text="second text"))

    assert written.changed
    assert "second text" in (docs.read("PT4KHLK") or "")


def test_writing_the_same_document_again_changes_nothing(tmp_path: Path) -> None:
    docs = MarkdownDocuments(tmp_path / "reviews", "http://review.test")
    first = docs.write_document("PT4KHLK", review(text="same text"))

    again = docs.write_document("PT4KHLK", review(text="same text"))

    assert first.changed
    assert not again.changed
    assert again.url == first.url


def test_document_file_names_are_stable() -> None:
    # Running reviews keep their files across releases: the name of an id never changes.
    assert document_name("PT4KHLK") == "PT4KHLK-55112148f4ad.md"
    assert document_name("x" * 300).startswith("x" * 60 + "-")


def test_a_document_written_by_0_1_0_is_still_read(tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "PT4KHLK.md").write_text("# written by 0.1.0\n")

    assert MarkdownDocuments(folder, "http://review.test").read("PT4KHLK") == "# written by 0.1.0\n"


def test_an_0_1_0_file_another_id_could_have_written_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "INC_1.md").write_text("# written for INC.1 by 0.1.0\n")

    assert MarkdownDocuments(folder, "http://review.test").read("INC_1") is None


def test_escaping_twice_changes_nothing() -> None:
    once = md_text(ATTACK)

    assert md_text(once) == once


def test_a_cut_timeline_says_how_many_entries_pagerduty_has_beyond_it(tmp_path: Path) -> None:
    data = review("Paged the on-call")
    data["incident"]["timeline_total"] = 1235
    text = write(tmp_path, data)
    assert "And 1,234 more in PagerDuty." in text


@pytest.mark.parametrize(
    "text", ["https://ops.example.com/runbook", "HTTP://example.com", "http://10.0.0.1:8080/x"]
)
def test_an_http_url_with_a_host_is_a_web_url(text: str) -> None:
    assert is_web_url(text)


@pytest.mark.parametrize(
    "text",
    ["javascript:alert(1)", "file:///etc/passwd", "https://", "/reviews/P1", "http://[::1"],
)
def test_other_schemes_hostless_or_broken_urls_are_not_web_urls(text: str) -> None:
    assert not is_web_url(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cap pool size at 20", "Cap pool size at 20"),
        ("carol@example.com", "carol@example.com"),
        ("pool_size < 20", "pool\\_size &lt; 20"),
        ("  - a list", "  \\- a list"),
        ("2. second", "2\\. second"),
        ("line\nbreak", "line break"),
    ],
)
def test_md_text_leaves_plain_text_as_it_is_and_escapes_the_rest(text: str, expected: str) -> None:
    assert md_text(text) == expected


@pytest.mark.parametrize("text", [ATTACK, "Paged the on-call"])
def test_the_document_reads_as_jinja_s_own_attribute_lookup_renders_it(text: str) -> None:
    plain = Environment(
        loader=FileSystemLoader(documents.TEMPLATES),
        undefined=StrictUndefined,
        autoescape=False,  # noqa: S701  (as connectors/documents.py: md_text escapes)
        finalize=md_text,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    plain.globals["link"] = documents.md_link
    plain.filters["md"] = md_text
    data = review(text)

    expected = plain.get_template("review.md.j2").render(r=data)

    assert documents.render_review_markdown(data) == expected
