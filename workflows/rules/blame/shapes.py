"""Shapes of blame read from the sentence's structure rather than from a listed phrase.

Each reading names a construction, not a sentence, so it carries over to wordings no list holds:

- an **attention counterfactual**: an indefinite person marked as attentive, then "would have"
  ("anyone paying attention to the dashboard would have seen…", "someone watching the graphs
  could have stopped it") — not "anyone would have made the same call", which excuses;
- a **sarcasm marker** with a person and a failure ("of course it was the data team again,
  pushing changes without telling anyone", "nice of the vendor team to tell us two days after it
  shipped"), or with an unnamed someone ("once again, somebody decided the runbook was
  optional") — not the marker alone ("of course the team rolled back at once");
- a **cause traced to a person** ("the outage traces back to the DBA on shift", "it came down to
  the new hire", "the fault lies with QA") — not a duty ("it came down to the DBA to decide");
- a **root cause that is a person**: "the root cause was identified as a developer executing a
  test suite in an old terminal", "Root cause: the on-call restarting the primary" — not a gap
  named after people ("the root cause was an engineer shortage"), not a denial ("the root cause
  was not the operator");
- a person who **left something in a risky state** ("joão left the maintenance flag on", "the
  contractor left the bucket public") — not leaving a place ("Kofi left the bridge at 03:00") nor a
  state kept on purpose ("left the old cluster running as a fallback");
- a person's change sent **straight to the live system** ("pushed the rate limits straight to
  prod") — not a fix ("deployed the patch directly to production") nor with its reason ("directly
  to production to stop the errors").

Every loop is bounded by a fixed look-around, so a sentence costs time linear in its length.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.blame.evidence import CREDIT, Hit, span_start, users_pronoun
from workflows.rules.names import C, Names, person_word
from workflows.rules.people import Phrase, agent_after, subject_of
from workflows.rules.text import Sentence, Token, has

__all__ = [
    "attention_counterfactual",
    "cause_is_person",
    "left_in_state",
    "sarcasm_marker",
    "shape_hits",
    "straight_to_live",
    "traced_to_person",
]


def _phrase_at(
    toks: Sequence[Token], k: int, by_first: dict[str, tuple[tuple[str, ...], ...]]
) -> int:
    """The length of the listed phrase starting at token ``k`` (0 when none does); the phrases
    are looked up by their first word, so most tokens cost one dictionary look-up."""
    for phrase in by_first.get(toks[k].low, ()):
        if k + len(phrase) <= len(toks) and all(toks[k + d].low == w for d, w in enumerate(phrase)):
            return len(phrase)
    return 0


def _by_first(phrases: Sequence[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for phrase in phrases:
        out[phrase[0]] = (*out.get(phrase[0], ()), phrase)
    return out


def shape_hits(sent: Sentence, known: Names) -> list[Hit]:
    """Every shape's hits in one sentence (module docstring)."""
    return [
        *attention_counterfactual(sent),
        *sarcasm_marker(sent, known),
        *traced_to_person(sent, known),
        *cause_is_person(sent, known),
        *left_in_state(sent, known),
        *straight_to_live(sent, known),
    ]


_INDEFINITE = frozenset({"anyone", "anybody", "someone", "somebody", "any", "whoever"})
_MODALS = frozenset({"would", "could", "might", "'d"})
#: Attention in the subject: "paying attention", "watching", "looking at", "awake".
_ATTENTIVE = frozenset({"attention", "watching", "looking", "reading", "monitoring", "checking"})
_EXCUSED = frozenset({"same", "likewise", "similarly", "too"})
_REACH = 10  # words from an indefinite subject to its modal


