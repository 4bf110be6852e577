"""Who a phrase is about: people, roles, teams, responders' names and pronouns, or systems.

The checks ask this of the words before a failure verb (its subject), after "by" in a passive
(its agent) and after "if" or "had" in a counterfactual. A noun phrase is read backwards from its
head over at most a few words; it is a person when its head is a role or group word ("the DBA on
duty", "the storage team", "the new hire"), a personal pronoun, a responder's name (any part of
it, any case, accents ignored, possessive or not) or a given name written as one; it is a
person's change when a person's possessive modifies a change ("Oksana's migration"). Everything
else is a system. Names that are ordinary words (Art, Faith, Frank, Joy, Max) count only when
written as names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from workflows.rules.lexicon import classes, read_json, read_list
from workflows.rules.text import Sentence, Token, fold, has

__all__ = [
    "FIRST_NAMES",
    "ORDINARY_NAMES",
    "SYSTEMS",
    "C",
    "Mention",
    "Names",
    "Phrase",
    "agent_after",
    "classify",
    "guessed_name",
    "mentions",
    "name_at",
    "names",
    "names_key",
    "person_word",
    "phrase_before",
    "subject_of",
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
    responder = known.lookup(tok)
    ordinary = tok.low in ORDINARY_NAMES
    if ordinary and not _written_as_name(sent, i, nxt):
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
    """A role, group or pronoun word ("engineer", "team", "they")."""
    return (
        has(tok, C["person_nouns"])
        or tok.low in C["team_names"]
        or (has(tok, C["group_heads"]) and tok.low not in ("shift", "rotation"))
    )


@dataclass(frozen=True)
class Phrase:
    """The noun phrase ending at a head token, and what it refers to."""

    start: int
    end: int
    kind: str  # "person", "change" (a person's change), "guess" (maybe a name), "system", "none"
    name: str | None = None


_NP_BOUNDARY = C["np_boundary"]
_SYSTEM_PRONOUNS = C["system_pronouns"]


def phrase_before(sent: Sentence, head: int, known: Names) -> Phrase:
    """The phrase ending at token ``head`` (reading backwards at most 5 words)."""
    toks = sent.tokens
    if head < 0 or not toks[head].word:
        return Phrase(head, head, "none")
    start = head
    while (
        start - 1 >= 0
        and head - start < 5
        and toks[start - 1].word
        and toks[start - 1].clause == toks[head].clause
        and toks[start - 1].low not in _NP_BOUNDARY
        and not has(toks[start - 1], C["aux_adverbs"] - {"all", "both"})
        and not has(toks[start - 1], C["did_not"])
    ):
        start -= 1
    return classify(sent, start, head, known)


def classify(sent: Sentence, start: int, head: int, known: Names) -> Phrase:
    toks = sent.tokens
    h = toks[head]
    if h.low in _SYSTEM_PRONOUNS and not h.poss:
        return Phrase(start, head, "system")
    # A person's possessive before a change: "Oksana's migration", "the DBA's script".
    for k in range(start, head):
        t = toks[k]
        if t.poss and (name_at(sent, k, known) or person_word(t) or guessed_name(sent, k)):
            if has(h, C["change_nouns"]):
                m = name_at(sent, k, known)
                return Phrase(start, head, "change", m.name if m else t.text.rstrip("'s\u2019"))
            return Phrase(start, head, "system")
    for k in range(head, start - 1, -1):
        m = name_at(sent, k, known)
        if m is not None and (k == head or m.end >= head):
            first = k
            while first - 1 >= start and m.name and known.lookup(toks[first - 1]) == m.name:
                first -= 1  # "Alice Smith": the whole name
            if first - 1 >= start:
                before = name_at(sent, first - 1, known)
                if before is not None and before.end >= first:
                    first -= 1  # "Chen Wei", "Kowalczyk Marek": a family name written first
            return Phrase(first, head, "person", m.name)
    if has(h, C["person_nouns"]) or h.low in C["team_names"]:
        return Phrase(start, head, "person")
    if has(h, C["group_heads"]):
        return Phrase(start, head, "person")
    if head > 0 and toks[head - 1].low in ("on", "on-call") and h.low in ("call", "duty"):
        return Phrase(start, head, "person")  # "the DBA on duty", "the engineer on call"
    if guessed_name(sent, head):
        return Phrase(start, head, "guess", h.text)
    return Phrase(start, head, "system")


def subject_of(sent: Sentence, pred: int, known: Names) -> Phrase:
    """The subject of the verb at token ``pred``: the phrase before it, over adverbs and auxiliaries.

    "who" before the verb is a person; "that"/"which" stand for the phrase before them; "the DBA
    on duty forgot" reads past "on duty".
    """
    toks = sent.tokens
    j = pred - 1
    skipped = 0
    while (
        j >= 0
        and toks[j].word
        and skipped < 5
        and (
            has(toks[j], C["aux_adverbs"])
            or has(toks[j], C["did_not"])
            # "the on-call manually edited…": an adverb by its ending (not "Emily", "Lily")
            or (len(toks[j].low) > 5 and toks[j].low.endswith("ly") and not toks[j].cap)
            or toks[j].low
            in (
                "did",
                "do",
                "does",
                "was",
                "were",
                "is",
                "are",
                "had",
                "has",
                "have",
                "been",
                "be",
                "would",
                "could",
                "might",
                "will",
                "must",
                "somehow",
                "then",
                "later",
                "finally",
                "eventually",
            )
        )
    ):
        j -= 1
        skipped += 1
    if j < 0:
        return Phrase(pred, pred, "none")
    if toks[j].low in ("and", "but", "then", "yet"):
        # "Lars had disabled the alert and never turned it back on": the coordinated verb
        # shares the subject of the clause before.
        return _coordinated_subject(sent, j, known)
    if (
        toks[j].text == "."
        and j > 0
        and toks[j - 1].end == toks[j].start
        and ("." in toks[j - 1].text or len(toks[j - 1].text) <= 2)
    ):
        j -= 1  # "J.R. forgot": the initials' last dot
    tok = toks[j]
    if tok.low == "what" and j > 1 and toks[j - 1].low in ("is", "was", "'s"):
        # "Bogdan's reindex job is what saturated the disks"
        return phrase_before(sent, j - 2, known)
    if tok.low == "who":
        return Phrase(j, j, "person")
    if tok.low in ("that", "which") and j > 0:
        return phrase_before(sent, j - 1, known)
    if not tok.word:
        return Phrase(j, j, "none")
    # "the DBA on duty", "the engineer on call", "the team in charge"
    if (
        j >= 2
        and tok.low in ("duty", "call", "shift", "charge", "rotation")
        and toks[j - 1].low in ("on", "in")
    ):
        inner = phrase_before(sent, j - 2, known)
        if inner.kind in ("person", "guess", "system"):
            return Phrase(inner.start, j, "person")
    phrase = phrase_before(sent, j, known)
    if phrase.kind == "system":
        return _relative_subject(sent, phrase, known) or phrase
    if phrase.start > 0 and toks[phrase.start - 1].low in C["permissive"]:
        # "the console lets anyone delete…", "the runbook told the on-call to restart…": the
        # person acts inside a condition the system sets; that condition is the subject.
        return Phrase(phrase.start, phrase.end, "system")
    return phrase


def _coordinated_subject(sent: Sentence, conj: int, known: Names) -> Phrase:
    """The subject of the clause before a conjunction: its first noun phrase, if it is one."""
    toks = sent.tokens
    start = conj - 1
    while start > 0 and conj - start < 12 and toks[start - 1].word:
        if toks[start - 1].low in ("and", "but", "because", "so", "when", "while", "if"):
            break
        start -= 1
    for head in range(start, min(conj, start + 5)):
        if not toks[head].word:
            break
        phrase = classify(sent, start, head, known)
        if phrase.kind in ("person", "guess"):
            return phrase
    return Phrase(conj, conj, "none")


def _relative_subject(sent: Sentence, phrase: Phrase, known: Names) -> Phrase | None:
    """The person a relative clause hangs on: "the developer who wrote the migration didn't…"
    reads "the migration" first, then finds "who" and the developer before it; "whoever
    approved this should have…" is a person too."""
    toks = sent.tokens
    for k in range(phrase.end - 1, max(-1, phrase.start - 6), -1):
        t = toks[k]
        if t.low in ("whoever", "whomever"):
            return Phrase(k, k, "person")
        if k >= phrase.start:
            continue
        if t.low == "who" and k > 0:
            before = phrase_before(sent, k - 1, known)
            return before if before.kind in ("person", "guess") else None
        if not t.word:
            return None
    return None


