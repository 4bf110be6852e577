"""Names and person words: the responders' names, the given and family names of many cultures, the
systems that are not people, and the word classes (``data/blame.json``) that tell people from systems.

A responder's name counts in any part, any case, accents ignored, possessive or not; a given name
counts where it is written as one; a name that is an ordinary word (Art, Faith, Frank, Joy, Max)
counts only when written as a name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from workflows.rules.lexicon import classes, read_json, read_list
from workflows.rules.text import Sentence, Token, fold, has

__all__ = [
    "FAMILY_NAMES",
    "FIRST_NAMES",
    "ORDINARY_NAMES",
    "SYSTEMS",
    "C",
    "Mention",
    "Names",
    "guessed_name",
    "mentions",
    "name_at",
    "names",
    "names_key",
    "person_word",
]


_DATA = read_json("blame.json")


C = classes(_DATA)


# The hand-made lists, and the large generated ones (``tests/rules/build_names.py``: Faker's
# given names of many locales, the ordinary words among them from a dictionary).
FIRST_NAMES = read_list("first_names.txt") | read_list("given_names.txt")


ORDINARY_NAMES = read_list("ordinary_names.txt") | read_list("given_names_ordinary.txt")


#: Family names that are no ordinary word ("Tanaka", "Kowalczyk", "Okafor"): written capitalised,
#: they name a person as surely as a given name does.
FAMILY_NAMES = read_list("family_names.txt")


SYSTEMS = read_list("systems.txt")


_PARTICLES = frozenset(
    {
        "de",
        "da",
        "del",
        "della",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "di",
        "du",
        "bin",
        "al",
        "el",
        "ter",
        "ten",
        "y",
        "e",
        "dos",
        "das",
        "st",
    }
)


_VERBISH = (
    C["strong_fail"]
    | C["weak_fail"]
    | C["omission_verbs"]
    | C["did_not"]
    | C["cause_verbs"]
    | frozenset(
        {
            "fail",
            "be",
            "have",
            "do",
            "will",
            "can",
            "shall",
            "may",
            "must",
            "said",
            "say",
            "think",
            "decide",
            "ran",
            "run",
            "go",
            "get",
            "and",
            "or",
            ",",
        }
    )
)


_HONORIFICS = C["honorifics"]


@dataclass(frozen=True)
class Names:
    """Responders' names, folded, each part mapped to the name as given."""

    parts: dict[str, str]

    def lookup(self, tok: Token) -> str | None:
        found = self.parts.get(tok.low) or self.parts.get(tok.low.rstrip("."))
        if found is None and "-" in tok.low:
            # "Tanaka-san", "Hana-ssi": a name with an honorific suffix
            head, _, suffix = tok.low.rpartition("-")
            if suffix in _HONORIFICS:
                found = self.parts.get(head)
        return found


@lru_cache(maxsize=256)
def names(responders: tuple[str, ...]) -> Names:
    parts: dict[str, str] = {}
    for raw in responders:
        full = " ".join(raw.split())
        for piece in full.replace(",", " ").split():
            low = fold(piece).strip(".'")
            if len(low) < 2 or low in _PARTICLES or not any(c.isalpha() for c in low):
                continue
            parts.setdefault(low, full)
            parts.setdefault(fold(piece), full)
    return Names(parts=parts)


def names_key(responders: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({r.strip() for r in responders if r and r.strip()}))


@dataclass(frozen=True)
class Mention:
    """A person in a sentence: who (the name, if named) and how sure we are."""

    start: int  # token index in the sentence
    end: int
    name: str | None  # a responder's name or a given name
    strong: bool  # a role, pronoun, responder or known given name (not a guess)