def attention_counterfactual(sent: Sentence) -> list[Hit]:
    """ "Anyone paying attention to the dashboard would have seen the error rate climbing"."""
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for k, t in enumerate(toks):
        if t.low not in _INDEFINITE:
            continue
        if t.low == "any" and not (k + 1 < n and person_word(toks[k + 1])):
            continue  # "any alert would have…" is about a system
        for m in range(k + 1, min(n - 2, k + _REACH)):
            if toks[m].low in _MODALS and toks[m + 1].low in ("have", "'ve", "of"):
                subject = toks[k + 1 : m]
                attentive = any(x.low in _ATTENTIVE or has(x, C["care_words"]) for x in subject)
                rest = toks[m + 2 : m + 7]
                if attentive and not any(x.low in _EXCUSED for x in rest):
                    out.append(Hit(t.start, toks[m + 2].end, "counterfactual"))
                break
            if not toks[m].word and toks[m].text not in ("-",):
                break
    return out


_MARKERS: tuple[tuple[str, ...], ...] = (
    ("of", "course"),
    ("once", "again"),
    ("yet", "again"),
    ("as", "usual"),
    ("as", "always"),
    ("surprise", "surprise"),
    ("thanks", "for", "nothing"),
)
_MARKERS_BY_FIRST = _by_first(_MARKERS)
_OF_PRAISE = frozenset({"nice", "good", "kind", "thoughtful", "considerate", "great", "lovely"})
_LATE = frozenset({"after", "late", "later", "finally", "eventually", "only"})


def sarcasm_marker(sent: Sentence, known: Names) -> list[Hit]:
    """A sarcasm marker, a person and a failure in one sentence (module docstring)."""
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for k, t in enumerate(toks):
        if t.low in _OF_PRAISE and k + 2 < n and toks[k + 1].low == "of":
            agent = agent_after(sent, k + 2, known)
            to = agent.end + 1
            if agent.kind != "person" or to >= n or toks[to].low != "to":
                continue
            rest = toks[to + 1 : n]
            if any(_failure(rest, r) or rest[r].low in _LATE for r in range(len(rest))):
                out.append(Hit(t.start, toks[agent.end].end, "sarcasm", agent.name))
            continue
        marker = _marker_at(toks, k)
        if marker == 0:
            continue
        rest = toks[k + marker : n]
        person = _first_person(sent, k + marker, known)
        if person is None:
            continue
        unnamed = toks[person.start].low in ("somebody", "someone")  # "once again, somebody…"
        if not unnamed and not any(_failure(rest, r) for r in range(len(rest))):
            continue
        out.append(Hit(t.start, toks[person.end].end, "sarcasm", person.name))
    return out


def _marker_at(toks: Sequence[Token], k: int) -> int:
    """The length of the sarcasm marker starting at token ``k`` (0 when none does)."""
    return _phrase_at(toks, k, _MARKERS_BY_FIRST)


def _first_person(sent: Sentence, k: int, known: Names) -> Phrase | None:
    """The first person within a few words after token ``k`` ("…, it was the data team")."""
    toks = sent.tokens
    for m in range(k, min(len(toks), k + 6)):
        if not toks[m].word or toks[m].low in ("it", "this", "that", "was", "is", "the"):
            continue
        agent = agent_after(sent, m, known)
        if agent.kind == "person" and not users_pronoun(toks, agent):
            return agent
    return None


def _failure(words: Sequence[Token], r: int) -> bool:
    """Word ``r`` is a person's failure: a failure verb, or "without" + an omitted step."""
    t = words[r]
    if has(t, C["strong_fail"]) or has(t, C["human_only"]) or has(t, C["bad"]):
        return True
    return (
        t.low == "without"
        and r + 1 < len(words)
        and words[r + 1].low.endswith("ing")
        and (has(words[r + 1], C["omission_verbs"]) or has(words[r + 1], C["care_words"]))
    )


_TRACED: tuple[tuple[str, ...], ...] = (
    ("traces", "back", "to"),
    ("traced", "back", "to"),
    ("trace", "back", "to"),
    ("comes", "down", "to"),
    ("came", "down", "to"),
    ("boils", "down", "to"),
    ("boiled", "down", "to"),
    ("was", "down", "to"),
    ("is", "down", "to"),
    ("lies", "with"),
    ("lay", "with"),
    ("rests", "with"),
    ("rested", "with"),
)