def agent_after(sent: Sentence, k: int, known: Names) -> Phrase:
    """The phrase starting at token ``k`` (after "by", "if", "had"), up to 5 words."""
    toks = sent.tokens
    end = k
    if (
        k + 2 < len(toks)
        and toks[k].low in ("one", "some", "several", "two", "any", "none")
        and toks[k + 1].low == "of"
    ):
        end = k + 2  # "one of the contractors"
        if toks[end].low in ("the", "our", "their", "those"):
            end += 1
    while end < len(toks) and toks[end].word and end - k < 7:
        t = toks[end]
        if name_at(sent, end, known) or person_word(t) or guessed_name(sent, end):
            m = name_at(sent, end, known)
            last = m.end if m else end
            while (
                m is None
                and last + 1 < len(toks)
                and toks[last + 1].word
                and (person_word(toks[last + 1]) or has(toks[last + 1], C["group_heads"]))
            ):
                last += 1  # "the support agent", "the QA lead", "the data team"
            if t.poss and last + 1 < len(toks) and has(toks[last + 1], C["change_nouns"]):
                return Phrase(k, last + 1, "change", m.name if m else t.text)
            kind = "person" if (m or person_word(t)) else "guess"
            return Phrase(k, last, kind, m.name if m else (t.text if kind == "guess" else None))
        if end > k and (t.low in _NP_BOUNDARY or has(t, C["did_not"])):
            break
        end += 1
    return Phrase(k, max(k, end - 1), "system")


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
