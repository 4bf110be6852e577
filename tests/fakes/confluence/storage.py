"""Confluence's storage format: the well-formedness check and what a Page Properties Report reads."""

from __future__ import annotations

import html.entities
import xml.parsers.expat
from xml.etree import ElementTree

__all__ = ["NAMESPACES", "details_row", "storage_problem"]

NAMESPACES = {
    "ac": "http://atlassian.com/content",
    "ri": "http://atlassian.com/resource/identifier",
    "at": "http://atlassian.com/template",
}
ENTITY_DTD = "".join(
    f'<!ENTITY {name} "&#{code};">'
    for name, code in html.entities.name2codepoint.items()
    if name not in ("amp", "lt", "gt", "quot", "apos")
)


def _document(body: str) -> str:
    """``body`` as an XML document: HTML's named entities declared, the ``ac``/``ri``/``at``
    namespaces bound, one root around it."""
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    return f"<!DOCTYPE fake [{ENTITY_DTD}]><fake-root {namespaces}>{body}</fake-root>"


def storage_problem(value: str) -> str | None:
    """Why ``value`` is not well-formed storage format, in Confluence's words; None when it is."""
    document = _document(value).encode()
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(document, True)
    except xml.parsers.expat.ExpatError as exc:
        reason = xml.parsers.expat.ErrorString(exc.code)
        return f"Error parsing xhtml: {reason}\n at [row,col {{unknown-source}}]: [{exc.lineno},{exc.offset}]"
    return None


def details_row(body: str) -> dict[str, str] | None:
    """Key/value text of the first ``details`` macro's table, as a Page Properties Report reads it."""
    root = ElementTree.fromstring(_document(body))  # noqa: S314 - our own fake's stored, checked body
    ac = "{" + NAMESPACES["ac"] + "}"
    for macro in root.iter(f"{ac}structured-macro"):
        if macro.get(f"{ac}name") != "details":
            continue
        row: dict[str, str] = {}
        for tr in macro.iter("tr"):
            cells = [c for c in tr if c.tag in ("th", "td")]
            if len(cells) >= 2:
                key = " ".join("".join(cells[0].itertext()).split())
                row[key] = " ".join("".join(cells[1].itertext()).split())
        return row
    return None
