"""A vague done-when: nobody could check it, it restates the title, or it is a bare "done"."""

from __future__ import annotations

from collections.abc import Sequence

from workflows.codes import Code
from workflows.rules.common import squash
from workflows.rules.text import Token, has, normalise
from workflows.rules.vague.words import (
    DONE_WHEN_HINT,
    PHRASES,
    RAW,
    SUGGESTIONS,
    C,
    Vague,
    has_threshold,
    identifier,
    numeric,
    word_tokens,
)

__all__ = ["done_when_findings"]


#: Most words a bare "done" has ("when it is all good"): longer criteria are read word by word.
_LONGEST_GENERIC = 6


def _content(toks: Sequence[Token]) -> list[Token]:
    return [t for t in toks if t.word and t.low not in C["stop"] and not numeric(t)]


def done_when_findings(done_when: str, title: str) -> list[Vague]:
    toks = word_tokens(done_when)
    words = [t for t in toks if t.word]
    if not words:
        return []
    out: list[Vague] = []

    def add(i: int, j: int, why: str) -> None:
        span = done_when[toks[i].start : toks[j].end]
        out.append(
            Vague(
                toks[i].start,
                toks[j].end,
                Code.DONE_WHEN_NOT_MEASURABLE,
                f'The done-when criterion "{squash(done_when)}" is not measurable '
                f'("{squash(span)}"): {why}',
                DONE_WHEN_HINT,
                SUGGESTIONS["done_when"],
            )
        )

    first = next(k for k, t in enumerate(toks) if t.word)
    last = next(k for k in range(len(toks) - 1, -1, -1) if toks[k].word)
    # A bare "done" is a few words at most: a long criterion need not be normalised to tell.
    norm = normalise(done_when) if len(words) <= _LONGEST_GENERIC else ""
    if norm in C["generic_done"] or (
        norm.removeprefix("when ").removeprefix("it is ").removeprefix("it s ") in C["generic_done"]
    ):
        end = last + 1 if last + 1 < len(toks) and toks[last + 1].text == "." else last
        add(first, end, "it only says the work is done.")
        return out
    number = has_threshold(toks)
    for p, i, j in PHRASES.scan(toks):
        veto = p.info.get("veto_prev", [])
        if any(x.low in veto for x in toks[max(0, i - 3) : i]):  # type: ignore[operator]
            continue  # "shows secret-scan as required": a status, not a hedge
        if p.info["kind"] == "weasel" and not toks[i].quoted:
            add(i, j, "it hedges.")
            return out
    if not number:
        for i, t in enumerate(toks):
            if (
                t.word
                and has(t, C["unmeasurable"])
                and not (
                    t.low in ("more", "less", "fewer", "never", "again", "anymore", "look", "looks")
                    and not _no_more(toks, i)
                )
            ):
                if t.low in ("look", "looks", "feel", "feels", "seem", "seems") and not any(
                    has(x, C["unmeasurable"] - {"look", "looks", "feel", "feels", "seem", "seems"})
                    for x in toks[i + 1 : i + 4]
                ):
                    continue
                add(i, i, "nobody could check it.")
                return out
    # Restates the title: every content word of the done-when is already in the title, and no
    # event someone could observe is named ("VPN hardened" for "Harden the VPN config"; not "a
    # schema change without a migration fails the build" for "Improve the deploy check by
    # failing builds…", which names the failure to watch for).
    content = _content(toks)
    title_toks = word_tokens(title)
    title_lemmas: set[str] = set()
    for t in _content(title_toks):
        title_lemmas |= _with_synonyms(t.lem)
    if (
        content
        and not number
        and all(
            not _with_synonyms(t.lem).isdisjoint(title_lemmas) or t.low in C["generic_done"]
            for t in content
        )
        and not any(t.quoted or identifier(t) for t in toks)
        and not any(
            has(t, C["outcome_verbs"])
            and t.low not in C["generic_done"]  # "alerting works": the title, said to be done
            and _with_synonyms(t.lem).isdisjoint(title_lemmas)
            for t in toks
            if t.word
        )
    ):
        add(first, last, "it only restates the title.")
        return out
    observable = (
        number
        or any(t.word and (has(t, C["measurable_verbs"]) or has(t, C["outputs"])) for t in toks)
        # "the runbook is in the wiki": where a document lives can be looked up
        or any(
            has(t, _PLACES) and any(x.low in ("in", "on", "from") for x in toks[max(0, k - 3) : k])
            for k, t in enumerate(toks)
        )
        or any(t.quoted or identifier(t) for t in toks)
    )
    if not observable:
        add(first, last, "it names no observable check.")
    return out


#: Where something can be looked up: a document, and the boards and charts that show data
#: ("a week of samples is on the capacity dashboard").
_PLACES = C["documents"] | frozenset({"dashboard", "panel", "graph", "chart", "board", "handbook"})


_SYNONYMS: dict[str, str] = {k.casefold(): v.casefold() for k, v in RAW["synonyms"].items()}


def _with_synonyms(lem: frozenset[str]) -> frozenset[str]:
    """A word's lemmas and the long forms of its abbreviations ("docs" -> "documentation")."""
    extra = {_SYNONYMS[x] for x in lem if x in _SYNONYMS}
    return lem | extra if extra else lem


def _no_more(toks: Sequence[Token], i: int) -> bool:
    """ "no more incidents", "never again", "fewer pages" without a number."""
    t = toks[i]
    if t.low in ("never", "again", "anymore"):
        return True
    if t.low in ("more", "less", "fewer"):
        prev = toks[i - 1] if i > 0 else None
        return (prev is not None and prev.low in ("no", "any")) or t.low == "fewer"
    return False
