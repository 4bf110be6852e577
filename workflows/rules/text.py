"""Sentence analysis shared by the method checks: tokens, lemmas, sentences, clauses, quotes.

Everything here is linear in the text: one regular-expression pass makes the tokens, one pass over
the tokens marks sentences, clauses and quotations. Lemmas are *candidate* lemmas: a token carries
every base form a few suffix rules and the irregular-verb table can give it ("dropped" gives
"drop", "dropp" and "droppe"), so a lexicon that lists base forms matches every inflection without
a tagger; the spurious candidates are not words and match nothing.

Pure: no I/O at call time (the tables are read once, at import, by :mod:`lexicon`), no clock, no
randomness, so the checks can run inside workflow tasks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from workflows.rules.lexicon import LEX

__all__ = ["Sentence", "Token", "fold", "has", "lemmas", "normalise", "split", "squash", "tokenize"]

# A word: letters and digits, with inner hyphens, apostrophes or dots ("on-call", "didn't",
# "search-3", "node.js"), a time of day ("14:02"), and "w/o" (read as "without"); anything else
# that is not space is one punctuation token.
_TOKEN = re.compile(
    r"(?<![^\W_])[wW]/[oO](?![^\W_])|(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)|[^\W_]+(?:[-'\u2019.][^\W_]+)*(?:(?<=[sSzZ])['\u2019](?=\s|$))?|[^\w\s]|_+"
)

_DIGIT = re.compile(r"\d")
_SENTENCE_END = frozenset({".", "!", "?", "\u2026"})
_CLAUSE_PUNCT = frozenset({",", ";", ":", "(", ")", "[", "]", "\u2014", "\u2013", "-", "/"})
_DOUBLE_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201d", "\u00ab": "\u00bb", "`": "`"}


def fold(word: str) -> str:
    """Casefold, curly apostrophes straightened, accents removed ("José" and "jose" compare)."""
    low = word.casefold().replace("\u2019", "'")
    if low.isascii():
        return low
    decomposed = unicodedata.normalize("NFKD", low)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=8192)
def lemmas(word: str) -> frozenset[str]:
    """Candidate base forms of a folded word (the word itself included)."""
    out = {word}
    irregular = LEX.irregular.get(word)
    if irregular:
        out.add(irregular)
    if "-" in word and word.count("-") <= 3:
        # "double-checked" -> "double-check": inflect the last part, keep the rest.
        out.add(word.replace("-", ""))
        head, _, last = word.rpartition("-")
        if last.isalpha() and len(last) > 3:
            out |= {f"{head}-{x}" for x in lemmas(last) if x != last}
        return frozenset(out)
    if len(word) <= 3 or not word.isalpha():
        return frozenset(out)
    for suffix, replacements in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stem = word[: -len(suffix)]
            for rep in replacements:
                out.add(stem + rep)
            if suffix in ("ed", "ing", "er", "est") and len(stem) >= 3 and stem[-1] == stem[-2]:
                out.add(stem[:-1])  # dropped -> drop, slipping -> slip
    return frozenset(out)


_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("iness", ("y",)),
    ("ness", ("",)),
    ("ily", ("y",)),
    ("ly", ("", "le")),
    ("ies", ("y",)),
    ("ied", ("y",)),
    ("ied", ("y",)),
    ("es", ("", "e")),
    ("s", ("",)),
    ("ed", ("", "e")),
    ("ing", ("", "e")),
    ("er", ("", "e")),
    ("est", ("", "e")),
)


@dataclass(slots=True)
class Token:
    """One token of a text, with its offsets and what the checks ask about it."""

    text: str
    low: str  # folded; a possessive "'s" removed
    start: int
    end: int
    index: int
    word: bool
    cap: bool  # starts with an upper-case letter
    upper: bool  # all letters upper case (and more than one)
    poss: bool  # ends in 's or s'
    lem: frozenset[str]
    sentence: int = 0
    clause: int = 0
    first: bool = False  # first word of its sentence
    quoted: bool = False
    digit: bool = False  # has a digit ("30", "search-3", "5xx")


@dataclass(slots=True)
class Sentence:
    """A sentence: a slice of the text's tokens, and whether it is shouted (all capitals)."""

    index: int
    tokens: list[Token]
    start: int
    end: int
    shouted: bool = False
    words: list[Token] = field(default_factory=list)


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        first = raw[0]
        is_word = first.isalnum()
        low = fold(raw)
        if low == "w/o":
            low = "without"
        poss = False
        if (
            is_word
            and len(low) > 2
            and (low.endswith("'s") or low.endswith("s'"))
            and low not in LEX.contractions
        ):
            poss = True
            low = low[:-2] if low.endswith("'s") else low[:-1]
        letters = [c for c in raw if c.isalpha()]
        out.append(
            Token(
                text=raw,
                low=low,
                start=m.start(),
                end=m.end(),
                index=len(out),
                word=is_word,
                cap=first.isupper(),
                upper=len(letters) > 1 and all(c.isupper() for c in letters),
                poss=poss,
                lem=lemmas(low) if is_word else frozenset((low,)),
                digit=is_word and not raw.isalpha() and _DIGIT.search(raw) is not None,
            )
        )
    return out