def name_at(sent: Sentence, i: int, known: Names) -> Mention | None:
    """A name written at token ``i`` of the sentence (``sent.tokens``), if there is one."""
    toks = sent.tokens
    tok = toks[i]
    if not tok.word or not any(c.isalpha() for c in tok.text):
        return None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if i > 0 and toks[i - 1].text == "@" and toks[i - 1].end == tok.start:
        # a chat handle ("@bwright force-pushed to main"): a person, whatever the word
        return Mention(i, i, known.lookup(tok) or tok.text, True)
    responder = known.lookup(tok)
    ordinary = tok.low in ORDINARY_NAMES
    if ordinary and not (_written_as_name(sent, i, nxt) or _terse_responder(tok, nxt, responder)):
        return None
    if responder is not None:
        end = i
        while end + 1 < len(toks) and known.lookup(toks[end + 1]) == responder:
            end += 1
        return Mention(i, end, responder, True)
    if (
        tok.first
        and not tok.cap
        and tok.low in FIRST_NAMES
        and tok.low not in ORDINARY_NAMES
        and nxt is not None
        and nxt.word
        and len(nxt.low) > 4
        and nxt.low.endswith("ed")
    ):
        return Mention(i, i, tok.text, True)  # "aisha merged without review": a terse note
    if sent.shouted or not tok.cap or tok.upper or tok.low in SYSTEMS:
        return None
    if tok.low in FIRST_NAMES or ordinary or tok.low in FAMILY_NAMES:
        end = i
        if nxt is not None and nxt.word and nxt.cap and not nxt.upper and nxt.low not in SYSTEMS:
            end = i + 1  # a family name
        return Mention(i, end, tok.text, True)
    return None


def _written_as_name(sent: Sentence, i: int, nxt: Token | None) -> bool:
    tok = sent.tokens[i]
    if not tok.cap or sent.shouted or tok.upper:
        return False
    if not tok.first:
        return True
    if tok.poss:
        return True
    return nxt is not None and (has(nxt, _VERBISH) or nxt.text in (",", "'"))


def _terse_responder(tok: Token, nxt: Token | None, responder: str | None) -> bool:
    """A responder's name that is also a word, written lower case at the start of a terse note
    and followed by a verb: "kim could have waited", "max disabled the check". Not the word
    itself: "max connections were reached", "will the failover work?" (no responder, or no
    verb after it)."""
    return (
        responder is not None
        and tok.first
        and not tok.cap
        and nxt is not None
        and nxt.word
        and nxt.low not in ("and", "or")
        and has(nxt, _VERBISH)
    )


def guessed_name(sent: Sentence, i: int) -> bool:
    """A capitalised word inside a sentence that is no known system: perhaps a name."""
    tok = sent.tokens[i]
    if sent.shouted or not tok.cap or tok.upper or tok.first or tok.low in SYSTEMS:
        return False
    if not tok.text.isalpha() and "'" not in tok.text and "\u2019" not in tok.text:
        return False
    prev = sent.tokens[i - 1] if i > 0 else None
    return not (prev is not None and prev.low in ("the", "a", "an", "our", "their"))


def person_word(tok: Token) -> bool:
    """A role, group or pronoun word ("engineer", "team", "they").

    A pronoun counts only as written: a lemma of another word that happens to spell one
    ("using" and "used" strip to "us") is no person. "it" is the IT department only written
    "IT"; lower case it is the pronoun for a thing.
    """
    if tok.low in _SHORT_WORDS:
        return tok.low in C["person_nouns"] or (tok.low == "it" and tok.text == "IT")
    return (
        has(tok, _ROLE_NOUNS)
        or tok.low in C["person_nouns"]
        or (tok.low in C["team_names"] and tok.low != "it")
        or (has(tok, C["group_heads"]) and tok.low not in ("shift", "rotation"))
    )


#: Person nouns that are pronouns (matched as written, never through a lemma).
_PRONOUNS = C["pronoun_person"] | frozenset({"whom", "us", "we", "i", "me"})
_ROLE_NOUNS = C["person_nouns"] - _PRONOUNS
_SHORT_WORDS = _PRONOUNS | frozenset({"it"})


def mentions(sent: Sentence, known: Names) -> list[Mention]:
    """Every person in the sentence: names, roles, teams and personal pronouns."""
    out: list[Mention] = []
    toks = sent.tokens
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.word:
            m = name_at(sent, i, known)
            if m is not None:
                out.append(m)
                i = m.end + 1
                continue
            if person_word(tok) and not tok.quoted:
                out.append(Mention(i, i, None, True))
            elif tok.low in ("team", "crew", "squad", "folks", "staff") or (
                guessed_name(sent, i) and i + 1 < len(toks) and has(toks[i + 1], _VERBISH)
            ):
                out.append(Mention(i, i, None, tok.low in ("team", "crew", "squad")))
        i += 1
    return out
