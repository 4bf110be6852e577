"""Who a phrase is about: people, roles, teams, responders' names and pronouns, or systems.

The checks ask this of the words before a failure verb (its subject), after "by" in a passive
(its agent) and after "if" or "had" in a counterfactual. A noun phrase is read backwards from its
head over at most a few words; it is a person when its head is a role or group word ("the DBA on
duty", "the storage team", "the new hire"), a personal pronoun, a responder's name (any part of
it, any case, accents ignored, possessive or not) or a given name written as one; it is a
person's change when a person's possessive modifies a change ("Oksana's migration"). Everything
else is a system. Names that are ordinary words (Art, Faith, Frank, Joy, Max) count only when
written as names.

The names and person words it asks about are read in :mod:`workflows.rules.names`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workflows.rules.names import C, Names, guessed_name, name_at, person_word
from workflows.rules.text import Sentence, Token, has

__all__ = [
    "Phrase",
    "agent_after",
    "classify",
    "clause_subject",
    "not_agent",
    "phrase_before",
    "subject_of",
]


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
    # A person's possessive before a change: "Oksana's migration", "the DBA's script", "his
    # cleanup job".
    for k in range(start, head):
        t = toks[k]
        if t.low in ("his", "her") and has(h, C["change_nouns"]):
            return Phrase(start, head, "change", None)
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
    if h.low in ("member", "members") and _member_of_group(toks, start, head):
        return Phrase(start, head, "person")  # "an S3 team member", "two staff members"
    if has(h, C["group_heads"]):
        return Phrase(start, head, "person")
    if head > 0 and toks[head - 1].low in ("on", "on-call") and h.low in ("call", "duty"):
        return Phrase(start, head, "person")  # "the DBA on duty", "the engineer on call"
    if guessed_name(sent, head):
        return Phrase(start, head, "guess", h.text)
    return Phrase(start, head, "system")


def not_agent(toks: Sequence[Token], phrase: Phrase) -> bool:
    """The phrase is users, customers or members of the public, not responders ("people that had
    not updated"); a member of a group of staff ("an S3 team member") is a responder."""
    head = toks[phrase.end]
    if head.low not in C["not_agents"] or phrase.name:
        return False
    return not (
        head.low in ("member", "members") and _member_of_group(toks, phrase.start, phrase.end)
    )


_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "night"}
)


def _before_time(toks: Sequence[Token], m: int) -> int:
    """Token ``m``, or the word before a time that ends at ``m``: "Dmitri's cron edit at 02:10",
    "the push on Friday", "the reindex yesterday" — the time dates the act, the phrase before is
    its subject."""
    if m < 0:
        return m
    t = toks[m]
    if t.low in ("yesterday", "overnight", "tonight") and m > 0:
        return m - 1
    dated = any(c.isdigit() for c in t.low) or t.low in _WEEKDAYS
    if dated and m > 1 and toks[m - 1].low in ("at", "on", "around", "about", "last"):
        return m - 2
    return m


def _member_of_group(toks: Sequence[Token], start: int, head: int) -> bool:
    """A "member" that is a person: a group word before it ("the S3 team member", "a staff
    member") or after it ("members of the release crew"), not a cluster's or a replica set's."""
    if any(
        has(toks[k], C["group_heads"]) or toks[k].low in C["team_names"]
        for k in range(max(start, head - 3), head)
    ):
        return True
    after = toks[head + 1 : head + 5]
    return bool(after) and after[0].low == "of" and any(has(t, C["group_heads"]) for t in after[1:])


#: Words that open a clause set off by commas between a subject and its verb: "an S3 team
#: member, while debugging a billing issue, inadvertently removed…".
_INTERRUPTERS = frozenset(
    {"while", "when", "whilst", "after", "before", "during", "despite", "although", "though", "as"}
)


def _before_interruption(toks: Sequence[Token], j: int) -> int:
    """Token ``j``, or the last word before a comma-delimited interruption that ends at ``j``
    (", while debugging a billing issue,"); at most 12 words back, the interruption opened by a
    subordinator or a participle."""
    if j < 2 or toks[j].text != ",":
        return j
    for k in range(j - 1, max(0, j - 13), -1):
        t = toks[k]
        if t.text == ",":
            opener = toks[k + 1]
            if k + 1 < j and (
                opener.low in _INTERRUPTERS or (opener.low.endswith("ing") and len(opener.low) > 4)
            ):
                return k - 1
            return j
        if not t.word and t.text not in ("-", "/", "'", "\u2019"):
            return j
    return j