def _is_abbreviation(tokens: list[Token], i: int) -> bool:
    """Whether the "." at ``i`` ends an abbreviation ("e.g.", "approx.", an initial "J.")."""
    if i == 0:
        return False
    before = tokens[i - 1]
    if before.end != tokens[i].start or not before.word:
        return False
    if before.low in LEX.abbreviations:
        return True
    if "." in before.text and all(len(part) <= 2 for part in before.text.split(".")):
        return True  # "J.R.", "U.S.", "e.g."
    return len(before.text) == 1 and before.text.isupper()


@lru_cache(maxsize=16)
def split(text: str) -> tuple[Sentence, ...]:
    """The text's sentences, with clause numbers and quotation marks set on every token.

    A sentence ends at ".", "!", "?" or "…" (not after an abbreviation or inside a number), at a
    semicolon, and at a line break. Clauses end at commas, colons, dashes, brackets and the
    conjunctions of :data:`LEX.clause_words` ("but", "because", "although"…).

    The checks of one field read the same text several times (blame, then vagueness or the root
    cause), so the last texts' sentences are remembered; nothing changes a token after this.
    """
    return tuple(_split(text))


def _split(text: str) -> list[Sentence]:
    tokens = tokenize(text)
    _mark_quotes(text, tokens)
    sentences: list[Sentence] = []
    current: list[Token] = []
    clause = 0

    def close() -> None:
        if current:
            words = [t for t in current if t.word]
            letters = [t for t in words if any(c.isalpha() for c in t.text)]
            shouted = len(letters) >= 2 and all(t.upper for t in letters if len(t.text) > 1)
            sentences.append(
                Sentence(
                    index=len(sentences),
                    tokens=list(current),
                    start=current[0].start,
                    end=current[-1].end,
                    shouted=shouted,
                    words=words,
                )
            )
            if words:
                words[0].first = True
            current.clear()

    previous_end = 0
    for i, tok in enumerate(tokens):
        if (
            current
            and "\n" in text[previous_end : tok.start]
            and _line_break_ends(text, previous_end, tok)
        ):
            close()
            clause += 1
        tok.sentence = len(sentences)
        if tok.word and tok.low in LEX.clause_words and current:
            clause += 1
        tok.clause = clause
        current.append(tok)
        previous_end = tok.end
        if tok.text in _SENTENCE_END:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if tok.text == "." and _is_abbreviation(tokens, i):
                continue
            if nxt is not None and nxt.start == tok.end and nxt.word:
                continue  # "v1.2", "x.y" without a space
            if nxt is not None and nxt.text in _SENTENCE_END:
                continue  # "?!" or "..."
            trailing = tok.text == "\u2026" or (i > 0 and tokens[i - 1].text == "." == tok.text)
            if trailing and nxt is not None and nxt.word and nxt.text[0].islower():
                continue  # "Wait... then it crashed": the dots trail off, the sentence goes on
            close()
            clause += 1
        elif tok.text == ";":
            close()
            clause += 1
        elif tok.text in _CLAUSE_PUNCT:
            if tok.text == "-" and not (i > 0 and tokens[i - 1].end < tok.start):
                continue  # a hyphen glued to a word is not a dash
            clause += 1
            tok.clause = clause
    close()
    return sentences


