"""What the tests of people and names ask: the kind of a verb's subject, and the name it refers to."""

from __future__ import annotations

from workflows.rules.names import names, names_key
from workflows.rules.people import subject_of
from workflows.rules.text import split

__all__ = ["RESPONDERS", "subject"]


RESPONDERS = ["Oksana Petrenko", "José García", "Erin O'Neil", "Max Power"]


def subject(text: str, verb: str, responders: list[str] = RESPONDERS) -> tuple[str, str | None]:
    """The kind of the subject of ``verb`` in ``text``, and the name it refers to."""
    (sent,) = split(text)
    i = next(k for k, t in enumerate(sent.tokens) if t.low == verb)
    phrase = subject_of(sent, i, names(names_key(responders)))
    return phrase.kind, phrase.name
