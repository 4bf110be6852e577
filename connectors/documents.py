"""Review documents: the protocol, and the embedded default of Markdown files.

The document is rendered from the review's state (a JSON-able mapping) with one Jinja2 template, so
the file on disk, the web page's copy and any future backend (Confluence, Google Docs) show the same
sections: summary, timeline, symptom and five whys, root causes, action items, what went well,
follow-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from connectors.errors import ConnectorError, ErrorKind, System
from connectors.files import write_atomic

__all__ = [
    "TEMPLATES",
    "DocumentStore",
    "DocumentWritten",
    "HumanEdit",
    "MarkdownDocuments",
    "render_review_markdown",
]

TEMPLATES = Path(__file__).parent / "templates"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    autoescape=False,  # noqa: S701 - Markdown, not HTML: the md filter escapes table syntax
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _md_escape(value: object) -> str:
    """Keep user text from breaking table cells or starting Markdown structures."""
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


_env.filters["md"] = _md_escape


def render_review_markdown(review: Mapping[str, Any]) -> str:
    """The review document as Markdown, from ``ReviewState.model_dump(mode="json")`` plus extras."""
    return _env.get_template("review.md.j2").render(r=review)


@dataclass(frozen=True)
class HumanEdit:
    """A person's edit of Followthrough's part of a document that a write replaced.

    Confluence keeps the replaced version in the page history; ``url`` opens it.
    """

    version: int  # the version that held the person's edit
    url: str
    author: str | None  # display name (or account id) of who saved it, when known
    sections: tuple[str, ...]  # the sections they changed


@dataclass(frozen=True)
class DocumentWritten:
    """What a write did."""

    url: str  # where people open the document
    changed: bool = True  # False when the document already said exactly this
    version: int | None = None  # the document's version after the write, where it has versions
    human_edit: HumanEdit | None = None  # a person's edit this write replaced


class DocumentStore(Protocol):
    name: str
    external: bool  # the document lives outside Followthrough (tickets link to it)

    def write(self, incident_id: str, review: Mapping[str, Any]) -> str:
        """Write (or re-write) the document; return the URL people open."""
        ...

    def write_document(self, incident_id: str, review: Mapping[str, Any]) -> DocumentWritten:
        """Write (or re-write) the document; say what changed and whose edit it replaced."""
        ...

    def read(self, incident_id: str) -> str | None:
        """The current document text, if any."""
        ...


class MarkdownDocuments:
    """One ``<incident id>.md`` per review under ``folder``; the URL is the web page's copy."""

    name = "markdown"
    external = False

    def __init__(self, folder: Path, base_url: str) -> None:
        self.folder = folder
        self.base_url = base_url.rstrip("/")

    def path(self, incident_id: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in incident_id)
        return self.folder / f"{safe}.md"

    def write(self, incident_id: str, review: Mapping[str, Any]) -> str:
        return self.write_document(incident_id, review).url

    def write_document(self, incident_id: str, review: Mapping[str, Any]) -> DocumentWritten:
        """Replace the file atomically; ``changed`` is False when it already held this text."""
        text = render_review_markdown(review)
        target = self.path(incident_id)
        url = f"{self.base_url}/reviews/{incident_id}/document"
        try:
            if target.exists() and target.read_text(encoding="utf-8") == text:
                return DocumentWritten(url=url, changed=False)
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(target, text)
        except OSError as exc:
            raise ConnectorError(
                System.DOCUMENTS,
                ErrorKind.UNAVAILABLE,
                f"cannot write {target.name}: {exc.strerror}",
            ) from exc
        return DocumentWritten(url=url)

    def read(self, incident_id: str) -> str | None:
        target = self.path(incident_id)
        return target.read_text(encoding="utf-8") if target.exists() else None
