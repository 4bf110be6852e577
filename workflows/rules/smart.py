"""SMART action items: one owner, a due date in the horizon, a specific title, a measurable done-when.

Vague action items: the title and the done-when criterion read together.

A title is vague when its action has no concrete object or mechanism ("make alerting smarter",
"harden the VPN config", "educate the team about caching"), asks only for a discussion or an
investigation with no step and no output ("discuss the paging policy", "look into the GC
pauses"), states a goal without an action ("halve the pages per week"), leaves a value undefined
("raise the pool size to a reasonable number"), or hedges ("where feasible", "as needed").
A trigger word followed by a concrete change is fine: "Monitor disk use on the ledger hosts: page
at 90% for 10 minutes", "Investigate the GC pauses on search-3 by capturing a heap profile".

A done-when is vague when nobody could check it ("when everyone is comfortable"), when it only
restates the title ("VPN hardened" for "Harden the VPN config"), or when it is a bare "done".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from workflows.codes import Code
from workflows.policy import Policy
from workflows.review import ActionItemDraft, Finding, Violation, parse_due
from workflows.rules.common import SMART_QUESTION, blank, plural, squash, v
from workflows.rules.lexicon import classes, read_json
from workflows.rules.match import PatternSet, compile_pattern
from workflows.rules.text import Token, has, normalise, split

__all__ = [
    "DONE_WHEN_HINT",
    "check_action_item",
    "done_when_findings",
    "due_violations",
    "lint_action_wording",
    "title_findings",
]

_RAW = read_json("smart.json")
C = classes(_RAW)
_PHRASES = PatternSet(
    [
        compile_pattern(
            p["name"],
            p["pattern"],
            C,
            kind=p["kind"],
            veto_next=p.get("veto_next", []),
            veto_prev=p.get("veto_prev", []),
        )
        for p in _RAW["phrases"]
    ]
)
_SUGGESTIONS: dict[str, str] = dict(_RAW["suggestions"])

DONE_WHEN_HINT = (
    f"{SMART_QUESTION} State an observable check someone else can verify, e.g. "
    '"the alert fires in staging when replica lag exceeds 30 s" or '
    '"the runbook page is linked from the alert".'
)

_LEAD_INS = frozenset(
    {
        "we",
        "should",
        "will",
        "must",
        "to",
        "please",
        "let's",
        "lets",
        "need",
        "needs",
        "i",
        "the",
        "team",
        "action",
        "todo",
        "ai",
        "item",
        "task",
        "owner",
        "then",
        "also",
        "and",
        "first",
        "next",
        "finally",
        "immediately",
        "urgently",
        "quickly",
        "-",
        "*",
    }
)
_MECHANISM_PREPS = frozenset({"by", "via", "through", "using", "with"})
_WITH_TOPIC = frozenset(
    {"happened", "happens", "wrong", "problem", "problems", "issue", "issues", "going", "up"}
)
_UNITS = frozenset(
    {
        "%",
        "ms",
        "s",
        "sec",
        "secs",
        "second",
        "seconds",
        "min",
        "mins",
        "minute",
        "minutes",
        "h",
        "hr",
        "hrs",
        "hour",
        "hours",
        "day",
        "days",
        "week",
        "weeks",
        "gb",
        "mb",
        "kb",
        "tb",
        "k",
        "m",
        "rps",
        "qps",
        "req",
        "requests",
        "percent",
        "x",
        "times",
        "replicas",
        "nodes",
    }
)


@dataclass(slots=True)
class _Vague:
    start: int
    end: int
    code: Code
    message: str
    hint: str
    suggestion: str | None = None


def _words(text: str) -> list[Token]:
    out: list[Token] = []
    for sent in split(text):
        out.extend(sent.tokens)
    return out


def _numeric(tok: Token) -> bool:
    """A number, in digits or in words ("two approvals", "once a week")."""
    return tok.digit or tok.low in C["number_words"]


def _identifier(tok: Token) -> bool:
    """A name of a concrete thing: search-3, orders.created_at, payments-api, FooService, `x`."""
    t = tok.text
    if not tok.word:
        return False
    if any(c.isdigit() for c in t) or "_" in t or "/" in t or ("." in t and not t.endswith(".")):
        return True
    inner_caps = sum(1 for c in t[1:] if c.isupper())
    return inner_caps >= 1 and any(c.islower() for c in t)


def _quantity(toks: Sequence[Token], k: int) -> bool:
    """A number that sets a value: not a ticket reference ("#4669") or a version ("v2")."""
    t = toks[k]
    if not _numeric(t):
        return False
    if k > 0 and toks[k - 1].text == "#":
        return False
    if t.low.endswith("xx") or (t.low.endswith("s") and t.low[:-1].isdigit()):
        return False  # "5xx", "500s": a class of responses, not a value
    return not (t.low[:1] == "v" and t.low[1:2].isdigit())


def _concrete_token(t: Token) -> bool:
    return _numeric(t) or _identifier(t) or t.quoted or (t.word and has(t, C["artifacts"]))


def _concrete(toks: Sequence[Token]) -> bool:
    return any(_concrete_token(t) for t in toks)


def _threshold(toks: Sequence[Token]) -> bool:
    return any(_numeric(t) for t in toks)


_NOT_MORE_OF = frozenset(
    {"than", "of", "and", "or", "with", "to", "like", "in", "on", "for", "at", "about", "closely"}
)
_GOAL_NOUN_STARTS = frozenset(
    {"fewer", "less", "zero", "no", "lower", "higher", "faster", "shorter", "reduced", "better"}
)
_ALERTING = frozenset({"page", "alert", "alarm", "notify", "ticket"})
_CHARTS = frozenset({"dashboard", "panel", "graph", "chart", "line"})
_SIZE_WORDS = frozenset(
    {"high", "low", "big", "large", "small", "long", "short", "fast", "wide", "generous", "tight"}
)


def _suffix(flags: Sequence[bool]) -> list[bool]:
    """``out[k]``: some flag at ``k`` or after (``out[len]`` is False)."""
    out = [False] * (len(flags) + 1)
    for k in range(len(flags) - 1, -1, -1):
        out[k] = flags[k] or out[k + 1]
    return out


class _Facts:
    """What lies after each token of a title, computed once so every question is O(1).

    A title is read clause by clause, and each vague verb asks whether a concrete mechanism, a
    number, an artifact or an output follows it. Asking by scanning the rest of the title would
    cost the square of its length; these suffix tables keep the check linear.
    """

    def __init__(self, toks: Sequence[Token]) -> None:
        self.toks = toks
        self.number = _suffix([_quantity(toks, k) for k in range(len(toks))])
        self.concrete = _suffix([_concrete_token(t) for t in toks])
        self.alerting = _suffix([t.word and has(t, _ALERTING) for t in toks])
        self.outputs = _suffix([t.word and has(t, C["outputs"]) for t in toks])
        self.mechanism = _suffix([self._mechanism_at(k) for k in range(len(toks))])
        self.coordinated = _suffix(
            [
                t.low in ("and", "then")
                and k + 1 < len(toks)
                and has(toks[k + 1], C["action_verbs"])
                and not has(toks[k + 1], C["vague_start"])
                for k, t in enumerate(toks)
            ]
        )
        self.strong = _suffix([self._mechanism_at(k, strong=True) for k in range(len(toks))])
        self.artifact = _suffix([t.word and has(t, C["artifacts"]) for t in toks])
        self.threshold = _suffix(
            [
                _quantity(toks, k)
                and k > 0
                and toks[k - 1].low in ("than", "above", "below", "over", "under", "within")
                for k in range(len(toks))
            ]
        )
        self.charted = _suffix([t.low in _CHARTS for t in toks])
        self.acted = _suffix(
            [
                t.low in ("by", "via", "using")
                and k + 1 < len(toks)
                and toks[k + 1].low.endswith("ing")
                and has(toks[k + 1], C["action_verbs"])
                and not has(toks[k + 1], C["vague_start"])
                for k, t in enumerate(toks)
            ]
        )
        depth = 0
        self.parenthetical: list[bool] = []
        for t in toks:
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth = max(0, depth - 1)
            self.parenthetical.append(depth > 0)

    def _mechanism_at(self, k: int, strong: bool = False) -> bool:
        """A concrete way starting at ``k``: "by capturing…", ": page at 90%", "and add an alert",
        "is configured to broadcast…". A strong one is a step to take, not just a number."""
        toks = self.toks
        n = len(toks)
        t = toks[k]
        if (
            t.low in ("is", "are", "be", "gets", "get")
            and k + 1 < n
            and toks[k + 1].low.endswith("ed")
            and has(toks[k + 1], C["action_verbs"])
        ):
            return True
        if t.low in _MECHANISM_PREPS and k + 1 < n:
            nxt = toks[k + 1]
            if (
                nxt.low.endswith("ing")
                and nxt.word
                and not has(nxt, C["vague_start"])
                and not any(
                    x.low == "best" or has(x, C["abstract_objects"]) for x in toks[k + 2 : k + 5]
                )
            ):
                return True  # "by capturing a heap profile" (not "by using best practices")
            reach = k + 3 if strong else k + 4  # "with a one-hour failover drill"
            if has(nxt, C["action_verbs"]) or any(
                has(x, C["artifacts"]) for x in toks[k + 2 : reach] if x.word
            ):
                # "with" names a mechanism ("with a game day", "with `--dry-run`"), not in
                # "what happened with the cron job" or "the problem with the queue".
                if t.low == "with" and k > 0 and toks[k - 1].low in _WITH_TOPIC:
                    return False
                return t.low != "with" or _concrete(toks[k + 1 : k + 5])
        if t.text in (":", "\u2014", "\u2013", ";", "(") or (t.text == "-" and k + 1 < n):
            if any(has(r, C["action_verbs"]) for r in toks[k + 1 : k + 4]):
                return True
            if not strong and k + 1 < n and any(_numeric(r) for r in toks[k + 1 : k + 12]):
                return True
        if (
            t.low == "to"
            and k > 0
            and k + 1 < n
            and toks[k + 1].word
            and toks[k + 1].low in C["action_verbs"]
            and not has(toks[k + 1], C["vague_start"])
            and toks[k - 1].word
            and not _numeric(toks[k - 1])
        ):
            return True  # "tighten the bucket policy to deny public reads"
        if t.low == "so" and not strong:
            # "improve the deploy script so (that) it refuses to run without --confirm": the
            # change is named by the behaviour it must have.
            for r in toks[k + 1 : k + 6]:
                if r.word and has(r, C["outcome_verbs"]) and r.low.endswith("s"):
                    return True
        return (
            t.low in ("and", "then", "so")
            and k + 1 < n
            and has(toks[k + 1], C["action_verbs"])
            and not has(toks[k + 1], C["vague_start"])
        )

    def mechanism_after(self, head: int) -> bool:
        return self.mechanism[min(head + 1, len(self.toks))]

    def rescued(self, kind: str, j: int) -> bool:
        """Whether a vague action ending at ``j`` is followed by a concrete change and a check."""
        after = min(j + 1, len(self.toks))
        mechanism = self.mechanism[after]
        if kind == "monitor":
            return self.number[after] and (self.alerting[after] or mechanism or self.charted[after])
        if kind == "discussion":
            # Talk is rescued only by what it produces or a change it goes on to make.
            return self.outputs[after] or self.coordinated[after]
        if kind == "investigate":
            # a step to take, or an output it delivers ("with a weekly report of hosts above
            # 70% usage")
            return (self.strong[after] or self.outputs[after]) and self.concrete[after]
        # a way and a concrete thing; a way that is itself a concrete act ("by requiring MFA");
        # or a concrete object with a threshold ("the feature flags older than 6 months")
        return (mechanism and (self.concrete[after] or self.acted[after])) or (
            self.threshold[after] and self.artifact[after]
        )


def _heads(toks: Sequence[Token]) -> list[int]:
    """Token indexes where an action verb may stand: the start of the title and of its clauses."""
    out: list[int] = []
    expect = True
    for i, t in enumerate(toks):
        if not t.word:
            if t.text in (";", ":", "\u2014", "(", "."):
                expect = True
            continue
        if expect:
            if t.quoted:
                continue  # "translate the 'Investigating' and 'Identified' states": names
            if (
                t.low in _LEAD_INS
                or t.low == "and"
                or (t.upper and t.low in C["priority_prefixes"])
            ):
                continue  # "MEDIUM Develop rules…": a priority, not the verb
            out.append(i)
            expect = False
        if t.low in ("and", "then"):
            expect = True
    return out


def title_findings(title: str) -> list[_Vague]:
    toks = _words(title)
    if not any(t.word for t in toks):
        return []
    out: list[_Vague] = []
    heads = _heads(toks)
    facts = _Facts(toks)
    has_number = facts.number[0]
    covered: set[int] = set()
    first_head = heads[0] if heads else -1
    # concrete_before[i]: a concrete action verb heads a clause before token i.
    concrete_before = [False] * (len(toks) + 1)
    head_set = set(heads)
    for k, t in enumerate(toks):
        concrete_before[k + 1] = concrete_before[k] or (
            k in head_set and has(t, C["action_verbs"]) and not has(t, C["vague_start"])
        )

    def add(i: int, j: int, message: str, key: str) -> None:
        if any(k in covered for k in range(i, j + 1)):
            return
        covered.update(range(i, j + 1))
        span = title[toks[i].start : toks[j].end]
        suggestion = _SUGGESTIONS.get(key)
        out.append(
            _Vague(
                toks[i].start,
                toks[j].end,
                Code.TITLE_VAGUE,
                f'The title "{squash(title)}" is vague ("{squash(span)}"): {message}',
                f"{SMART_QUESTION} {suggestion or _default_suggestion(span)}",
                suggestion,
            )
        )

    # Phrases: hedges anywhere; asks for care, checks or discussion where they are the action.
    for p, i, j in _PHRASES.scan(toks):
        kind = str(p.info["kind"])
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        if nxt is not None and nxt.low in p.info.get("veto_next", []):  # type: ignore[operator]
            continue
        if toks[i].quoted:
            continue  # "the 'Maybe Later' backlog": a name, not a hedge
        if kind == "weasel" and facts.parenthetical[i]:
            continue  # "(inc the support step if required)": a hedge on one detail
        if kind in ("weasel", "vague_object"):
            if kind == "vague_object" and has_number:
                continue
            add(i, j, "it hedges instead of committing.", _key(p.name, "as needed"))
            continue
        at_head = i in head_set or i <= first_head or not concrete_before[i]
        if not at_head:
            continue
        if kind in ("investigate", "monitor", "discussion") and facts.rescued(kind, j):
            continue
        add(i, j, _KIND_MESSAGES.get(kind, "it names no concrete change."), _key(p.name, kind))

    # A process, guidelines or a way of doing something, with nothing said about what it holds:
    # "Implement rules and guidelines for repository contribution", "Create a learning path".
    for h in heads:
        t = toks[h]
        if h in covered or not has(t, C["creation_verbs"]):
            continue
        objects = [x for x in toks[h + 1 : h + 6] if x.word]
        abstract = next((x for x in objects if has(x, C["abstract_objects"])), None)
        if abstract is not None and not facts.strong[h + 1] and not _says_what(toks, abstract):
            add(
                h,
                abstract.index - toks[0].index,
                "it names a process or guideline, not its content.",
                "improve",
            )
    # A terse order on generic things: "Sanitize parameters and inputs", "Fix issues".
    words = [t for t in toks if t.word]
    if heads and len(words) <= 5 and not has_number and first_head >= 0:
        rest = [t for t in words[1:] if t.low not in C["stop"]]
        if rest and all(t.low in C["generic_objects"] for t in rest):
            add(first_head, first_head, "it names no concrete object.", "improve")

    # A question ("Can we use ACM instead of Let's Encrypt?") asks for a discussion.
    words = [t for t in toks if t.word]
    if toks[-1].text == "?" and words:
        add(
            words[0].index - toks[0].index,
            words[-1].index - toks[0].index,
            "it asks a question instead of naming a change.",
            "discussion",
        )
    # A noun phrase with no verb names no change: "Break glass access for team members",
    # "High priority alerts for Elasticsearch" (a document, a number or a name is concrete).
    elif (
        words
        and not has_number
        and not _has_verb(words)
        and not any(has(t, C["documents"]) or t.quoted or _identifier(t) for t in words)
    ):
        add(
            words[0].index - toks[0].index,
            words[-1].index - toks[0].index,
            "it names no change: there is no verb.",
            "improve",
        )

    # A state to reach, with no action: "All runbooks reviewed within 12 months", "Have every
    # service owner on call once a quarter", "Make the nightly batch finish before 06:00".
    state = _stated_state(words)
    if state is not None:
        add(
            state[0].index - toks[0].index,
            state[1].index - toks[0].index,
            "it states a goal, not the change that will reach it.",
            "goal",
        )

    # A goal stated as a noun phrase, with no verb at all: "Fewer pages per week", "Zero
    # incidents caused by config changes".
    if heads and toks[heads[0]].low in _GOAL_NOUN_STARTS and not concrete_before[len(toks)]:
        h = heads[0]
        if any(has(x, C["goal_metrics"]) for x in toks[h + 1 : h + 6]):
            add(h, h, "it states a goal, not the change that will reach it.", "goal")

    for h in heads:
        t = toks[h]
        if h in covered or not has(
            t, C["vague_start"] | C["goal_verbs"] | {"make", "be", "become"}
        ):
            continue
        kind = _verb_kind(t)
        window = toks[h + 1 : h + 12]  # the clause the verb heads, as far as it matters
        if kind == "goal":
            metric = any(has(x, C["goal_metrics"]) for x in window[:7])
            if _sets_a_value(window):
                continue  # "lower the CPU alert to 80%": a setting changed, not a goal
            if metric and not facts.mechanism_after(h):
                add(h, h, "it states a goal, not the change that will reach it.", "goal")
            elif (
                not metric
                and has(t, C["vague_start"])
                and not facts.mechanism_after(h)
                and not has_number
            ):
                add(h, h, "it names no concrete change.", _verb_key(t))
            continue
        if kind == "make":
            if (
                any(has(x, C["vague_modifiers"]) and not x.quoted for x in window)
                and not has_number
                and not _shown_where(window)
            ):
                add(h, h, "it asks for an improvement without saying what changes.", "improve")
            continue
        if facts.rescued(kind, h):
            continue
        end = h
        if kind == "discussion":
            message = "it asks for a discussion or review with no output."
        elif kind == "investigate":
            message = "it asks for an investigation with no concrete step or pass condition."
        elif kind == "monitor":
            message = "it names no metric threshold or alert."
        else:
            message = "it has no concrete object or mechanism."
        add(h, end, message, _verb_key(t) if kind != "discussion" else "discussion")

    # "better logging", "more integration tests", "a reasonable number"
    for i, t in enumerate(toks):
        if i in covered or not t.word:
            continue
        if has(t, C["vague_modifiers"]) and not has_number:
            if t.quoted or _shown_where(toks[i : i + 3]):
                continue  # a quoted name, "visible on the pricing page"
            if facts.strong[min(i + 1, len(toks))] and facts.concrete[min(i + 1, len(toks))]:
                continue  # "Better logging: include the request ID in every error log line"
            if t.low in ("good", "great", "best") and not (
                i > 0 and toks[i - 1].low in ("more", "be")
            ):
                continue
            if t.low in ("efficient", "modern", "mature", "scalable") and not (
                i > 0 and toks[i - 1].low in ("more", "be", "as", "less")
            ):
                continue
            add(i, i, "it says how it should be, not what changes.", "better")
        elif t.low in ("more", "additional", "extra") and not has_number:
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is not None and nxt.word and nxt.low not in _NOT_MORE_OF:
                add(i, i + 1, "it asks for more without saying which or how many.", "better")
        elif (
            t.low == "enough"
            and not has_number
            and i > 0
            and toks[i - 1].low in _SIZE_WORDS
            and any(has(x, C["value_nouns"]) for x in toks[max(0, i - 5) : i - 1])
        ):
            add(i - 1, i, "the value is left undefined.", "undefined")  # "the limit high enough"
        elif (
            has(t, C["undefined_values"]) and not has_number and t.low not in C["undefined_exempt"]
        ):
            for k in range(i + 1, min(len(toks), i + 4)):
                if has(toks[k], C["value_nouns"]):
                    add(i, k, "the value is left undefined.", "undefined")
                    break
    return out


_KIND_MESSAGES = {
    "investigate": "it asks for an investigation with no concrete step or pass condition.",
    "monitor": "it names no metric threshold or alert.",
    "care": "it asks people for care instead of changing the system.",
    "ensure": "it names no check that makes sure.",
    "discussion": "it asks for a discussion with no output.",
    "vague": "it names no concrete change.",
}


def _key(name: str, kind: str) -> str:
    return name if name in _SUGGESTIONS else kind


def _verb_key(t: Token) -> str:
    for key in ("investigate", "consider", "improve", "monitor"):
        if key in t.lem:
            return key
    if has(t, C["investigate_verbs"]):
        return "investigate"
    if has(t, C["monitor_verbs"]):
        return "monitor"
    return "improve"


def _verb_kind(t: Token) -> str:
    if t.low in ("make", "makes", "making"):
        return "make"
    if has(t, C["monitor_verbs"]):
        return "monitor"
    if has(t, C["investigate_verbs"]):
        return "investigate"
    if has(t, C["discussion_verbs"]):
        return "discussion"
    if has(t, C["goal_verbs"]) and not has(t, C["vague_start"] - {"improve"}):
        return "goal"
    if has(t, {"improve"}):
        return "goal"
    return "vague"


def _default_suggestion(span: str) -> str:
    return f'Replace "{squash(span)}" with the concrete change you will make.'


def _content(toks: Sequence[Token]) -> list[Token]:
    return [t for t in toks if t.word and t.low not in C["stop"] and not _numeric(t)]


def done_when_findings(done_when: str, title: str) -> list[_Vague]:
    toks = _words(done_when)
    words = [t for t in toks if t.word]
    if not words:
        return []
    out: list[_Vague] = []

    def add(i: int, j: int, why: str) -> None:
        span = done_when[toks[i].start : toks[j].end]
        out.append(
            _Vague(
                toks[i].start,
                toks[j].end,
                Code.DONE_WHEN_NOT_MEASURABLE,
                f'The done-when criterion "{squash(done_when)}" is not measurable '
                f'("{squash(span)}"): {why}',
                DONE_WHEN_HINT,
                _SUGGESTIONS["done_when"],
            )
        )

    first = toks.index(words[0])
    last = toks.index(words[-1])
    norm = normalise(done_when)
    if norm in C["generic_done"] or (
        norm.removeprefix("when ").removeprefix("it is ").removeprefix("it s ") in C["generic_done"]
    ):
        end = last + 1 if last + 1 < len(toks) and toks[last + 1].text == "." else last
        add(first, end, "it only says the work is done.")
        return out
    number = _threshold(toks)
    for p, i, j in _PHRASES.scan(toks):
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
    title_toks = _words(title)
    title_lemmas: set[str] = set()
    for t in _content(title_toks):
        title_lemmas |= _with_synonyms(t.lem)
    head = next((t for t in title_toks if t.word and t.low not in _LEAD_INS), None)
    if (
        content
        and not number
        and all(
            not _with_synonyms(t.lem).isdisjoint(title_lemmas) or t.low in C["generic_done"]
            for t in content
        )
        and not any(t.quoted or _identifier(t) for t in toks)
        and not any(
            has(t, C["outcome_verbs"]) and not (head is not None and not t.lem.isdisjoint(head.lem))
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
            has(t, C["documents"]) and k > 0 and toks[k - 1].low in ("in", "on", "from")
            for k, t in enumerate(toks)
        )
        or any(t.quoted or _identifier(t) for t in toks)
    )
    if not observable:
        add(first, last, "it names no observable check.")
    return out


_VERBS = (
    C["action_verbs"]
    | C["vague_start"]
    | C["discussion_verbs"]
    | C["investigate_verbs"]
    | C["goal_verbs"]
    | C["monitor_verbs"]
    | C["creation_verbs"]
)


_QUANTIFIERS = frozenset({"all", "every", "each", "no", "zero"})
_OUTCOME_VERBS = frozenset(
    {"finish", "complete", "succeed", "run", "happen", "recover", "respond", "load", "stay", "pass"}
)


def _stated_state(words: Sequence[Token]) -> tuple[Token, Token] | None:
    """The span of a title that only states how things should end up."""
    if len(words) < 3:
        return None
    first, second = words[0], words[1]
    if first.low in _QUANTIFIERS and any(
        (t.low.endswith("ed") and len(t.low) > 4) or t.low in ("has", "have", "is", "are")
        for t in words[2:5]
    ):
        return first, words[min(3, len(words) - 1)]
    if first.low == "have" and second.low in _QUANTIFIERS:
        return first, words[2]
    if first.low in ("make", "get", "keep") and any(
        has(t, _OUTCOME_VERBS)
        and k + 1 < len(words)
        and words[k + 1].low in ("before", "within", "under", "in", "by")
        for k, t in enumerate(words[2:6], start=2)
    ):
        return first, words[min(3, len(words) - 1)]
    return None


def _shown_where(window: Sequence[Token]) -> bool:
    """ "make the tier visible on the pricing page": where it shows is the change."""
    return any(
        t.low == "visible" and k + 2 < len(window) and window[k + 1].low in ("on", "in", "to")
        for k, t in enumerate(window)
    )


def _has_verb(words: Sequence[Token]) -> bool:
    """Whether a title has a verb: a known one, an auxiliary, or an -ed/-ing form."""
    return any(
        has(t, _VERBS)
        or t.low in C["aux_words"]
        or (len(t.low) > 4 and t.low.endswith(("ed", "ing")))
        for t in words
    )


def _says_what(toks: Sequence[Token], noun: Token) -> bool:
    """A process or guideline whose content follows: "a process that removes the IPs"."""
    k = noun.index - toks[0].index
    return any(t.low in ("that", "which", "where", ":") for t in toks[k + 1 : k + 2])


def _sets_a_value(window: Sequence[Token]) -> bool:
    """ "<a setting> to|at|below <number>": the timeout, the pool size, an alert's threshold.

    "Reduce MTTR to 30 minutes" or "cut alerts to 10 a week" name an outcome, not a setting: the
    word before "to" must be a thing one configures (singular: "alerts" counts pages)."""
    for k in range(1, len(window) - 1):
        t = window[k]
        if t.low not in ("to", "at", "below", "under", "above", "from") or not _numeric(
            window[k + 1]
        ):
            continue
        before = window[k - 1]
        if has(before, C["setting_nouns"]) and not has(before, C["goal_metrics"] - {"alert"}):
            return True
    return False


_SYNONYMS: dict[str, str] = {k.casefold(): v.casefold() for k, v in _RAW["synonyms"].items()}


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


def lint_action_wording(
    title: str, done_when: str | None = None, field_prefix: str = ""
) -> list[Finding]:
    """Vagueness findings in an action item's title and done-when, read together.

    Findings are sorted by field (title first), then offset. Never raises.
    """
    findings: list[Finding] = []
    title = title or ""
    for f in title_findings(title):
        findings.append(_finding(f, title, f"{field_prefix}title"))
    if done_when and done_when.strip():
        for f in done_when_findings(done_when, title):
            findings.append(_finding(f, done_when, f"{field_prefix}done_when"))
    return findings


def _finding(f: _Vague, text: str, field: str) -> Finding:
    return Finding(
        code=f.code.value,
        kind="vague",
        field=field,
        start=f.start,
        end=f.end,
        text=text[f.start : f.end],
        message=f.message,
        hint=f.hint,
        suggestion=f.suggestion,
    )


# --- SMART action items --------------------------------------------------------------------------

_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_OWNER_PARTS = re.compile(r"[,;/&|\s]+")
_OWNER_LIST = re.compile(r"[,;/&|]|\s(?:and|or|\+)\s", re.IGNORECASE)
_OWNER_HINT = (
    "Give exactly one owner as an email address, e.g. alice@example.com; "
    "one person owns the item even when several help."
)


def _owner_violations(owner: str, field: str) -> list[Violation]:
    value = (owner or "").strip()
    parts = [p for p in _OWNER_PARTS.split(value) if p]
    if not parts:
        return [
            v(Code.OWNER_NOT_SINGLE, field, "The item has no owner.", _OWNER_HINT),
        ]
    if len(parts) == 1:
        if _EMAIL.fullmatch(parts[0]) and len(parts[0]) <= 254:
            return []
        return [
            v(
                Code.OWNER_INVALID,
                field,
                f'The owner "{squash(value)}" is not an email address.',
                _OWNER_HINT,
            )
        ]
    addresses = [p for p in parts if "@" in p]
    if _OWNER_LIST.search(value) or len(addresses) > 1:
        return [
            v(
                Code.OWNER_NOT_SINGLE,
                field,
                f'The owner "{squash(value)}" names {len(parts)} owners; an item has exactly one.',
                _OWNER_HINT,
            )
        ]
    hint = _OWNER_HINT
    if len(addresses) == 1:
        bare = addresses[0].strip("<>\"'()[]")
        if _EMAIL.fullmatch(bare):
            hint = f"Give only the address: {bare}."
    return [
        v(
            Code.OWNER_INVALID,
            field,
            f'The owner "{squash(value)}" is not a single email address.',
            hint,
        )
    ]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _local(moment: datetime, tz: str) -> str:
    try:
        return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z")
    except (OverflowError, ValueError):
        return moment.isoformat()


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds % 86400 == 0:
        return plural(seconds // 86400, "day", "days")
    if seconds % 3600 == 0:
        return plural(seconds // 3600, "hour", "hours")
    if seconds % 60 == 0:
        return plural(seconds // 60, "minute", "minutes")
    return plural(seconds, "second", "seconds")


def due_violations(
    raw: str | None, now: datetime, policy: Policy, field: str, *, what: str = "due date"
) -> list[Violation]:
    """DUE_INVALID, DUE_IN_PAST or DUE_BEYOND_HORIZON for one due value (at most one of them)."""
    example = "Use an ISO date such as 2025-07-01 (end of that day) or a date-time such as "
    example += "2025-07-01T17:00:00+02:00."
    if raw is None or not raw.strip():
        return [v(Code.DUE_INVALID, field, f"The {what} is missing.", example)]
    try:
        due = _aware(parse_due(raw, policy.timezone))
    except (ValueError, OverflowError, TypeError):
        return [v(Code.DUE_INVALID, field, f'The {what} "{squash(raw)}" is not a date.', example)]
    now = _aware(now)
    horizon = policy.action_items.max_horizon
    if due <= now:
        return [
            v(
                Code.DUE_IN_PAST,
                field,
                f'The {what} "{squash(raw)}" has already passed '
                f"(now is {_local(now, policy.timezone)}).",
                f"Pick a date after today and within {_duration(horizon)}.",
            )
        ]
    try:
        latest = now + horizon
    except OverflowError:
        return []
    if due > latest:
        return [
            v(
                Code.DUE_BEYOND_HORIZON,
                field,
                f'The {what} "{squash(raw)}" is more than {_duration(horizon)} away '
                f"(latest allowed: {_local(latest, policy.timezone)}).",
                "Pick an earlier date, or split the work so a first, smaller change lands "
                "within the horizon.",
            )
        ]
    return []


def check_action_item(
    item: ActionItemDraft,
    root_cause_ids: Collection[str],
    now: datetime,
    policy: Policy,
    field_prefix: str = "",
) -> list[Violation]:
    """Every SMART problem of one action item at once, in field order.

    Title non-blank and specific; exactly one owner email; a due date after ``now`` and within
    ``policy.action_items.max_horizon``; a measurable done-when; a known root cause.
    """
    out: list[Violation] = []
    title_field = f"{field_prefix}title"
    done_field = f"{field_prefix}done_when"
    wording = lint_action_wording(item.title, item.done_when, field_prefix)
    if blank(item.title):
        out.append(
            v(
                Code.TITLE_MISSING,
                title_field,
                "The item has no title.",
                f"{SMART_QUESTION} Name the change, e.g. "
                '"Add schema validation to the deploy pipeline for payments config".',
            )
        )
    else:
        vague = [f for f in wording if f.field == title_field]
        if vague:
            phrases = ", ".join(f'"{squash(f.text)}"' for f in vague)
            out.append(
                v(
                    Code.TITLE_VAGUE,
                    title_field,
                    f'The title "{squash(item.title)}" is vague ({phrases}).',
                    vague[0].hint,
                )
            )
    out.extend(_owner_violations(item.owner, f"{field_prefix}owner"))
    out.extend(due_violations(item.due, now, policy, f"{field_prefix}due"))
    if blank(item.done_when):
        out.append(
            v(
                Code.DONE_WHEN_MISSING,
                done_field,
                "The item has no done-when criterion.",
                DONE_WHEN_HINT,
            )
        )
    else:
        vague = [f for f in wording if f.field == done_field]
        if vague:
            phrases = ", ".join(f'"{squash(f.text)}"' for f in vague)
            out.append(
                v(
                    Code.DONE_WHEN_NOT_MEASURABLE,
                    done_field,
                    f'The done-when criterion "{squash(item.done_when)}" is not measurable '
                    f"({phrases}).",
                    DONE_WHEN_HINT,
                )
            )
    known = {r.strip() for r in root_cause_ids}
    wanted = (item.root_cause or "").strip()
    if wanted not in known or not wanted:
        listing = ", ".join(sorted(known)) if known else "none yet"
        message = (
            "The item names no root cause."
            if not wanted
            else f'The item names root cause "{squash(wanted)}", which does not exist.'
        )
        out.append(
            v(
                Code.ROOT_CAUSE_UNKNOWN,
                f"{field_prefix}root_cause",
                f"{message} Known root causes: {listing}.",
                "Name the id of the root cause this item addresses; submit the five whys first "
                "if there are none.",
            )
        )
    return out