def _line_break_ends(text: str, previous_end: int, tok: Token) -> bool:
    """A line break ends a sentence unless the line wraps: the next line goes on in lower case."""
    gap = text[previous_end : tok.start]
    if gap.count("\n") > 1:
        return True
    return not (tok.word and tok.text[0].islower())


def _mark_quotes(text: str, tokens: list[Token]) -> None:
    """Mark tokens between matching quotation marks on one line (an unclosed quote marks nothing).

    Straight and curly double quotes, backticks and guillemets pair up; a single quote opens only
    after a space or a bracket and before a letter, and closes only after a letter or punctuation
    and before a non-letter, so apostrophes ("didn't", "the engineers' laptops") never count.
    """
    spans: list[tuple[int, int]] = []
    open_double: tuple[str, int] | None = None
    open_single: int | None = None
    n = len(text)
    for i, ch in enumerate(text):
        if ch == "\n":
            open_double = None
            open_single = None
            continue
        if open_double is not None and ch == open_double[0]:
            spans.append((open_double[1], i))
            open_double = None
            continue
        if open_double is None and ch in _DOUBLE_QUOTES:
            open_double = (_DOUBLE_QUOTES[ch], i)
            continue
        if ch in ("'", "\u2018", "\u2019"):
            prev = text[i - 1] if i > 0 else " "
            nxt = text[i + 1] if i + 1 < n else " "
            if (
                open_single is None
                and ch != "\u2019"
                and (prev.isspace() or prev in "([{")
                and nxt.isalnum()
            ):
                open_single = i
            elif (
                open_single is not None
                and ch != "\u2018"
                and not nxt.isalnum()
                and (prev.isalnum() or prev in ".!?")
                and not (prev == "s" and nxt == " " and _plural_possessive(text, i))
            ):
                spans.append((open_single, i))
                open_single = None
    if not spans:
        return
    # Tokens and spans are both in text order: one merge pass.
    j = 0
    for tok in tokens:
        while j < len(spans) and spans[j][1] < tok.start:
            j += 1
        if j < len(spans) and spans[j][0] < tok.start and tok.end <= spans[j][1] + 1:
            tok.quoted = True


def _plural_possessive(text: str, i: int) -> bool:
    """Whether the ``'`` at ``i`` is the possessive of a plural ("the engineers' laptops")."""
    j = i + 1
    while j < len(text) and text[j] == " ":
        j += 1
    return j < len(text) and text[j].islower()


def has(tok: Token, words: frozenset[str] | set[str]) -> bool:
    """Whether one of the token's candidate lemmas is in ``words``."""
    return not tok.lem.isdisjoint(words)


class _PunctuationToSpace(dict[int, str]):
    """``str.translate``'s table for :func:`normalise`: a code point of Unicode category P or S
    becomes a space, any other stays; each is looked up once (``__missing__``) and kept, so the
    text's pass runs in C instead of one Python call per character. Deterministic (a pure function
    of the code point), so sharing it between workflow runs is replay-safe. Code points from
    :data:`_KEPT_BELOW` up are answered without being kept (the table stays small)."""

    def __missing__(self, point: int) -> str:
        ch = chr(point)
        mapped = " " if unicodedata.category(ch)[0] in ("P", "S") else ch
        if point < _KEPT_BELOW:
            self[point] = mapped
        return mapped


#: Code points :class:`_PunctuationToSpace` keeps (the BMP's alphabets and punctuation).
_KEPT_BELOW = 0x3000
_TO_SPACE = _PunctuationToSpace()


def normalise(text: str) -> str:
    """Casefold, punctuation and symbols to spaces, whitespace collapsed."""
    return " ".join(text.casefold().translate(_TO_SPACE).split())


def squash(text: str, limit: int = 80) -> str:
    """One line, at most ``limit`` characters, for quoting user text in messages.

    Reads only the first few times ``limit`` characters, so quoting a long text in every finding
    stays linear in the number of findings.
    """
    head = text[: limit * 4]
    flat = " ".join(head.split())
    if len(flat) <= limit and len(head) == len(text):
        return flat
    return flat[: limit - 1].rstrip() + "\u2026"
