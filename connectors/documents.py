"""Review documents: the protocol, and the embedded default of Markdown files.

The document is rendered from the review's state (a JSON-able mapping) with one Jinja2 template, so
the file on disk, the web page's copy and any future backend (Confluence, Google Docs) show the same
sections: summary, timeline, symptom and five whys, root causes, action items, what went well,
follow-up.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from connectors.errors import ConnectorError, ErrorKind, System
from connectors.files import write_atomic

__all__ = [
    "TEMPLATES",
    "DocumentStore",
    "DocumentWritten",
    "HumanEdit",
    "MarkdownDocuments",
    "document_name",
    "is_web_url",
    "md_text",
    "render_review_markdown",
]

TEMPLATES = Path(__file__).parent / "templates"

#: Characters that start Markdown inline structures anywhere in a line (emphasis, code, links,
#: images, strikethrough, table cells, escapes), and the three HTML makes special.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
#: What starts a block when it opens a line: headings, lists, quotes (already &gt;), rules.
_BLOCK_START = re.compile(r"^(\s*)(?:([#+=-])|(\d+)([.)]))")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
#: Any character :func:`md_text` replaces or escapes (control, HTML's, Markdown's inline ones).
_ESCAPED = re.compile(r"[\x00-\x1f\x7f&<>\\`*_\[\]|~]")
#: Readable characters a link target keeps; everything else is percent-encoded, so a target can
#: neither close the ``(...)`` nor start a title.
_URL_SAFE = "/:?#@!$&'*+,;=%~-._"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


class Markdown(str):
    """Text that is already Markdown (escaped values, built links): the template keeps it as is."""


def md_text(value: object) -> Markdown:
    """Any value as literal text in Markdown and in the HTML a Markdown renderer makes of it.

    HTML's ``& < >`` become entities, Markdown's inline punctuation gets a backslash, a block
    marker at the start (``#``, ``-``, ``+``, ``=``, ``1.``) is escaped, and line breaks and other
    control characters become one space, so a value cannot leave its line, its table cell or its
    list item. ``None`` is empty.
    """
    if isinstance(value, Markdown):
        return value
    text = "" if value is None else str(value)
    if _ESCAPED.search(text) is None and _BLOCK_START.match(text) is None:
        # Most values (dates, names, ids, plain sentences) have nothing to escape: one search
        # instead of three substitutions and a translation (a document renders some 300 values).
        return Markdown(text)
    text = _CONTROL.sub(" ", text)
    text = text.translate(_HTML)  # one C pass: a document renders some 300 values
    text = _INLINE.sub(r"\\\1", text)
    text = _BLOCK_START.sub(_escape_block_start, text, count=1)
    return Markdown(text)


def _escape_block_start(match: re.Match[str]) -> str:
    indent, marker, number, dot = match.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\{dot}"


def is_web_url(text: str) -> bool:
    """Whether ``text`` is an http(s) URL with a host (what a document may link to)."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def safe_url(url: object) -> str | None:
    """``url`` fit for a Markdown link target, or None unless it is http(s) with a host."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not is_web_url(text):
        return None
    return quote(text, safe=_URL_SAFE).replace("(", "%28").replace(")", "%29")


def md_link(text: object, url: object) -> Markdown:
    """``[text](url)`` when ``url`` is http(s); otherwise the text alone."""
    target = safe_url(url)
    label = md_text(text)
    return Markdown(f"[{label}]({target})") if target else label


class _ItemsFirst(Environment):
    """Jinja's environment with ``value.name`` read as the item first on a plain dict.

    Jinja tries ``getattr`` and falls back to the item, so every ``r.incident`` on the dumped
    review raised and caught an ``AttributeError`` first (some 2,500 lookups per review in the
    cost profile). A name that is a ``dict`` method (``r.get``, ``x.items``) still reads the
    method, as before; for every other name ``getattr`` on a dict always failed, so the result is
    the same.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


_DICT_NAMES = frozenset(dir(dict))

_env = _ItemsFirst(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    # Markdown, not HTML: every {{ value }} goes through md_text instead (finalize), so nothing
    # from outside or from people reaches the document unescaped; md_link builds the links.
    autoescape=False,
    finalize=md_text,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["link"] = md_link
_env.filters["md"] = md_text  # kept for templates that escape explicitly; escaping is idempotent


def render_review_markdown(review: Mapping[str, Any]) -> str:
    """The review document as Markdown, from ``ReviewState.model_dump(mode="json")`` plus extras."""
    return _env.get_template("review.md.j2").render(r=review)


def document_name(incident_id: str) -> str:
    """The file name of a review's document: readable, and unique per incident id.

    Ids are reduced to letters, digits, ``-`` and ``_`` (at most 60 of them), so two ids can read
    alike; the suffix, the first 12 hex digits of the id's SHA-256, keeps their files apart.
    """
    readable = _SAFE_NAME.sub("_", incident_id)[:60]
    digest = hashlib.sha256(incident_id.encode("utf-8")).hexdigest()[:12]
    return f"{readable}-{digest}.md"


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


def _read_or_none(path: Path) -> str | None:
    """The file's text, or None when there is none (one open instead of a stat and an open)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


class MarkdownDocuments:
    """One file per review under ``folder`` (see :func:`document_name`); the URL is the web
    page's copy."""

    name = "markdown"
    external = False

    def __init__(self, folder: Path, base_url: str) -> None:
        self.folder = folder
        self.base_url = base_url.rstrip("/")

    def path(self, incident_id: str) -> Path:
        return self.folder / document_name(incident_id)

    def _legacy_path(self, incident_id: str) -> Path | None:
        """Where 0.1.0 wrote the document (``<id>.md``), for ids whose old name was theirs alone.

        0.1.0 replaced every character but letters, digits, ``-`` and ``_`` with ``_``, so only
        an id without ``_`` and without replaced characters cannot share its old name.
        """
        if all((c.isalnum() or c == "-") for c in incident_id) and incident_id:
            return self.folder / f"{incident_id}.md"
        return None

    def write(self, incident_id: str, review: Mapping[str, Any]) -> str:
        return self.write_document(incident_id, review).url

    def write_document(self, incident_id: str, review: Mapping[str, Any]) -> DocumentWritten:
        """Replace the file atomically; ``changed`` is False when it already held this text."""
        text = render_review_markdown(review)
        target = self.path(incident_id)
        url = f"{self.base_url}/reviews/{incident_id}/document"
        try:
            if _read_or_none(target) == text:
                return DocumentWritten(url=url, changed=False)
            try:
                write_atomic(target, text)
            except FileNotFoundError:  # the folder's first document (or someone removed it)
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
        """The document; a review from 0.1.0 shows its old file until its next re-render."""
        for target in (self.path(incident_id), self._legacy_path(incident_id)):
            if target is not None and target.exists():
                return target.read_text(encoding="utf-8")
        return None
