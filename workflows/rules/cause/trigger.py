"""A root cause that stops at a proximate trigger ("a buggy job", "a bad deploy", "the config push"),
unless it goes on to explain what let the trigger do harm.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.codes import Code
from workflows.rules.cause.words import C, Verdict
from workflows.rules.text import Token, has, squash

__all__ = [
    "caused_by",
    "change_event",
    "change_with_content",
    "done_wrongly",
    "explanation",
    "indefinite_trigger",
    "trigger_at",
    "trigger_verdict",
    "upstream_change",
]


def trigger_verdict(
    statement: str, quoted: str, toks: Sequence[Token], span: tuple[int, int]
) -> Verdict:
    start, end = toks[span[0]].start, toks[span[1]].end
    return Verdict(
        Code.ROOT_CAUSE_PROXIMATE_TRIGGER,
        start,
        end,
        f'The root cause "{quoted}" stops at the trigger ("{squash(statement[start:end])}"), '
        "not at the condition that let it do harm.",
    )


def explanation(toks: list[Token], *, concede: bool = True) -> list[Token]:
    """The part of a statement that explains: without a lead-in ("The root cause was…", "As a
    result,", "The team identified that…", with ``concede`` (default True) a conceded clause
    "While…," or "Although…,") and without the consequences it goes on to list ("…, causing some
    health check failures", "which leads to a loss of data")."""
    start = 0
    n = len(toks)
    lowered = [t.low for t in toks]
    label = _label_end(toks)
    if label is not None:
        return explanation(toks[label:]) if label < n else toks
    if concede and n and lowered[0] in _CONCESSIVE:
        # "While our monitoring shows that Kafka is healthy, we noticed…", "Although we shipped
        # fixes, …": what is conceded is context; the main clause after the comma explains
        comma = next((m for m in range(2, min(n - 2, 30)) if toks[m].text == ","), None)
        if comma is not None:
            return explanation(toks[comma + 1 :])
    # "The root cause was (determined to be)", "Root cause:", "As a result,", "However,"
    for k in range(min(n, 8)):
        if lowered[k] in ("cause", "reason") and k + 1 < n and toks[k + 1].text == ":":
            start = k + 2
        elif lowered[k] in ("cause", "reason") and k + 1 < n and lowered[k + 1] in ("was", "is"):
            start = k + 2
            while start < n and lowered[start] in ("determined", "found", "thought", "to", "be"):
                start += 1
        elif lowered[k] in ("factor", "factors", "contributor") and start == 0:
            # "An additional factor contributing to this bug was the complexity of…": what the
            # factor explains (the bug, the outage) sits in the lead-in, the factor after "was".
            link = next(
                (m for m in range(k + 1, min(n, k + 9)) if lowered[m] in ("was", "were", "is")),
                None,
            )
            if link is not None and link + 1 < n:
                start = link + 1
        elif (
            lowered[k]
            in ("identified", "found", "discovered", "noticed", "realised", "realized", "learned")
            and k + 1 < n
            and lowered[k + 1] == "that"
        ):
            start = k + 2
    if start == 0:
        k = 0
        while k < n and (toks[k].low in C["discourse"] or toks[k].text == ","):
            k += 1
        if (
            k + 2 < n
            and lowered[k] == "as"
            and lowered[k + 1] == "a"
            and lowered[k + 2] == "result"
        ):
            k += 3
        elif (
            k + 2 < n and lowered[k] == "as" and lowered[k + 1] == "part" and lowered[k + 2] == "of"
        ):
            # "As part of that work, we had enabled…": what the work was is context, the clause
            # after the comma is the statement
            comma = next((m for m in range(k + 3, min(n, k + 10)) if toks[m].text == ","), None)
            if comma is not None:
                k = comma
        k = _after_when(toks, k)
        while k < n and toks[k].text == ",":
            k += 1
        start = k
    start = _past_hedge(toks, start)
    end = n
    for k in range(start + 1, n):
        t = toks[k]
        if (
            t.low in ("causing", "leading", "resulting", "triggering", "meaning")
            or (t.low in ("which", "and", "that") and k + 1 < n and has(toks[k + 1], _CONSEQUENCE))
            or (t.text == "," and k + 1 < n and toks[k + 1].low in ("causing", "so", "leading"))
        ):
            end = k
            break
        if (
            t.low in ("can", "could", "would", "will")
            and k + 1 < n
            and has(toks[k + 1], frozenset({"cause", "lead", "result", "trigger", "create"}))
        ):
            end = k
            break
    return _unhedged(toks[start:end]) if end > start else toks


#: Hedges a writer puts before a cause they are not sure of: "It appears (that)…", "It looks
#: like…", "Apparently,…". What follows is still the statement.
_HEDGE_VERBS = frozenset(
    {"appears", "appeared", "seems", "seemed", "looks", "looked", "appear", "seem", "look"}
)
_HEDGE_ADVERBS = frozenset(
    {"apparently", "presumably", "probably", "likely", "evidently", "seemingly", "possibly"}
)
#: What a back-reference lead-in refers to: "This happened because…", "The problem occurred
#: as a result of…".
_BACK_SUBJECTS = frozenset(
    {"this", "it", "that", "which", "problem", "issue", "outage", "incident", "failure", "error"}
    | {"bug", "crash", "loop", "behaviour", "behavior"}
)
_HAPPENED = frozenset({"happened", "occurred", "happens", "occurs", "arose", "came", "started"})
_BACK_REFERENCES = frozenset({"this", "that", "these", "those", "it"})


def _past_hedge(toks: Sequence[Token], k: int) -> int:
    """Past a hedge or a back-reference that only points at what was seen, as often as they
    come: "It appears (that)…", "It looks like…", "Apparently,", "Based on that,", "Because of
    this,", "As a result of this,", "This (appears to have) happened because…", "The problem
    occurred as a result of…". What they refer to is the symptom; the statement is what follows
    (so "This happened because the staging cluster does not use…" is read as the gap it names).
    Default: ``k`` unchanged when none is there."""
    n = len(toks)
    for _ in range(4):
        begin = k
        while k < n and (toks[k].text == "," or toks[k].low in C["discourse"]):
            k += 1
        low = [t.low for t in toks[k : k + 8]]
        if low[:1] and low[0] in _HEDGE_ADVERBS:
            k += 1
        elif len(low) > 2 and low[0] == "it" and low[1] in _HEDGE_VERBS:
            k += 2
            if k < n and toks[k].low in ("that", "like"):
                k += 1
            elif k + 1 < n and toks[k].low == "as" and toks[k + 1].low in ("if", "though"):
                k += 2
        elif len(low) > 2 and low[0] == "based" and low[1] == "on":
            comma = next((m for m in range(k + 2, min(n, k + 8)) if toks[m].text == ","), None)
            if comma is not None:
                k = comma + 1
        elif len(low) > 3 and low[:2] in (["because", "of"], ["due", "to"], ["owing", "to"]):
            if low[2] in _BACK_REFERENCES and toks[k + 3].text == ",":
                k += 4
        elif len(low) > 5 and low[:3] == ["as", "a", "result"] and low[3] == "of":
            if low[4] in _BACK_REFERENCES and toks[k + 5].text == ",":
                k += 6
        elif len(low) > 3 and low[0] == "of" and low[1] in _BACK_REFERENCES and low[2] == ",":
            k += 3  # "As a result of this,": "as a result" is read above, with the lead-ins
        else:
            k = _past_happened(toks, k)
        if k == begin:
            break
    return k


def _past_happened(toks: Sequence[Token], k: int) -> int:
    """ "This (appears to have) happened because…", "The issue occurred as a result of…": the
    subject points back at the symptom, so the statement starts after the link."""
    n = len(toks)
    j = k
    while j + 1 < n and j < k + 3 and toks[j].low in ("the", "this", "that", "our", "an", "a"):
        if toks[j].low in _BACK_SUBJECTS and toks[j + 1].low in _HAPPENED | _HEDGE_VERBS:
            break  # "this happened…": the pointer is the subject itself
        j += 1
    if j >= n or toks[j].low not in _BACK_SUBJECTS:
        return k
    j += 1
    if j + 2 < n and toks[j].low in _HEDGE_VERBS and toks[j + 1].low == "to":
        j += 3 if toks[j + 2].low == "have" else 2
    if j >= n or toks[j].low not in _HAPPENED:
        return k
    j += 1
    low = [t.low for t in toks[j : j + 4]]
    if low[:1] in (["because"], ["since"]):
        return j + 1 if j + 1 < n else k
    if low[:2] in (["due", "to"], ["owing", "to"]):
        return j + 2 if j + 2 < n else k
    if low[:4] == ["as", "a", "result", "of"]:
        return j + 4 if j + 4 < n else k
    return k


def _unhedged(toks: list[Token]) -> list[Token]:
    """The tokens without a hedging verb chain in the middle: "The problem appears to have been
    caused by a broken executor" is read as "The problem … been caused by a broken executor",
    "@ana seems to have left the checkout…" as "@ana … left the checkout…"."""
    if not any(t.low in _HEDGE_VERBS for t in toks):
        return toks
    out: list[Token] = []
    k = 0
    n = len(toks)
    while k < n:
        if (
            k + 3 < n
            and toks[k].low in _HEDGE_VERBS
            and toks[k + 1].low == "to"
            and toks[k + 2].low == "have"
            and toks[k + 3].word
        ):
            k += 3
            continue
        out.append(toks[k])
        k += 1
    return out if out else toks


#: Words that open a conceded clause before the statement's own: "While…,", "Although…,".
_CONCESSIVE = frozenset({"while", "whilst", "although", "though", "despite", "notwithstanding"})


def _after_when(toks: Sequence[Token], k: int) -> int:
    """Past a lead-in that only says when ("On 28 November 2025,", "At 03:12 UTC,", "Around
    14:00 on Friday,"): a preposition of time, a date or hour in the phrase, then a comma
    within ten tokens. Anything else ("After the deploy, …") stays: it may be the cause."""
    n = len(toks)
    if k >= n or toks[k].low not in ("on", "at", "around", "between", "during", "in", "by", "from"):
        return k
    for j in range(k + 1, min(n, k + 11)):
        t = toks[j]
        if t.text == ",":
            dated = any(x.digit or x.low in _DATES for x in toks[k + 1 : j])
            return j + 1 if dated and j + 1 < n else k
        if t.word and not (t.digit or t.low in _DATES or t.low in _WHEN_WORDS or _ordinal(t)):
            return k  # "At 03:12 UTC the primary stopped…": the phrase goes on into the clause
        if not t.word and t.text not in (":", "."):
            return k
    return k


def _ordinal(t: Token) -> bool:
    return t.low[:-2].isdigit() and t.low[-2:] in ("st", "nd", "rd", "th")


_WHEN_WORDS = frozenset(
    {"the", "of", "on", "at", "around", "about", "approximately", "am", "pm", "gmt", "cet"}
    | {"pst", "est", "pdt", "edt", "bst", "day", "last", "this", "early", "late", "weekend"}
    | {"to", "until", "till", "and"}
)


_DATES = frozenset(
    {
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "morning",
        "afternoon",
        "evening",
        "night",
        "midnight",
        "utc",
    }
)


_LABELS = frozenset({"rc", "rca", "cause", "causes", "reason", "why", "trigger", "root", "summary"})


def _label_end(toks: Sequence[Token]) -> int | None:
    """Where the text starts after a field label: "RC: 100% CPU…", "RCA - …", "Why: …" (up to
    three words before a colon or dash, one of them a cause word or all of them capitals).
    "Root cause:" and "Cause:" are read below with the rest of the lead-ins."""
    for k in range(min(len(toks), 4)):
        t = toks[k]
        if t.word:
            continue
        if t.text not in (":", "-", "\u2013", "\u2014", "=") or k == 0:
            return None
        words = [x for x in toks[:k] if x.word]
        if words and words[-1].low in ("cause", "reason") and t.text == ":":
            return None
        if any(x.low in _LABELS for x in words) or all(x.upper for x in words):
            return k + 1
        return None
    return None


_CONSEQUENCE = frozenset(
    {
        "lead",
        "leads",
        "led",
        "cause",
        "causes",
        "caused",
        "result",
        "results",
        "resulted",
        "mean",
        "means",
        "meant",
        "trigger",
        "triggers",
    }
)


def indefinite_trigger(toks: Sequence[Token]) -> tuple[int, int] | None:
    """A statement whose subject is an unnamed bad thing: "A misconfiguration didn't allow…",
    "a bug in the retry logic…", "a malicious message…", "caused by that bug", "due to a bug in
    the mempool". Whatever such a thing did or failed to do, the statement stops at it."""
    words = [(k, t) for k, t in enumerate(toks) if t.word]
    if not words:
        return None
    k0, first = words[0]
    if first.low in ("a", "an", "some") and len(words) > 1:
        for idx, (k, t) in enumerate(words[1:4], start=1):
            if has(t, C["bad"]) or t.low in _BUGS or t.low in _OUTAGES:
                end = k
                for k2, t2 in words[idx + 1 : idx + 4]:  # "a bad config change"
                    if t2.low in _STOP_NOUN or has(t2, C["effect_verbs"]):
                        break
                    end = k2
                return k0, end
            if not t.low.isalpha() and not t.digit:
                break  # "a 23 August rollback": a date inside the phrase is read over
    for idx, (k, t) in enumerate(words):
        if (
            t.low in ("by", "to", "of")
            and idx + 2 < len(words)
            and words[idx + 1][1].low in ("a", "an", "that", "this", "the")
            and words[idx + 2][1].low in _BUGS
            and (t.low == "by" or (idx > 0 and words[idx - 1][1].low in ("due", "because")))
        ):
            return k, words[idx + 2][0]
        met = _met_trouble(words, idx)
        if met is not None:
            return met
        if t.low == "there" and idx + 1 < len(words) and words[idx + 1][1].low in ("was", "were"):
            for k2, t2 in words[idx + 2 : idx + 5]:  # "there were some unanticipated bugs"
                if t2.low in _BUGS or t2.low in ("bugs", "regressions", "glitches", "errors"):
                    return k, k2
        if t.low in ("contained", "contains", "had", "has", "introduced") and idx + 2 < len(words):
            nxt = words[idx + 1][1]
            target = words[idx + 2][1] if nxt.low in ("a", "an") else nxt
            if target.low in _BUGS:
                return k, words[idx + 2][0] if nxt.low in ("a", "an") else words[idx + 1][0]
    return None


#: Outages a statement can open with as its subject ("An outage in AWS services, including
#: DynamoDB, caused a ripple effect…", "a brief disruption at our DNS provider"): an event met,
#: not the condition that let it do harm.
_OUTAGES = frozenset({"outage", "outages", "disruption", "disruptions", "interruption"})


#: Verbs of running into trouble, and the trouble a statement can stop at: "our executor service
#: encountered an issue with invalid expressions", "the upstream provider had an outage", "we hit
#: a bug in the driver". What was met is named; why it could do harm is not.
_MET = frozenset({"encountered", "encounters", "hit", "experienced", "faced", "suffered", "had"})
_TROUBLE = frozenset(
    {"issue", "issues", "problem", "problems", "outage", "outages", "disruption", "incident"}
    | {"hiccup", "blip", "bug", "bugs", "glitch", "regression", "defect", "fault", "error"}
)


def _met_trouble(words: Sequence[tuple[int, Token]], idx: int) -> tuple[int, int] | None:
    """A past verb of meeting trouble ("encountered", "had", "ran into") and the trouble it met,
    after at most an article and one adjective ("had a brief outage")."""
    t = words[idx][1]
    j = idx + 1
    if t.low == "ran" and j < len(words) and words[j][1].low == "into":
        j += 1
    elif t.low not in _MET or idx == 0:
        return None
    if j < len(words) and words[j][1].low in ("a", "an", "some", "another", "several"):
        j += 1
    for k in (j, j + 1):
        if k < len(words) and words[k][1].low in _TROUBLE:
            return words[idx][0], words[k][0]
    return None


_STOP_NOUN = frozenset(
    {
        "in",
        "of",
        "on",
        "for",
        "to",
        "from",
        "with",
        "was",
        "were",
        "is",
        "are",
        "did",
        "didn't",
        "has",
        "had",
        "can",
        "could",
        "which",
        "that",
        "and",
    }
)


_BUGS = frozenset(
    {
        "bug",
        "bugs",
        "typo",
        "typos",
        "misconfiguration",
        "misconfigurations",
        "glitch",
        "regression",
        "defect",
        "flaw",
        "mistake",
        "error",
        "fault",
    }
)


#: Subjects that name a resource's state: what such a statement reports was observed.
_READINGS = frozenset({"memory", "cpu", "ram", "lack", "shortage", "exhaustion", "scarcity"})


def trigger_at(toks: Sequence[Token]) -> tuple[int, int] | None:
    """The proximate trigger the statement stops at: "a buggy job", "the config push"."""
    words = [t for t in toks if t.word]
    # The subject phrase: the words before the first verb-like word.
    subject_end = len(toks) - 1
    for i, t in enumerate(toks):
        if (
            t.word
            and i > 0
            and (
                t.low
                in (
                    "was",
                    "were",
                    "is",
                    "are",
                    "had",
                    "has",
                    "caused",
                    "triggered",
                    "introduced",
                    "broke",
                    "took",
                    "led",
                    "resulted",
                    "started",
                    "made",
                    "brought",
                    "knocked",
                    "deleted",
                    "dropped",
                    "filled",
                    "overloaded",
                    "exhausted",
                    "corrupted",
                    "crashed",
                    "failed",
                    "hit",
                    "pushed",
                )
                or (t.low.endswith("ed") and (has(t, C["effect_verbs"]) or len(t.low) > 4))
            )
            and not (t.low.endswith("ed") and toks[i - 1].low in _DETERMINERS)
        ):  # "The scheduled rotation…": a participle after a determiner is an adjective
            subject_end = i - 1
            break
        if not t.word and t.text in (",", ";", ":"):
            subject_end = i - 1
            break
    subject = [t for t in toks[: subject_end + 1] if t.word]
    if len(subject) > 8 and len(words) == len(subject):
        # A long verbless statement: its head is the phrase before the first preposition ("A
        # network partition between availability zones a and b lasting four minutes").
        cut = next((k for k, t in enumerate(subject) if k and t.low in _PREPOSITIONS), 0)
        subject = subject[:cut]
    if not subject or len(subject) > 8:
        return None
    first = subject[1] if len(subject) > 1 and subject[0].low in _DETERMINERS else subject[0]
    if first.low in _READINGS:
        return None  # "Memory on the cache nodes was pinned at 98%", "The lack of disk space
        # stopped the exporter": a resource's state is what was seen, read as an effect
    heads = [t for t in subject if has(t, C["trigger_nouns"])]
    verbless = subject_end >= len(toks) - 2 or len(words) == len(subject)
    if not heads and not (verbless and has(subject[0], C["bad"]) and len(subject) > 1):
        return None  # "Misconfigured ingress annotation": a bad thing and nothing about why
    bad = any(has(t, C["bad"]) for t in subject)
    if bad or verbless or subject_end < len(toks) - 1:
        position = {id(t): k for k, t in enumerate(toks)}
        return position[id(subject[0])], position[id(subject[-1])]
    return None


_DETERMINERS = frozenset({"the", "a", "an", "our", "this", "that", "its", "their"})


_PREPOSITIONS = frozenset(
    {"of", "in", "on", "between", "from", "to", "at", "during", "for", "by", "with", "after"}
)


#: Changes made to a system: a statement that only reports one ("renovate bumped the base image",
#: "terraform apply deleted the NAT gateway") names the event that set the failure off.
_CHANGE_EVENTS = frozenset(
    {
        "bump",
        "upgrade",
        "update",
        "change",
        "push",
        "deploy",
        "apply",
        "merge",
        "enable",
        "disable",
        "flip",
        "delete",
        "drop",
        "remove",
        "rotate",
        "reboot",
        "migrate",
        "rename",
        "replace",
        "revert",
        "ship",
        "release",
        "install",
        "uninstall",
        "modify",
        "overwrite",
        "wipe",
        "truncate",
        "purge",
        "reset",
        "recreate",
        "destroy",
        "rebuild",
        "redeploy",
        "reprovision",
        "restart",
        "detach",
        "attach",
        "disconnect",
        "reconfigure",
        "resize",
        "rebalance",
        "reindex",
        "decommission",
        "reroute",
        "repoint",
    }
)


#: Verbs that carry out a change named by their object ("performed an update", "ran the
#: migration", "made a config change").
_CARRYING = frozenset({"perform", "make", "do", "run", "carry", "execute", "complete", "start"})


def change_event(toks: Sequence[Token]) -> tuple[int, int] | None:
    """A statement that only reports a change made in the past: its subject (a tool, a bot, a
    job, up to four words), a past change verb and its object, and nothing about what let the
    change do harm (no cause link after it)."""
    words = [(k, t) for k, t in enumerate(toks) if t.word]
    if (
        len(words) > 1
        and words[0][1].low.endswith("ing")
        and has(words[0][1], _CHANGE_EVENTS)
        and not any(has(x, C["cause_links"]) for _, x in words[1:])
    ):
        return words[0][0], words[min(3, len(words) - 1)][0]  # "Rotating the signing keys."
    for idx, (k, t) in enumerate(words[1:6], start=1):
        if not (t.low.endswith("ed") or t.low in ("ran", "put", "set", "cut", "shut", "made")):
            continue
        carried = has(t, _CARRYING) and any(
            has(x, C["trigger_nouns"]) for _, x in words[idx + 1 : idx + 5]
        )  # "we had just performed a minor API update"
        if not (has(t, _CHANGE_EVENTS) or carried):
            return None  # the first verb is some other act or state
        if idx > 4:
            return None
        if words[idx - 1][1].low in ("was", "were", "been", "is", "are"):
            # A passive: "was upgraded from v1.14.1 to v1.16.0" reports the change; "was deleted
            # by…" names who did it, which the reading of persons judges.
            if any(x.low == "by" for _, x in words[idx + 1 :]) or not has(t, _CHANGE_EVENTS):
                return None
            if any(has(x, C["cause_links"]) for _, x in words[idx + 1 :]):
                return None
            return words[0][0], k
        if any(has(x, C["cause_links"]) for _, x in words[idx + 1 :]):
            return None
        return words[0][0], k
    return None


def caused_by(toks: Sequence[Token]) -> tuple[int, int] | None:
    """ "This was caused by the deployment of a new version", "triggered by a routine
    maintenance operation": a statement that names only what set the failure off (read after
    the gaps, so "caused by the lack of a check" is not one)."""
    words = [(k, t) for k, t in enumerate(toks) if t.word]
    for idx, (_, t) in enumerate(words[:-1]):
        if t.low != "by" or idx == 0 or words[idx - 1][1].low not in _CAUSED:
            continue
        for k2, t2 in words[idx + 1 : idx + 5]:
            if has(t2, C["trigger_nouns"]) or t2.low in _LOADS:
                return words[max(0, idx - 1)][0], k2
            if t2.low in _STOP_NOUN:
                break
    return None


_CAUSED = frozenset(
    {"caused", "triggered", "started", "initiated", "introduced", "sparked", "prompted"}
    | {"exacerbated", "compounded", "aggravated", "worsened", "amplified", "magnified"}
    | {"precipitated", "driven", "fuelled", "fueled"}
)


#: Loads a failure is put down to ("exacerbated by a high volume of bulk cancellations", "caused
#: by an influx of sign-ups"): what arrived, not the condition that let it do harm.
_LOADS = frozenset({"volume", "influx", "wave", "rush", "barrage", "onslaught", "deluge"})


#: Nouns of a change or a run that a statement can stop at ("the config push", "a commit").
_CHANGE_HEADS = frozenset(
    {"change", "push", "deploy", "deployment", "release", "commit", "patch", "update"}
    | {"upgrade", "rollout", "migration", "merge", "pr", "hotfix", "fix", "edit", "flip"}
    | {"rotation", "bump", "job", "cron", "cronjob", "script", "query", "revert", "rollback"}
    | {"removal", "deletion", "flush", "cleanup", "import", "backfill", "integration"}
)


#: Links to a reason: with one, the statement goes on past its trigger.
_REASONS = frozenset({"because", "since", "due", "therefore", "hence", "given"})


_PERMITS = frozenset(
    {"allow", "allows", "allowed", "let", "lets", "permit", "permits", "permitted", "enables"}
)


#: Negated auxiliaries of a step not taken.
_UNDONE = frozenset(
    {"haven't", "hasn't", "hadn't", "wasn't", "weren't", "isn't", "aren't", "havent", "hasnt"}
    | {"hadnt", "wasnt", "werent", "isnt", "arent"}
)


#: Past verbs of a state, not of an act: "the deploy had no canary" names a gap.
_STATE_VERBS = frozenset(
    {"was", "were", "had", "has", "is", "are", "did", "lacked", "lacks", "needed", "required"}
    | {"have", "been"}
)


def change_with_content(toks: Sequence[Token]) -> tuple[int, int] | None:
    """A change or run as the subject, and what it did or contained: "A config push that
    removed the only healthy upstream", "The upgrade changed the default serializer", "An update
    of the base image that no longer contained the CA bundle". The absence or limit inside such
    a statement is what the change did, not a standing condition of the system, so it stops at
    the trigger unless it gives a reason ("because…"), a step not taken ("was not reviewed") or
    a safeguard it went without ("without review")."""
    words = [(k, t) for k, t in enumerate(toks) if t.word]
    if len(words) < 3 or any(t.text == ";" for t in toks):
        return None
    if any(t.low in _REASONS for _, t in words):
        return None
    for idx in range(1, len(toks) - 1):
        if (toks[idx].low == "as" and toks[idx - 1].text == ",") or (
            toks[idx].low == "by" and toks[idx + 1].low in ("design", "default")
        ):
            return None  # "…, as the tool allows no partial rollout", "…by default": a reason
        if toks[idx].low == "no" and toks[idx - 1].low in ("with", "has", "have", "had", "is"):
            return None  # "deleted files older than 30 days with no exclusion for audit logs"
    if any(t.low in _PERMITS for _, t in words):
        return None  # "…because hotfixes are allowed to skip it": what the system permits
    for j, (k, t) in enumerate(words[:5]):
        if t.low in _PREPOSITIONS:
            return None  # "The README for the deployment repo…": the change is not the subject
        if not has(t, _CHANGE_HEADS) or t.low.endswith(("ing", "ed")):
            continue
        nxt = words[j + 1][1] if j + 1 < len(words) else None
        if nxt is None:
            return None
        past = nxt.low in C["past_markers"] or (nxt.low.endswith("ed") and len(nxt.low) > 4)
        if has(nxt, _CHANGE_HEADS) and not past:
            continue  # "a new cron job that…": the head is the last of the nouns
        if not (past or nxt.low in ("that", "which") or nxt.low in _PREPOSITIONS):
            return None  # "the deploy pipeline", "the job framework restarts": a system
        if _acts(words[j + 1 :]):
            return words[0][0], k
        return None
    return None


def _acts(rest: Sequence[tuple[int, Token]]) -> bool:
    """Whether what follows the change's noun says what it did: a relative clause or a past
    verb of an act within six words, with no step left untaken and no safeguard gone without."""
    for idx, (_, t) in enumerate(rest):
        nxt = rest[idx + 1][1] if idx + 1 < len(rest) else None
        if t.low in _UNDONE:
            return False  # "fixes have been suggested but haven't been implemented"
        negation = t.low in ("not", "never") or (
            t.low == "no" and nxt is not None and nxt.low != "longer"
        )
        if negation and idx > 0 and rest[idx - 1][1].low in _STATE_VERBS:
            return False  # "the change was not reviewed", "the deploy had no canary"
        if t.low == "without" and nxt is not None and has(nxt, C["safeguards"]):
            return False  # "deployed without review"
        if (
            nxt is not None
            and t.low in ("a", "an", "the")
            and has(nxt, C["safeguards"])
            and idx > 0
            and rest[idx - 1][1].low == "without"
        ):
            return False  # "deployed without a review"
    for idx, (_, t) in enumerate(rest[:6]):
        if t.low in ("that", "which"):
            return True
        if t.low in _STATE_VERBS:
            return False
        if idx > 0 and rest[idx - 1][1].low in _DETERMINERS:
            continue  # "Changes to the shared module are applied to all environments": a
            # participle after a determiner is an adjective, the verb comes later
        if t.low in C["past_markers"] or (t.low.endswith("ed") and len(t.low) > 4):
            return True
    return False


#: Adverbs that say a system did its job wrongly: the statement names the defect ("balances were
#: improperly zeroed", "the strategy incorrectly used the target ratio"), the trigger.
_WRONGLY = frozenset(
    {"improperly", "incorrectly", "wrongly", "erroneously", "inaccurately", "mistakenly"}
    | {"accidentally", "inadvertently", "unintentionally", "unknowingly", "mistakingly"}
)


def done_wrongly(toks: Sequence[Token]) -> tuple[int, int] | None:
    """A statement that reports what a system did wrongly and no more: "Contract balances were
    improperly zeroed during self-destruction", "The API was improperly managing disk usage,
    which caused pods to be evicted". The defect is what set the failure off; without a reason
    ("because…", "due to…") it says nothing of what let the defect ship or do harm."""
    words = [(k, t) for k, t in enumerate(toks) if t.word]
    if any(t.low in _REASONS for _, t in words):
        return None
    for idx, (_, t) in enumerate(words):
        if t.low in _WRONGLY and idx > 0:
            end = words[min(idx + 1, len(words) - 1)][0]
            return words[0][0], end
    return None


#: What a new release of someone else's software did: "NetworkManager 1.52 added an
#: autoconnect-ports property", "Chrome 120 dropped support for…".
_RELEASE_VERBS = frozenset(
    {"added", "removed", "changed", "dropped", "introduced", "replaced", "renamed"}
    | {"deprecated", "switched", "moved", "altered", "enabled", "disabled", "reordered"}
)


def _release_number(t: Token) -> bool:
    """A release's number after its product's name: "1.52", "13", "v2", "120" (not a clock
    time, not a size such as "100GB")."""
    low = t.low[1:] if t.low[:1] == "v" else t.low
    return bool(low) and ":" not in low and low.replace(".", "").isdigit()


def upstream_change(toks: Sequence[Token]) -> tuple[int, int] | None:
    """A statement that stops at what an upstream release changed, stated as a fact: a product's
    name with its release number as the subject ("NetworkManager 1.52 (in Trixie) added…",
    "Debian 13 replaced…", "Version 4.2 of the client library changed…") and a verb of change
    within a few words. What let the release reach the hosts untested is the cause; the change
    is the trigger. Read before the gaps, so the "default" it changed is not read as a design
    choice; a gap in the clause after it ("…, and nothing pins the package") still wins."""
    words = [(k, t) for k, t in enumerate(toks) if t.word]
    if len(words) < 3:
        return None
    first_k, first = words[0]
    idx = 1
    if first.low in ("version", "release") and _release_number(words[1][1]):
        idx = 2
        if idx < len(words) and words[idx][1].low == "of":
            while idx < len(words) and words[idx][1].low not in _RELEASE_VERBS and idx < 8:
                idx += 1
            idx -= 1
    elif first.cap and first.low not in ("we", "our", "i", "the", "a", "an", "this"):
        if not _release_number(words[1][1]):
            return None
        idx = 2
    else:
        return None
    for k, t in words[idx : idx + 4]:
        if t.low in _RELEASE_VERBS:
            return first_k, k
    return None