def subject_of(sent: Sentence, pred: int, known: Names) -> Phrase:
    """The subject of the verb at token ``pred``: the phrase before it, over adverbs and auxiliaries.

    "who" before the verb is a person; "that"/"which" stand for the phrase before them; "the DBA
    on duty forgot" reads past "on duty".
    """
    toks = sent.tokens
    j = _before_parenthesis(toks, pred - 1)
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
    j = _before_interruption(toks, j)
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
        # "Bogdan's reindex job is what saturated the disks", "…job at 02:10 is what…"
        return phrase_before(sent, _before_time(toks, j - 2), known)
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
        return (
            _relative_subject(sent, phrase, known) or _with_modifier(sent, phrase, known) or phrase
        )
    if phrase.kind == "guess":
        return _with_modifier(sent, phrase, known) or phrase  # "Ops in Singapore changed…"
    if phrase.start > 0 and toks[phrase.start - 1].low in C["permissive"]:
        # "the console lets anyone delete…", "the runbook told the on-call to restart…": the
        # person acts inside a condition the system sets; that condition is the subject.
        return Phrase(phrase.start, phrase.end, "system")
    return phrase


#: Marks inside a clause that do not end it: quotes and brackets ("disabled the check
#: 'temporarily' and never turned it back on").
_INLINE_MARKS = frozenset({"'", '"', "\u2018", "\u2019", "\u201c", "\u201d", "(", ")"})


def clause_subject(sent: Sentence, k: int, known: Names) -> Phrase:
    """The person who is the subject of the clause ending before token ``k`` (a conjunction or a
    comma), or a phrase of kind "none": "Kwame pushes the hotfix to prod, skipping staging"."""
    return _coordinated_subject(sent, k, known)


def _before_parenthesis(toks: Sequence[Token], j: int) -> int:
    """Token ``j``, or the token before a parenthesis that ends at ``j``: "Ines (on-call)
    restarted…" reads the subject before "(on-call)"."""
    if j < 1 or toks[j].text != ")":
        return j
    for k in range(j - 1, max(-1, j - 7), -1):
        if toks[k].text == "(":
            return k - 1
        if toks[k].text == ")":
            return j
    return j


def _coordinated_subject(sent: Sentence, conj: int, known: Names) -> Phrase:
    """The subject of the clause before a conjunction: its first noun phrase, if it is one."""
    toks = sent.tokens
    start = conj - 1
    while (
        start > 0
        and conj - start < 14
        and (toks[start - 1].word or toks[start - 1].text in _INLINE_MARKS)
    ):
        if toks[start - 1].low in ("and", "but", "because", "so", "when", "while", "if"):
            break
        start -= 1
    while start < conj and not toks[start].word:
        start += 1
    for head in range(start, min(conj, start + 5)):
        if not toks[head].word:
            break
        phrase = classify(sent, start, head, known)
        if phrase.kind in ("person", "guess"):
            return phrase
    return Phrase(conj, conj, "none")


def _with_modifier(sent: Sentence, phrase: Phrase, known: Names) -> Phrase | None:
    """The person a "with", "from", "in" or "at" phrase hangs on: "anyone with a bit more
    Postgres experience would have…", "an engineer from the vendor side rebooted…", "Ops in
    Singapore changed…": the head is the person, the modifier only says which one."""
    toks = sent.tokens
    at = phrase.start - 1
    if at < 1 or toks[at].low not in ("with", "from", "without", "in", "at", "to", "of", "on"):
        return None
    before = phrase_before(sent, at - 1, known)
    if before.kind == "change":
        # "Mateus' manual edit to the DNS zone removed the MX records": the person's change
        return Phrase(before.start, phrase.end, "change", before.name)
    if before.kind != "person" or toks[at].low in ("to", "of", "on"):
        return None
    return Phrase(before.start, phrase.end, "person", before.name)


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