def traced_to_person(sent: Sentence, known: Names) -> list[Hit]:
    """ "The whole outage traces back to the DBA on shift, who dropped the index"."""
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for k in range(n):
        length = _phrase_at(toks, k, _TRACED_BY_FIRST)
        if length == 0:
            continue
        before = toks[max(0, k - 6) : k]
        if any(has(x, CREDIT) or has(x, C["recovery_words"]) for x in before):
            continue  # "the quick recovery came down to Lars"
        start = k + length
        agent = agent_after(sent, start, known)
        if agent.kind not in ("person", "change") or users_pronoun(toks, agent):
            continue
        after = agent.end + 1
        if after < n and toks[after].low == "to":
            continue  # "it came down to the DBA to decide": a duty, not a cause
        if after < n and toks[after].poss:
            continue
        if any(has(x, CREDIT) for x in toks[agent.start : min(n, agent.end + 4)]):
            continue  # "came down to Lars's quick thinking"
        out.append(Hit(toks[k].start, toks[agent.end].end, "fault", agent.name))
    return out


_TRACED_BY_FIRST = _by_first(_TRACED)


#: What qualifies "cause" as the analysis's answer: "the root cause", "the immediate cause".
_CAUSE_QUALIFIERS = frozenset(
    {"root", "underlying", "primary", "proximate", "immediate", "main", "actual", "real", "direct"}
)
#: Words between "cause" and what it is: "was identified as", "is determined to be", ":".
_COPULA = frozenset(
    {"was", "is", "were", "identified", "determined", "found", "as", "to", "be", "ultimately"}
    | {":", "-", "\u2013", "\u2014"}
)


#: "-ing" words that give the person's condition, not an act: "the team being understaffed".
_STATES = frozenset({"being", "having", "lacking", "missing", "needing", "waiting"})


def cause_is_person(sent: Sentence, known: Names) -> list[Hit]:
    """ "The root cause was identified as a developer executing a test suite in an old terminal"."""
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for k in range(n):
        if toks[k].low not in ("cause", "causes"):
            continue
        qualified = k > 0 and toks[k - 1].low in _CAUSE_QUALIFIERS
        field = k + 1 < n and toks[k + 1].text == ":"  # "CAUSE: NETOPS APPLIED ACL…"
        if not (qualified or field):
            continue
        m = k + 1
        while m < n and m - k <= 5 and toks[m].low in _COPULA:
            m += 1
        if m >= n or (m == k + 1 and not field) or toks[m].low in ("not", "never", "n't", "that"):
            continue
        agent = agent_after(sent, m, known)
        if agent.kind not in ("person", "change") or users_pronoun(toks, agent):
            continue
        if agent.end - m > 4 or any(not t.word for t in toks[m : agent.end]):
            continue  # the person must open what the cause is, not sit in a later phrase
        after = toks[agent.end + 1] if agent.end + 1 < n else None
        if (
            after is not None
            and after.word
            and not (
                agent.kind == "change"
                or (after.low.endswith("ing") and len(after.low) > 4 and after.low not in _STATES)
                or after.low == "who"
            )
        ):
            continue  # "an engineer shortage", "the DBA to decide"
        out.append(Hit(toks[k].start, toks[agent.end].end, "fault", agent.name))
    return out


_LEFT = frozenset({"left", "leaves", "leaving", "leave"})
_RISKY_STATES = frozenset(
    {
        "on",
        "enabled",
        "open",
        "running",
        "unlocked",
        "disabled",
        "off",
        "unpatched",
        "unmonitored",
        "unattended",
        "exposed",
        "public",
        "world-readable",
        "commented",
        "paused",
        "muted",
        "silenced",
    }
)
_ON_PURPOSE = frozenset({"as", "to", "so", "for", "because", "until", "while", "deliberately"})


