"""The vague-item model's features: what the rules found, and the words and cues of the title and
the done-when read separately.

Every feature knows its span, so a model finding points at the words that made it. Features are
binary and built in one pass over each field's tokens (the overlap test is a set lookup per
word): linear in the text. The model that weighs them is ``data/models/vague.json``, trained by
``python -m tests.rules.train_vague``.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.learned import Feature, word_features
from workflows.rules.text import Token, has
from workflows.rules.vague.words import C, Vague, concrete_token, identifier, quantity, word_tokens

__all__ = ["item_features"]

#: Words that follow a number and make it a value someone can check ("90 %", "10 minutes").
_UNITS = frozenset(
    {
        "%",
        "ms",
        "s",
        "sec",
        "secs",
        "second",
        "seconds",
        "minute",
        "minutes",
        "min",
        "mins",
        "hour",
        "hours",
        "h",
        "day",
        "days",
        "week",
        "weeks",
        "gb",
        "mb",
        "kb",
        "tb",
        "gib",
        "mib",
        "rps",
        "qps",
        "connections",
        "requests",
        "retries",
        "times",
        "replicas",
        "nodes",
        "hosts",
        "pages",
    }
)


def _why(hit: Vague) -> str:
    """The reason part of a rule's message ("it hedges instead of committing."), as a key."""
    reason = hit.message.rpartition("): ")[2]
    return "_".join(reason.casefold().split()[:4]).strip(".")


def _cues(prefix: str, field_name: str, toks: Sequence[Token]) -> list[Feature]:
    """Whole-field cues: a number with a unit, an identifier, a quoted name, a concrete object
    after the first verb, a vague opening verb, and the field's length in words."""
    out: list[Feature] = []
    words = [t for t in toks if t.word]
    for k, t in enumerate(toks):
        if quantity(toks, k):
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            unit = (nxt is not None and nxt.low in _UNITS) or t.low.rstrip("0123456789") in _UNITS
            name = f"{prefix}#num_unit" if unit else f"{prefix}#num"
            out.append(Feature(name, field_name, t.start, (nxt.end if unit and nxt else t.end)))
        if identifier(t):
            out.append(Feature(f"{prefix}#ident", field_name, t.start, t.end))
        if t.quoted and t.word:
            out.append(Feature(f"{prefix}#quoted", field_name, t.start, t.end))
    if words:
        first = words[0]
        if has(first, C["vague_start"]):
            out.append(Feature(f"{prefix}#vague_verb", field_name, first.start, first.end))
        elif has(first, C["action_verbs"]):
            concrete = next((t for t in words[1:6] if concrete_token(t)), None)
            if concrete is not None:
                out.append(Feature(f"{prefix}#verb_object", field_name, first.start, concrete.end))
        size = len(words)
        bucket = "1" if size == 1 else "2-3" if size <= 3 else "4-7" if size <= 7 else "8+"
        out.append(Feature(f"{prefix}#len{bucket}", field_name, first.start, words[-1].end))
    return out


def _restating(done: Sequence[Token], title: Sequence[Token]) -> list[Feature]:
    """Whether the done-when's content words mostly repeat the title's ("VPN hardened")."""
    content = [t for t in done if t.word and t.low not in C["stop"]]
    if not content:
        return []
    seen = {lem for t in title if t.word for lem in t.lem}
    shared = sum(1 for t in content if t.lem & seen)
    share = shared / len(content)
    bucket = "hi" if share >= 0.6 else "mid" if share >= 0.3 else "lo"
    return [Feature(f"d#overlap_{bucket}", "done_when", content[0].start, content[-1].end)]


def item_features(
    title: str,
    done_when: str | None,
    title_hits: Sequence[Vague] = (),
    done_hits: Sequence[Vague] = (),
    *,
    rules: bool = True,
) -> list[Feature]:
    """The features of one action item.

    Args:
        title: The item's title.
        done_when: Its done-when criterion (``None`` or blank reads as absent: ``d#empty``).
        title_hits: The title rules' findings, one ``rule:title`` feature each (and its reason).
        done_hits: The done-when rules' findings, likewise.
        rules: Whether to include the rule hits (the trainer compares both; default True).
    """
    out: list[Feature] = []
    if rules:
        for field_name, hits in (("title", title_hits), ("done_when", done_hits)):
            for hit in hits:
                out.append(Feature(f"rule:{field_name}", field_name, hit.start, hit.end))
                out.append(Feature(f"rule:{_why(hit)}", field_name, hit.start, hit.end))
    ttoks = word_tokens(title or "")
    out += word_features("t", "title", [t for t in ttoks if t.word])
    out += _cues("t", "title", ttoks)
    if done_when and done_when.strip():
        dtoks = word_tokens(done_when)
        out += word_features("d", "done_when", [t for t in dtoks if t.word])
        out += _cues("d", "done_when", dtoks)
        out += _restating(dtoks, ttoks)
    else:
        out.append(Feature("d#empty", "done_when", 0, 0))
    return out
