"""Forms of "should" and "should have", as listed in ``data/blame.json`` and as misspelt: one
letter dropped, added, changed or two swapped ("shoud", "sould", "shuold"), with or without a
contracted "have" glued on ("shoud've", "sholda")."""

from __future__ import annotations

from workflows.rules.blame.evidence import RAW

__all__ = ["bare_should_have", "should_word"]


_SHOULD = frozenset(RAW["should_forms"])


_BARE_SHOULD_HAVE = frozenset(RAW["bare_should_have"])

#: What a contracted "have" looks like glued to a misspelt "should": "shoud've", "sholda".
_HAVE_SUFFIXES = ("'ve", "\u2019ve", "ve", "'a", "da", "a", "'v", "v")


def _near_should(stem: str) -> bool:
    """``stem`` is "should" or "shouldnt" with one letter dropped, added, changed or two
    swapped ("shoud", "sould", "shuold", "shouldt"): a misspelling, not another word."""
    return (
        len(stem) >= 4
        and stem[0] == "s"
        and any(_one_edit(stem, target) for target in ("should", "shouldnt"))
    )


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:k] + long[k + 1 :] == short for k in range(len(long)))


def should_word(low: str) -> bool:
    """A form of "should" (a listed one, or a misspelling of it)."""
    return low in _SHOULD or low in _BARE_SHOULD_HAVE or _near_should(low.replace("'", ""))


def bare_should_have(low: str) -> bool:
    """ "should have" written as one word: "shoulda", "shoud've", "sholdve"."""
    if low in _BARE_SHOULD_HAVE:
        return True
    for suffix in _HAVE_SUFFIXES:
        if low.endswith(suffix) and _near_should(low[: -len(suffix)].replace("'", "")):
            return True
    return False