def left_in_state(sent: Sentence, known: Names) -> list[Hit]:
    """ "After the reboot, joão left the maintenance flag on"."""
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for k, t in enumerate(toks):
        if t.low not in _LEFT or k == 0:
            continue
        subject = subject_of(sent, k, known)
        if subject.kind != "person" or subject.end >= k or users_pronoun(toks, subject):
            continue
        if toks[subject.start].low in ("nobody", "no", "no-one", "noone"):
            continue
        for m in range(k + 2, min(n, k + 7)):
            w = toks[m]
            if not w.word:
                break
            if w.low in _RISKY_STATES:
                # "running as a fallback", "enabled to collect traces"; ", so traffic kept
                # flowing" is the harm, not a purpose
                purpose = m + 1 < n and toks[m + 1].low in _ON_PURPOSE
                if not purpose and not any(has(x, C["fix_nouns"]) for x in toks[k + 1 : m]):
                    begin = span_start(toks, subject)
                    out.append(Hit(toks[begin].start, w.end, "omission", subject.name))
                break
    return out


_STRAIGHT = frozenset({"straight", "directly"})
_LIVE = frozenset({"prod", "production", "live", "main", "master", "prd"})
_SENDING = frozenset(
    {"push", "deploy", "merge", "apply", "ship", "roll", "release", "commit", "copy", "send"}
)


_GOING = frozenset({"go"})
_EVERY = frozenset({"all", "every", "each"})
_WIDE = frozenset(
    {"region", "regions", "host", "hosts", "server", "servers", "cluster", "clusters", "node"}
    | {"nodes", "customer", "customers", "user", "users", "tenant", "tenants", "shard", "shards"}
    | {"environment", "environments", "datacenter", "datacenters", "zone", "zones", "pop", "pops"}
)


def _live_end(toks: Sequence[Token], k: int) -> int | None:
    """End of the live target after "straight to": "prod", "the live cluster", or the whole
    estate at once ("all regions", "every customer", "the whole fleet")."""
    n = len(toks)
    if k < n and toks[k].low in _LIVE:
        return k
    if k + 1 < n and toks[k + 1].low in _LIVE:
        return k + 1
    if k + 1 < n and toks[k].low in _EVERY and toks[k + 1].low in _WIDE:
        return k + 1
    if (
        k + 2 < n
        and toks[k].low == "the"
        and toks[k + 1].low in ("whole", "entire")
        and toks[k + 2].low in _WIDE | {"fleet", "estate"}
    ):
        return k + 2
    return None


def straight_to_live(sent: Sentence, known: Names) -> list[Hit]:
    """ "wei pushed the new rate limits straight to prod while the canary was still red"."""
    toks = sent.tokens
    n = len(toks)
    out: list[Hit] = []
    for k, t in enumerate(toks):
        if t.low not in _STRAIGHT or k + 2 >= n or toks[k + 1].low not in ("to", "into", "onto"):
            continue
        live = _live_end(toks, k + 2)
        if live is None:
            continue
        verb = next(
            (v for v in range(k - 1, max(-1, k - 7), -1) if has(toks[v], _SENDING | _GOING)),
            None,
        )
        if verb is None or any(has(x, C["fix_nouns"]) or x.low == "patch" for x in toks[verb:k]):
            continue  # "deployed the patch directly to production": a remedy
        subject = subject_of(sent, verb, known)
        if has(toks[verb], _GOING):
            # "Siobhán's hotfix went straight to all regions": a named person's change
            if subject.kind != "change" or subject.name is None:
                continue
            if any(has(x, C["recovery_words"]) for x in toks[live + 1 :]):
                continue  # "…went straight to production and restored the logins": the fix
        elif subject.kind != "person" or users_pronoun(toks, subject):
            continue
        after = toks[live + 1 : live + 4]
        if any(x.low in ("to", "because", "since") for x in after[:2]):
            continue  # "directly to production to stop the errors": the reason is given
        begin = span_start(toks, subject)
        out.append(Hit(toks[begin].start, toks[live].end, "agent", subject.name))
    return out
