"""A vague title: an action with no concrete object or mechanism, talk or investigation with no step,
a goal without an action, an undefined value, a hedge.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from workflows.codes import Code
from workflows.rules.common import SMART_QUESTION, squash
from workflows.rules.text import Token, has
from workflows.rules.vague.checked import is_check
from workflows.rules.vague.facts import GOAL_NOUN_STARTS, NOT_MORE_OF, SIZE_WORDS, Facts
from workflows.rules.vague.outcomes import outcome_spans
from workflows.rules.vague.thin import thin_spans
from workflows.rules.vague.words import (
    KIND_MESSAGES,
    LEAD_INS,
    MECHANISM_PREPS,
    PHRASES,
    SUGGESTIONS,
    C,
    Vague,
    default_suggestion,
    identifier,
    numeric,
    suggestion_key,
    word_tokens,
)

__all__ = ["title_findings", "verb_kind"]


def _heads(toks: Sequence[Token]) -> list[int]:
    """Token indexes where an action verb may stand: the start of the title and of its clauses."""
    out: list[int] = []
    expect = True
    skip_to = -1
    for i, t in enumerate(toks):
        if i < skip_to:
            continue
        if not t.word:
            if t.text in (";", ":", "\u2014", "(", ".") and not (
                t.text == ":" and i > 0 and toks[i - 1].low == "re"
            ):  # "Chat to the vendor re: purge limits": the topic follows, not a new clause
                expect = True
            continue
        if expect and [x.low for x in toks[i : i + 4]] == ["in", "the", "process", "of"]:
            skip_to = i + 4  # "we're still in the process of hardening…": the verb follows
            continue
        if expect and _stated_aim(toks, i):
            skip_to = i + 4  # "Our goal is to cut the time to detect…": the verb follows
            continue
        if expect and t.low in _AIM_NOUNS and i + 1 < len(toks) and toks[i + 1].text == ":":
            skip_to = i + 1  # "Target: sub-minute failover…": what follows is the item
            continue
        if expect and t.low in _CONTINUE and i + 1 < len(toks) and toks[i + 1].low == "to":
            skip_to = i + 2  # "Continue to host docker images on Docker Hub": the verb follows
            continue
        if expect:
            if t.quoted:
                continue  # "translate the 'Investigating' and 'Identified' states": names
            if t.low in LEAD_INS or t.low == "and" or (t.upper and t.low in C["priority_prefixes"]):
                continue  # "MEDIUM Develop rules…": a priority, not the verb
            out.append(i)
            expect = False
        if t.low in ("and", "then"):
            expect = True
    return out


#: Nouns that announce an aim: "our goal is to…", "Target: …".
_AIM_NOUNS = frozenset({"goal", "aim", "objective", "target", "intention", "ambition"})


def _stated_aim(toks: Sequence[Token], i: int) -> bool:
    """ "our|the goal|aim|objective is to" at ``i``: an announcement before the verb."""
    lows = [t.low for t in toks[i : i + 4]]
    return (
        len(lows) == 4
        and lows[0] in ("our", "the", "my", "their")
        and lows[1] in _AIM_NOUNS
        and lows[2] in ("is", "was")
        and lows[3] == "to"
    )


#: Verbs that carry on with the act that follows them ("continue to host the images on…").
_CONTINUE = frozenset({"continue", "continues", "continuing"})


def title_findings(title: str, done_when: str = "") -> list[Vague]:
    """Vague spans of ``title``, read with its ``done_when`` (default none).

    When the done-when is a check someone could run (:func:`workflows.rules.vague.checked.is_check`)
    a trigger word ("ensure", "investigate", "monitor") followed by a concrete object is fine, and
    so is a generic object; a number in it gives the value a setting change leaves out."""
    toks = word_tokens(title)
    checked = is_check(done_when, title)
    valued = any(numeric(t) for t in word_tokens(done_when)) if done_when else False
    if not any(t.word for t in toks):
        return []
    out: list[Vague] = []
    heads = _heads(toks)
    facts = Facts(toks)
    has_number = facts.number[0]
    # An undefined value is read against numbers written as values: a host's digit is no value.
    has_value = facts.value_number[0]
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
        suggestion = SUGGESTIONS.get(key)
        out.append(
            Vague(
                toks[i].start,
                toks[j].end,
                Code.TITLE_VAGUE,
                f'The title "{squash(title)}" is vague ("{squash(span)}"): {message}',
                f"{SMART_QUESTION} {suggestion or default_suggestion(span)}",
                suggestion,
            )
        )

    # Phrases: hedges anywhere; asks for care, checks or discussion where they are the action.
    for p, i, j in PHRASES.scan(toks):
        kind = str(p.info["kind"])
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        if nxt is not None and nxt.low in p.info.get("veto_next", []):  # type: ignore[operator]
            continue
        if toks[i].quoted:
            continue  # "the 'Maybe Later' backlog": a name, not a hedge
        if kind == "weasel" and facts.parenthetical[i] and not _whole_aside(toks, i, j):
            continue  # "(inc the support step if required)": a hedge on one detail, but
            # "Disable text-to-speech globally (if possible)" hedges the whole item
        if kind == "weasel" and _opening_adverbial(toks, i, j):
            continue  # "Moving forward, we will adopt the silent patch policy": when, not a hedge
        if kind == "undefined":
            if _listed_after(toks, j):
                continue  # "the minimum permissions it needs: ecr:PutImage and …" lists them
            if not (has_value or valued):  # "set the timeout to whatever the vendor says"
                add(i, j, "the value is left undefined.", "undefined")
            continue
        if kind in ("weasel", "vague_object"):
            if kind == "vague_object" and has_number:
                continue
            add(i, j, "it hedges instead of committing.", suggestion_key(p.name, "as needed"))
            continue
        if kind == "need":  # a statement about its subject, wherever it stands
            if not (
                has_number
                or facts.rescued(kind, j)
                or any(identifier(x) or x.quoted for x in toks[j + 1 : j + 8])
            ):  # "the runbook needs updating with the pg_ctl promote step" names the change
                add(i, j, KIND_MESSAGES["need"], "improve")
            continue
        at_head = i in head_set or i <= first_head or not concrete_before[i]
        if not at_head:
            continue
        if kind in ("investigate", "monitor", "discussion") and facts.rescued(kind, j):
            continue
        if kind == "vague" and _by_way(toks, j) and facts.rescued(kind, j):
            continue  # "Rely less on manual failover by adding Patroni with a 10 s leader TTL"
        if kind in _TRIGGER_KINDS and (
            (checked and facts.concrete[min(j + 1, len(toks))]) or _asserts_behaviour(toks, j)
        ):
            continue  # "make sure the deploy script checks the lock file": the check is named
        add(
            i,
            j,
            KIND_MESSAGES.get(kind, "it names no concrete change."),
            suggestion_key(p.name, kind),
        )

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
    # A talk or a look named as a noun, with nothing it produces: "A review of our backup
    # strategy", "An audit of firewall rules" (not "A review of the IAM roles that removes…").
    if (
        len(words) >= 3
        and len(words) <= 10
        and words[0].low in ("a", "an")
        and has(words[1], C["discussion_nouns"] | _LOOK_NOUNS)
        and words[2].low in ("of", "on", "into", "about")
        and not has_number
        and not any(t.quoted or identifier(t) for t in words)
        and not facts.outputs[words[2].index - toks[0].index]
        and not any(t.low in ("that", "which", "to", "and", "by") for t in words[3:])
    ):
        add(
            words[0].index - toks[0].index,
            words[-1].index - toks[0].index,
            "it names a review or a look with no output.",
            "discussion",
        )
    # A prohibition whose objects are only qualities forbids no act: "Don't sacrifice quality
    # for speed", "Never compromise on safety" (not "Never deploy schema changes on Fridays").
    if (
        len(words) >= 3
        and words[0].low in _PROHIBITIONS
        and not has_number
        and all(
            t.low in C["stop"] or t.low in _PROHIBITIONS or has(t, _ABSTRACT_GOODS)
            for t in words[2:]
        )
        and any(has(t, _ABSTRACT_GOODS) for t in words[2:])
    ):
        add(
            words[0].index - toks[0].index,
            words[-1].index - toks[0].index,
            "it forbids no concrete act.",
            "improve",
        )
    # A verbless title whose head is an improvement or a meeting names no change even when it
    # names a document: "Runbook improvements", "Postmortem review with leadership".
    elif (
        words
        and not has_number
        and not _acts(words)
        and not any(t.quoted or identifier(t) for t in words)
        and (
            words[-1].low in _VAGUE_NOMINALS
            or any(
                has(t, C["discussion_nouns"]) and k + 1 < len(words) and words[k + 1].low == "with"
                for k, t in enumerate(words)
            )
        )
    ):
        add(
            words[0].index - toks[0].index,
            words[-1].index - toks[0].index,
            "it names an improvement or a meeting, not the change.",
            "improve",
        )
    # A noun phrase with no verb names no change: "Break glass access for team members",
    # "High priority alerts for Elasticsearch" (a document, a number or a name is concrete).
    elif (
        words
        and not has_number
        and not _acts(words)
        and not any(has(t, C["documents"]) or t.quoted or identifier(t) for t in words)
    ):
        add(
            words[0].index - toks[0].index,
            words[-1].index - toks[0].index,
            "it names no change: there is no verb.",
            "improve",
        )

    for i, j, message, key in outcome_spans(toks, heads, facts, _acts(words)):
        add(i, j, message, key)
    if heads:  # read from the first verb on: "We need to increase the memory limit"
        clause = [t for t in toks[heads[0] :] if t.word]
        for i, j, message, key in thin_spans(clause, checked, valued or has_number):
            add(clause[i].index - toks[0].index, clause[j].index - toks[0].index, message, key)

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
    if heads and toks[heads[0]].low in GOAL_NOUN_STARTS and not concrete_before[len(toks)]:
        h = heads[0]
        if any(has(x, C["goal_metrics"]) for x in toks[h + 1 : h + 6]):
            add(h, h, "it states a goal, not the change that will reach it.", "goal")
    # A quantity as the whole title, with no verb to reach it: "At most one failed deploy per
    # month", "No more than 2 minutes of write downtime per failover", "Less than 0.1% of…".
    quantified = _quantified_start(words)
    if quantified is not None and not concrete_before[len(toks)]:
        add(
            words[0].index - toks[0].index,
            quantified.index - toks[0].index,
            "it states a goal, not the change that will reach it.",
            "goal",
        )

    for h in heads:
        t = toks[h]
        if h in covered or not has(
            t, C["vague_start"] | C["goal_verbs"] | {"make", "be", "become"}
        ):
            continue
        kind = verb_kind(t)
        window = toks[h + 1 : h + 12]  # the clause the verb heads, as far as it matters
        if kind == "goal":
            metric = any(has(x, C["goal_metrics"]) for x in window[:7])
            if _sets_a_value(window):
                continue  # "lower the CPU alert to 80%": a setting changed, not a goal
            if metric and not facts.mechanism_after(h):
                add(h, h, "it states a goal, not the change that will reach it.", "goal")
            elif (
                not metric
                and (has(t, C["vague_start"]) or has(t, _EXTREMES))
                and not facts.mechanism_after(h)
                and not has_value
            ):  # "Minimize cross-team dependencies": as far as what goes?
                add(h, h, "it names no concrete change.", _verb_key(t))
            continue
        if kind == "make":
            if (
                (
                    any(has(x, C["vague_modifiers"]) and not x.quoted for x in window)
                    or _comparative(window)
                )
                and not has_value
                and not _shown_where(window)
                and not facts.rescued("vague", h)  # "…smarter by grouping alerts per service"
            ):
                add(h, h, "it asks for an improvement without saying what changes.", "improve")
            continue
        if facts.rescued(kind, h):
            continue
        if kind == "monitor" and _holds_a_setting(toks, h):
            continue  # "keep rate limit in place for 1 week": a setting held, not a watch
        if _trigger(t, kind) and (
            (checked and facts.concrete[min(h + 1, len(toks))]) or _asserts_behaviour(toks, h)
        ):
            continue  # "Ensure the backup job exits non-zero when the upload fails"
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

    # "SSH config should be hardened", "the runbooks need to be improved": a vague verb in the
    # passive names no change either, unless a way or a number follows.
    for i, j, key in _vague_passives(toks):
        if has_number or facts.rescued("vague", j) or (checked and facts.concrete[j + 1]):
            continue
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        if nxt is not None and nxt.low in MECHANISM_PREPS and facts.concrete[j + 2]:
            continue  # "should be hardened with PasswordAuthentication no"
        if nxt is not None and nxt.low == "by" and has(toks[j], _APPROVALS):
            continue  # "should be reviewed by a DBA before it is merged": an approval step
        add(i, j, "it names no concrete change.", key)

    # "better logging", "more integration tests", "a reasonable number"
    for i, t in enumerate(toks):
        if i in covered or not t.word:
            continue
        if (
            t.low in _EVALUATIVE
            and not has_value
            and not valued
            and not facts.rescued("vague", min(i + 1, len(toks) - 1))
        ):  # "the appropriate rotation using the service tag in PagerDuty" says which
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is not None and nxt.word and nxt.low not in C["stop"] and not nxt.quoted:
                add(i, i + 1, "the value is left undefined.", "undefined")  # "a sensible sequence"
                continue
        if (
            t.low in ("a", "an")
            and i > 0
            and toks[i - 1].low in ("to", "at")
            and not has_value
            and not valued
        ):
            open_end = _open_value_end(toks, i)
            if open_end is not None:  # "to an agreed number", "at a less aggressive value"
                add(i - 1, open_end, "the value is left undefined.", "undefined")
                continue
        if t.low in _DEGREE_ADVERBS:
            continue  # "strictly separated service domains": how far, not how well
        if has(t, C["vague_modifiers"]) and not has_value:
            if t.quoted or _shown_where(toks[i : i + 3]):
                continue  # a quoted name, "visible on the pricing page"
            k1 = min(i + 1, len(toks))
            if (facts.strong[k1] and facts.concrete[k1]) or facts.spelled_out[k1]:
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
            if nxt is not None and nxt.word and nxt.low not in NOT_MORE_OF:
                add(i, i + 1, "it asks for more without saying which or how many.", "better")
        elif (
            t.low == "enough"
            and not has_value
            and i > 0
            and toks[i - 1].low in SIZE_WORDS
            and any(has(x, C["value_nouns"]) for x in toks[max(0, i - 5) : i - 1])
        ):
            add(i - 1, i, "the value is left undefined.", "undefined")  # "the limit high enough"
        elif has(t, C["undefined_values"]) and not has_value and t.low not in C["undefined_exempt"]:
            for k in range(i + 1, min(len(toks), i + 4)):
                if has(toks[k], C["value_nouns"]):
                    add(i, k, "the value is left undefined.", "undefined")
                    break
    return out


#: Judgements of a value that leave it to the reader, whatever noun they qualify ("a sensible
#: sequence", "an appropriate owner"): unlike "higher" or "proper" they never name a thing.
_EVALUATIVE = frozenset(
    {"sensible", "reasonable", "appropriate", "adequate", "suitable", "decent", "sane", "saner"}
)

#: Heads of a verbless title that name an improvement, not what it is ("Runbook improvements").
_VAGUE_NOMINALS = frozenset(
    {"improvement", "improvements", "enhancement", "enhancements", "hardening", "refinements"}
    | {"tweaks", "cleanup", "clean-up", "rework", "overhaul", "revamp", "polish", "tidy-up"}
)

#: Verbs whose passive with an agent is an approval step ("reviewed by a DBA").
_APPROVALS = frozenset({"review", "approve", "audit", "assess", "evaluate", "check"})


def _listed_after(toks: Sequence[Token], j: int) -> bool:
    """Whether a colon after ``j`` opens a list of names: "…it needs: ecr:PutImage only"."""
    for k in range(j + 1, min(len(toks), j + 10)):
        if toks[k].text == ":":
            return any(identifier(t) or t.quoted for t in toks[k + 1 : k + 4])
    return False


#: Nouns for looking at something, besides the lexicon's discussion nouns ("an audit of…").
_LOOK_NOUNS = frozenset({"audit", "inspection", "survey", "study", "deep-dive", "look"})

#: Qualities a prohibition may name instead of an act ("don't sacrifice quality for speed").
_ABSTRACT_GOODS = C["quality_nouns"] | frozenset({"quality", "speed", "safety", "corners"})

#: Goal verbs that push a thing to an extreme nobody states.
_EXTREMES = frozenset({"minimise", "minimize", "maximise", "maximize"})

#: Nouns that name a value itself: "to a <…> number" leaves it open whatever the words between.
_OPEN_VALUE_NOUNS = frozenset(
    {"number", "value", "level", "size", "amount", "threshold", "setting", "figure", "limit"}
    | {"count", "rate", "interval", "duration", "timeout", "ttl", "percentage", "ratio"}
    | {"margin", "cap", "quota", "window", "period", "frequency", "cadence", "degree"}
)


def _open_value_end(toks: Sequence[Token], i: int) -> int | None:
    """The index of the value noun in "a|an [up to three words] <value noun>" at ``i``, when no
    word between is a number, a name or a quoted value ("to a reasonable number", "to an
    agreed value"); None otherwise ("to a 30 s timeout", "to a `max_conns` value")."""
    for k in range(i + 1, min(len(toks), i + 5)):
        t = toks[k]
        if not t.word or numeric(t) or identifier(t) or t.quoted:
            return None
        if t.low in _OPEN_VALUE_NOUNS:
            return k
    return None


#: Adverbs of degree whose lemma looks like a vague modifier ("strictly" -> "strict").
_DEGREE_ADVERBS = frozenset({"strictly"})

#: Verbs whose passive ("should be hardened", "must be improved") names no change by itself.
_VAGUE_PASSIVE = frozenset(
    {
        "harden",
        "improve",
        "enhance",
        "strengthen",
        "streamline",
        "optimise",
        "optimize",
        "tighten",
        "bolster",
        "revisit",
        "revamp",
        "overhaul",
        "rework",
        "refine",
        "polish",
        "modernise",
        "modernize",
        "monitor",
        "review",
        "reconsider",
        "rethink",
        "address",
        "tackle",
        "fortify",
        "solidify",
        "evaluate",
        "assess",
        "consider",
        "discuss",
        "explore",
        "investigate",
        "clarify",
        "reinforce",
        "formalise",
        "formalize",
        "standardise",
        "standardize",
        "simplify",
        "revise",
        "educate",
        "train",
        "secure",
        "safeguard",
    }
)

#: Words before "be" that make the participle after it a requirement ("should be", "to be").
_PASSIVE_AUX = frozenset({"should", "must", "shall", "will", "to", "can", "could", "would"})


def _vague_passives(toks: Sequence[Token]) -> list[tuple[int, int, str]]:
    """Spans "<aux> be [adverb] <participle of a vague verb>" with the suggestion key for the
    verb: "should be hardened", "needs to be carefully reviewed", "must be improved"."""
    out: list[tuple[int, int, str]] = []
    for k in range(1, len(toks) - 1):
        if toks[k].low != "be" or toks[k - 1].low not in _PASSIVE_AUX:
            continue
        m = k + 1
        if toks[m].low.endswith("ly") and m + 1 < len(toks):
            m += 1
        t = toks[m]
        if not (t.word and t.low.endswith("ed")):
            continue
        if has(t, _VAGUE_PASSIVE):
            out.append((k - 1, m, _verb_key(t)))
        elif has(t, C["thin_verbs"]) and _generic_subject(toks[: k - 1]):
            out.append((k - 1, m, "improve"))  # "Documentation will be updated."
    return out


def _generic_subject(before: Sequence[Token]) -> bool:
    """Whether the words before a passive's auxiliary are only a kind of thing ("Documentation",
    "the runbooks", "our alerting"), at most four words and none a name or a number."""
    words = [t for t in before if t.word]
    if not words or len(words) > 4:
        return False
    kinds = [t for t in words if t.low not in C["stop"]]
    return bool(kinds) and all(
        has(t, C["generic_kinds"]) and not identifier(t) and not numeric(t) for t in kinds
    )


#: Phrase kinds that are trigger words: fine when a concrete object and a check follow.
#: Talk is not among them: it is rescued only by what it produces (``Facts.rescued``).
_TRIGGER_KINDS = frozenset({"investigate", "monitor", "ensure"})

#: Opening verbs that are trigger words in the same sense ("Ensure the job exits non-zero…").
_TRIGGER_VERBS = frozenset({"ensure", "audit", "check", "verify"})

#: Words before a verb that make it a noun ("the alerts", "more checks").
_NOUN_BEFORE = frozenset({"the", "a", "an", "more", "some", "all", "any", "no", "of", "for", "our"})


def _trigger(t: Token, kind: str) -> bool:
    return kind in ("investigate", "monitor") or (kind != "discussion" and has(t, _TRIGGER_VERBS))


def _asserts_behaviour(toks: Sequence[Token], j: int) -> bool:
    """ "ensure|make sure <a named thing> <does something>": a behaviour the change must have
    ("make sure the deploy script checks the lock file", "ensure the backup job exits non-zero").

    Only "ensure" and "make sure" read so: the word after them opens a clause. The clause needs
    a thing someone can point at (an artifact, an identifier) before a third-person verb that
    is an act or an outcome, within eight tokens."""
    if toks[j].low not in ("ensure", "ensures", "ensuring", "sure"):
        return False
    start = j - 1 if toks[j].low == "sure" else j
    if start >= 2 and toks[start - 1].low in ("to", "and") and _acted_before(toks, start - 1):
        return True  # "Script updated to handle pagination and ensure…": the purpose of an act
    seen_thing = False
    for k in range(j + 1, min(len(toks), j + 9)):
        t = toks[k]
        if not t.word:
            return False  # a clause ends: "ensure quality; …"
        if (
            k > j + 1
            and t.low.endswith("ed")
            and any(x.low in _PERFECT for x in toks[max(j + 1, k - 5) : k])
            and has(t, C["action_verbs"])
            and not has(t, C["vague_start"])
        ):
            return True  # "make sure we've migrated…", "ensure all buckets have X enabled"
        if (
            seen_thing
            and t.low in ("is", "are", "get", "gets")
            and k + 1 < len(toks)
            and toks[k + 1].low in _IRREGULAR_DONE
        ):
            return True  # "ensure the common Ethereum tests are run against Bedrock"
        if (
            seen_thing
            and t.low in ("is", "are", "stays", "remains", "has", "have")
            and any(numeric(x) for x in toks[k + 1 : k + 8])
        ):
            return True  # "ensure that the DNS TTL for api.example.com is 60 seconds", "ensure
            # every cron job has a timeout of at most 1 hour"
        if identifier(t) or (has(t, C["artifacts"]) and t.low not in C["generic_kinds"]):
            seen_thing = True  # "the deploy script", not "monitoring" ("ensure monitoring covers…")
            continue
        if (
            seen_thing
            and t.low.endswith("s")
            and toks[k - 1].low not in _NOUN_BEFORE
            and has(t, C["outcome_verbs"] | C["action_verbs"])
            and not has(t, C["vague_start"] - {"ensure"})
        ):
            return True
    return False


#: Participles of concrete acts that do not end in -ed: "the tests are run", "a lock is set".
_IRREGULAR_DONE = frozenset(
    {"run", "rerun", "built", "rebuilt", "set", "sent", "written", "rewritten", "shown", "held"}
    | {"put", "split", "shut", "cut", "kept", "frozen", "chosen", "taken", "drawn", "torn"}
)


#: Auxiliaries before a participle that say an act is done: "we've migrated", "is enabled".
_PERFECT = frozenset({"have", "has", "had", "we've", "they've", "is", "are", "was", "were", "been"})


def _acted_before(toks: Sequence[Token], k: int) -> bool:
    """A concrete act in the twelve tokens before ``k``: a known, non-vague action verb or an -ed
    form of one ("Upgrade the client to ensure…", "Script updated to ensure…"). The bound keeps
    a text of many "and ensure" linear."""
    return any(
        t.word and has(t, C["action_verbs"]) and not has(t, C["vague_start"])
        for t in toks[max(0, k - 12) : k]
    )


#: States a "keep" can hold a setting in: "keep the rate limit in place", "keep the flag disabled".
_HELD_STATES = frozenset(
    {"enabled", "disabled", "pinned", "frozen", "locked", "paused", "off", "closed", "open"}
)


def _holds_a_setting(toks: Sequence[Token], h: int) -> bool:
    """Whether the "keep" at ``h`` holds a named thing in a state ("keep rate limit in place for 1
    week", "keep the feature flag disabled until 2.4 ships") rather than watching it: "in place"
    or a held state within six words, before the clause ends."""
    if toks[h].low not in ("keep", "keeps"):
        return False
    window: list[Token] = []
    for t in toks[h + 1 : h + 8]:
        if not t.word:
            break
        window.append(t)
    lows = [t.low for t in window]
    in_place = any(a == "in" and b == "place" for a, b in pairwise(lows))
    return len(window) >= 2 and (in_place or any(x in _HELD_STATES for x in lows[1:]))


def _verb_key(t: Token) -> str:
    for key in ("investigate", "consider", "improve", "monitor"):
        if key in t.lem:
            return key
    if has(t, C["investigate_verbs"]):
        return "investigate"
    if has(t, C["monitor_verbs"]):
        return "monitor"
    return "improve"


#: Words that bound a quantity at the start of a verbless goal ("fewer than 5", "at most one").
_BOUNDS = frozenset({"fewer", "less", "more", "under", "below", "over", "above", "most", "least"})


def _quantity_word(t: Token) -> bool:
    return numeric(t) or t.low in C["number_words"]


def _quantified_start(words: Sequence[Token]) -> Token | None:
    """The quantity of a title that opens with a bound and a number ("No more than 2 minutes",
    "At most one", "Less than 0.1%"), or None."""
    lows = [t.low for t in words[:5]]
    k = 0
    if lows[:1] in (["no"], ["not"]):
        k = 1
    if lows[k : k + 1] == ["at"] and lows[k + 1 : k + 2] in (["most"], ["least"]):
        k += 2
    elif lows[k : k + 1] and lows[k] in _BOUNDS:
        k += 1
        if lows[k : k + 1] == ["than"]:
            k += 1
        elif words[k - 1].low not in ("under", "below", "over", "above"):
            return None
    else:
        return None
    if k < len(words) and _quantity_word(words[k]):
        return words[k]
    return None


def _by_way(toks: Sequence[Token], j: int) -> bool:
    """A way is spelled after ``j`` ("by setting…", "using…", ": disable…"), not only a purpose
    ("making changes to the release process to codify testing phases" names none)."""
    return any(t.low in ("by", "using", "via") or t.text == ":" for t in toks[j + 1 : j + 12])


def _comparative(window: Sequence[Token]) -> bool:
    """ "less brittle", "more fault tolerant": a quality compared, with no value ("less than 2 s"
    and "more replicas" are read elsewhere)."""
    for a, b in pairwise(window):
        if not a.word or a.quoted or a.low not in ("less", "more"):
            continue
        if b.word and b.low not in NOT_MORE_OF and not _quantity_word(b) and not b.quoted:
            return True
    return False


def verb_kind(t: Token) -> str:
    """What an opening verb asks for: make, monitor, investigate, discussion, goal or vague."""
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
    if (
        first.low in _QUANTIFIERS
        and any(
            (t.low.endswith("ed") and len(t.low) > 4) or t.low in ("has", "have", "is", "are")
            for t in words[2:5]
        )
        and not _named_means(words[2:7])
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


def _whole_aside(toks: Sequence[Token], i: int, j: int) -> bool:
    """Whether ``toks[i..j]`` is all a parenthesis holds: "(if possible)", "(where feasible)"."""
    return i > 0 and toks[i - 1].text == "(" and j + 1 < len(toks) and toks[j + 1].text == ")"


def _named_means(words: Sequence[Token]) -> bool:
    """ "managed by Ansible", "deployed via `make release`", "rotated using vault-rotate": a
    participle whose means is a named tool or an act, which makes the state a change ("All
    configuration to be managed by Ansible"), not a goal ("All runbooks reviewed by the team")."""
    for k in range(len(words) - 2):
        verb, prep, means = words[k], words[k + 1], words[k + 2]
        if (
            verb.low.endswith("ed")
            and len(verb.low) > 4
            and prep.low in ("by", "via", "using", "through", "with")
            and (identifier(means) or means.quoted or means.text[:1].isupper())
        ):
            return True
    return False


def _shown_where(window: Sequence[Token]) -> bool:
    """ "make the tier visible on the pricing page": where it shows is the change."""
    return any(
        t.low == "visible" and k + 2 < len(window) and window[k + 1].low in ("on", "in", "to")
        for k, t in enumerate(window)
    )


#: Words before which a verb-like word is a verb: "to add", "we alert", "and pages".
_VERB_SLOT = frozenset(
    {
        "to",
        "will",
        "should",
        "must",
        "can",
        "could",
        "would",
        "and",
        "we",
        "they",
        "it",
        "then",
        "not",
        "also",
        "who",
        "that",
        "which",
    }
)

#: Openings that modify a noun rather than command: "High priority alerts for…", "More chaos
#: testing", "Fewer false pages" (a verb never starts so).
_NOUN_OPENINGS = frozenset(
    {
        "high",
        "low",
        "more",
        "better",
        "fewer",
        "less",
        "additional",
        "extra",
        "new",
        "automatic",
        "automated",
        "improved",
        "increased",
        "proper",
        "continuous",
        "regular",
        "further",
        "greater",
        "no",
        "zero",
        "all",
        "every",
        "any",
        "some",
        "risk-free",
        "quicker",
        "faster",
    }
)


#: Openings of a prohibition, which commands an act as much as an imperative does (lessons in
#: real reports are often written so: "Do not run experimental databases in production").
_PROHIBITIONS = frozenset({"do", "don't", "don\u2019t", "dont", "never"})


def _acts(words: Sequence[Token]) -> bool:
    """Whether a title commands or states an act, read more strictly than :func:`_has_verb`: a
    verb-like word after the first counts only where a verb stands (after "to", an auxiliary, a
    pronoun or "and"), unless it is an -ed form or a known verb in its bare form. "Opensearch
    index dating issues" and "High priority alerts for Elasticsearch" then have none; the first
    word counts when it is a known verb or an -ing form and not an opening that modifies a noun
    ("More chaos testing")."""
    for k, t in enumerate(words):
        if t.low in C["aux_words"]:
            return True
        if len(t.low) > 4 and t.low.endswith("ed") and k > 0:
            return True
        if k == 0:
            if t.low in _PROHIBITIONS and len(words) > 2:
                return True  # "Do not perform a migration on both nodes in the same time slot"
            if t.low not in _NOUN_OPENINGS and (
                has(t, _VERBS) or (len(t.low) > 4 and t.low.endswith("ing"))
            ):
                return True
            continue
        verbish = has(t, _VERBS) or (len(t.low) > 4 and t.low.endswith("ing"))
        if not verbish:
            continue
        if words[k - 1].low in _VERB_SLOT:
            return True
        if has(t, _VERBS) and not t.low.endswith(("s", "ing")):
            return True
    return False


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
        if t.low not in ("to", "at", "below", "under", "above", "from") or not numeric(
            window[k + 1]
        ):
            continue
        before = window[k - 1]
        if has(before, C["setting_nouns"]) and not has(before, C["goal_metrics"] - {"alert"}):
            return True
        if t.low == "from" and any(x.low in ("replica", "replicas") for x in window[:k]):
            return True  # "Double the replica count of the ingress from 2 to 4": a setting
    return False


#: Time adverbials that only say when the change starts when they open the title and a comma
#: closes them; elsewhere ("…rebuild the process going forward") they stay hedges.
_OPENING_ADVERBIALS = frozenset({"going forward", "moving forward", "in the future"})


def _opening_adverbial(toks: Sequence[Token], i: int, j: int) -> bool:
    """Whether the phrase ``toks[i..j]`` opens the title and is closed by a comma."""
    first = next((k for k, t in enumerate(toks) if t.word), -1)
    phrase = " ".join(t.low for t in toks[i : j + 1])
    return (
        i == first
        and j + 1 < len(toks)
        and toks[j + 1].text == ","
        and phrase in _OPENING_ADVERBIALS
    )
