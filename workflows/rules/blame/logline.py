"""A quoted log line ("ERROR: user admin failed to authenticate"): the words are a program's, so
the blame check reads none of them as a person's failure. Real post-mortems paste such lines into
their timelines and analysis, usually without a code fence."""

from __future__ import annotations

from workflows.rules.text import Sentence

__all__ = ["log_line"]

#: Log levels as programs print them; only in capitals do they open a log line.
_LEVELS = frozenset(
    {"error", "err", "fatal", "warn", "warning", "info", "debug", "critical", "crit", "panic"}
    | {"trace", "notice", "alert", "emerg", "severe"}
)


def log_line(sent: Sentence) -> bool:
    """Whether ``sent`` is a log line: its first word (after any time stamp, host or bracket) is
    an upper-case log level followed by ":" or "]" ("ERROR: …", "[FATAL] …", "2022-03-21
    21:26:21 WARN: …"). A log level written in ordinary case ("Error: we …") is prose."""
    toks = sent.tokens
    for k, t in enumerate(toks[:8]):
        if not t.word or t.digit:
            continue  # a time stamp, a date, "[" before the level
        if not (t.upper and t.low in _LEVELS):
            return False
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        return nxt is not None and nxt.text in (":", "]")
    return False
