"""The method's rules: blameless language, the five-whys chain, SMART action items, publishing.

Pure and deterministic: this module runs inside workflow code (update validators), so it reads no
clock (``now`` is passed in), does no I/O and uses no randomness. The static regular expressions are
compiled once at import; the ones built from responders' names are cached per name list.

Two kinds of result:

* :class:`~workflows.review.Finding` — a span of free text that reads as blame (``kind="blame"``) or
  is vague (``kind="vague"``), with offsets into the text and a rewrite hint. Blame findings do not
  reject an update; they block publishing unless the facilitator records an override reason.
* :class:`~workflows.review.Violation` — a rule the submission breaks, with a stable code from
  :class:`~workflows.codes.Code`, the dotted field path, a specific message and a hint. Every check
  returns *all* its violations at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from workflows.codes import Code
from workflows.policy import Policy
from workflows.review import (
    ActionItemDraft,
    Finding,
    FiveWhys,
    FollowUpRecord,
    FollowUpStatus,
    ItemStatus,
    Phase,
    ReviewState,
    Violation,
    parse_due,
)

__all__ = [
    "BLAME_PATTERN_NAMES",
    "ONE_MORE_WHY",
    "SMART_QUESTION",
    "check_action_item",
    "check_five_whys",
    "check_follow_up",
    "check_publish",
    "lint_action_wording",
    "lint_text",
    "review_findings",
]

MIN_WHYS = 3
MAX_WHYS = 7

SMART_QUESTION = "Who will do what, by when, and how will we know it's done?"
ONE_MORE_WHY = "Ask one more why: what made the error possible or likely?"


# --- pattern machinery ---------------------------------------------------------------------------


def _rx(source: str) -> str:
    """Regex source where a literal space means "any whitespace" and ``'`` any apostrophe.

    Whole-word: the match may not start or end inside a word.
    """
    body = source.replace(" ", r"\s+").replace("'", "['\u2019]")
    return rf"(?<!\w)(?:{body})(?!\w)"


def _compile(source: str) -> re.Pattern[str]:
    return re.compile(_rx(source), re.IGNORECASE)


def _ctx(source: str) -> re.Pattern[str]:
    """A context (veto) expression, matched against the text just before or after a match."""
    return re.compile(source, re.IGNORECASE)


@dataclass(frozen=True)
class _Family:
    """A group of patterns that share a code, a message shape and a rewrite hint."""

    code: Code
    rank: int  # lower wins when two findings overlap
    message: str  # formatted with {span}
    hint: str


@dataclass(frozen=True)
class _Pattern:
    name: str
    family: _Family
    regex: re.Pattern[str]
    not_after: re.Pattern[str] | None = None  # searched in the text before the match
    not_before: re.Pattern[str] | None = None  # matched at the text after the match


def _pattern(
    name: str,
    family: _Family,
    source: str,
    *,
    not_after: str | None = None,
    not_before: str | None = None,
) -> _Pattern:
    return _Pattern(
        name=name,
        family=family,
        regex=_compile(source),
        not_after=_ctx(rf"(?<!\w){not_after}$") if not_after else None,
        not_before=_ctx(r"^" + not_before) if not_before else None,
    )


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    family: _Family
    pattern: str
    name: str | None = None  # the responder named, for person-subject matches


_CONTEXT = 40


def _scan(text: str, patterns: Iterable[_Pattern]) -> list[_Match]:
    found: list[_Match] = []
    for pattern in patterns:
        for m in pattern.regex.finditer(text):
            if m.end() == m.start():
                continue
            before = text[max(0, m.start() - _CONTEXT) : m.start()]
            after = text[m.end() : m.end() + _CONTEXT]
            if pattern.not_after and pattern.not_after.search(before):
                continue
            if pattern.not_before and pattern.not_before.match(after):
                continue
            name = m.groupdict().get("name")
            found.append(_Match(m.start(), m.end(), pattern.family, pattern.name, name))
    return found


def _select(matches: list[_Match]) -> list[_Match]:
    """Keep non-overlapping matches: the most specific family first, then the longest span."""
    ordered = sorted(matches, key=lambda m: (m.family.rank, -(m.end - m.start), m.start))
    kept: list[_Match] = []
    for match in ordered:
        if all(match.end <= k.start or match.start >= k.end for k in kept):
            kept.append(match)
    return sorted(kept, key=lambda m: (m.start, m.end))


# --- blameless language --------------------------------------------------------------------------

_PERSON_SUBJECT = _Family(
    code=Code.BLAME_PERSON_SUBJECT,
    rank=0,
    message='"{span}" makes a person the subject of a failure.',
    hint=(
        "Make the system the subject: what conditions made this action look right at the time? "
        'For example "The deploy pipeline allowed a config change without a canary".'
    ),
)
_HUMAN_ERROR = _Family(
    code=Code.BLAME_HUMAN_ERROR,
    rank=1,
    message='"{span}" stops the analysis at a person.',
    hint=(
        f"{ONE_MORE_WHY} Name the missing guardrail, check or safer default instead of the error."
    ),
)
_COUNTERFACTUAL = _Family(
    code=Code.BLAME_COUNTERFACTUAL,
    rank=2,
    message='"{span}" is a counterfactual: it describes what did not happen.',
    hint=(
        "Describe what actually happened and why it made sense at the time: "
        "what conditions made this decision look right at the time?"
    ),
)
_JUDGEMENT = _Family(
    code=Code.BLAME_LANGUAGE,
    rank=3,
    message='"{span}" judges a person instead of describing the system.',
    hint=(
        "Describe the situation, not the person: what did they see and know, and what conditions "
        "made this decision look right at the time?"
    ),
)
_FAULT = _Family(
    code=Code.BLAME_LANGUAGE,
    rank=3,
    message='"{span}" assigns blame.',
    hint=(
        "Replace who with what: which condition, tool or process let this happen, and why did "
        "the action look right at the time?"
    ),
)
_OMISSION = _Family(
    code=Code.BLAME_LANGUAGE,
    rank=3,
    message='"{span}" blames a person for a missed step.',
    hint=(
        "What made this step easy to miss? Name the missing reminder, check or automation "
        "rather than the person."
    ),
)

# People as grammatical subjects, without naming anyone.
_PERSON_WORDS = (
    r"(?:he|she|they|we|i|you|someone|somebody|nobody|no one|"
    r"the (?:on-?call(?:er)?|on-?call engineer|engineers?|operators?|developers?|devs?|admins?|"
    r"administrators?|sres?|responders?|reviewers?|authors?|deployers?|users?|team|person|intern))"
)
_MODIFIERS = (
    r"(?:(?:had|has|have|just|simply|completely|also|then|clearly|again|still|never) ){0,2}"
)
_ALERTS = (
    r"(?:alerts?|alarms?|warnings?|pages?|paging|runbooks?|playbooks?|procedures?|process|"
    r"checklists?|notifications?|messages?|instructions?|advice|signs?|errors?|dashboards?|"
    r"tickets?|emails?|reviews?|feedback|polic(?:y|ies)|guidance|documentation|docs|rules?|"
    r"steps?|protocol)"
)
_DETERMINERS = r"(?:the|an?|all|every|his|her|their|our|my|its|several|multiple|repeated|both)"

# "should have a runbook link" is about possession, not a counterfactual.
_POSSESSION = (
    r"\s+(?:a|an|the|one|two|three|\d|no|any|some|more|less|fewer|its|their|our|at least|"
    r"enough|access|permission|permissions|ownership)(?!\w)"
)

_BLAME_PATTERNS: tuple[_Pattern, ...] = (
    # judgement of a person
    _pattern("careless", _JUDGEMENT, r"careless(?:ly|ness)?"),
    _pattern("negligent", _JUDGEMENT, r"negligen(?:t|tly|ce)"),
    _pattern("sloppy", _JUDGEMENT, r"slopp(?:y|ily|iness)", not_before=r"\s+quorums?"),
    _pattern(
        "lazy",
        _JUDGEMENT,
        r"lazy|laziness|lazily",
        not_before=(
            r"[\s-]+(?:load|evaluat|init|import|fetch|compil|bind|iterat|sequence|delet|expan|"
            r"propagat|mode|val|comput|creat|instantiat|attribute|property|pars|stream)"
        ),
    ),
    _pattern("incompetent", _JUDGEMENT, r"incompeten(?:t|tly|ce)"),
    _pattern("stupid", _JUDGEMENT, r"stupid(?:ly|ity)?"),
    _pattern("idiot", _JUDGEMENT, r"idiot(?:s|ic)?|moron(?:s|ic)?"),
    _pattern(
        "dumb", _JUDGEMENT, r"dumb", not_before=r"\s+(?:terminals?|pipes?|switch|client|proxy)"
    ),
    _pattern("reckless", _JUDGEMENT, r"reckless(?:ly|ness)?"),
    _pattern("irresponsible", _JUDGEMENT, r"irresponsib(?:le|ly|ility)"),
    _pattern("unprofessional", _JUDGEMENT, r"unprofessional(?:ly)?"),
    _pattern("clueless", _JUDGEMENT, r"clueless"),
    _pattern(
        "not paying attention",
        _JUDGEMENT,
        r"(?:wasn't|weren't|isn't|aren't|was not|were not|not) paying (?:any )?attention"
        r"|(?:didn't|did not) pay (?:any )?attention|inattentive|inattention",
    ),
    _pattern("asleep at the wheel", _JUDGEMENT, r"asleep at the (?:wheel|switch)"),
    # blame and fault
    _pattern(
        "blame",
        _FAULT,
        r"blam(?:e|ed|es|ing)",
        not_after=r"(?:git|svn|hg|no|without|not|zero)\s+",
        not_before=r"(?:[\s-]+(?:free|less|view|output|annotations?)(?!\w))",
    ),
    _pattern("at fault", _FAULT, r"at fault"),
    _pattern(
        "whose fault",
        _FAULT,
        r"(?:his|her|their|your|my|our|someone's|somebody's|whose|\w+'s) fault",
    ),
    _pattern(
        "fault",
        _FAULT,
        r"fault",
        not_after=(
            r"(?:page|segmentation|seg|bus|hardware|network|disk|power|ground|transient|"
            r"protection|memory|cpu|node|injected|general|byzantine|single|double|triple|"
            r"zone|rack|link|partial|software|sensor)[\s-]+"
        ),
        not_before=(
            r"[\s-]*(?:toleran|inject|domain|isolat|detect|code|handl|line|zone|recover|"
            r"state|condition|model|tree|analys|simulat|mode)"
        ),
    ),
    _pattern("screwed up", _FAULT, r"screw(?:ed|s|ing)? up|screw-?ups?"),
    _pattern("messed up", _FAULT, r"mess(?:ed|es|ing)? up"),
    _pattern("dropped the ball", _FAULT, r"(?:dropped|drops|dropping|drop) the ball"),
    _pattern("botched", _FAULT, r"botch(?:ed|es|ing)?|goofed|bungled"),
    _pattern(
        "held accountable",
        _FAULT,
        r"held (?:personally )?accountable|(?:be|get|gets|got|was|were) "
        r"(?:fired|disciplined|reprimanded|punished|written up)",
    ),
    # missed steps
    _pattern(
        "failed to",
        _OMISSION,
        rf"{_PERSON_WORDS} {_MODIFIERS}(?:failed|fail|fails) to",
    ),
    _pattern("neglected to", _OMISSION, r"neglect(?:ed|s)? to"),
    _pattern("forgot to", _OMISSION, r"forg(?:ot|otten)(?: (?:to|about))?"),
    _pattern(
        "didn't bother",
        _OMISSION,
        r"(?:didn't|did not|couldn't|could not|wouldn't|would not|never) (?:even )?"
        r"bother(?:ed)?(?: to)?",
    ),
    _pattern(
        "ignored the",
        _OMISSION,
        rf"ignor(?:ed|ing) {_DETERMINERS} (?:[\w-]+ ){{0,2}}?{_ALERTS}",
    ),
    _pattern(
        "missed the",
        _OMISSION,
        rf"missed {_DETERMINERS} (?:[\w-]+ ){{0,2}}?"
        r"(?:alerts?|alarms?|pages?|warnings?|signs?|step|notifications?|messages?)",
    ),
    _pattern("overlooked", _OMISSION, r"overlooked"),
    # counterfactuals
    _pattern("should have", _COUNTERFACTUAL, r"should(?: have|'ve)", not_before=_POSSESSION),
    _pattern(
        "shouldn't have",
        _COUNTERFACTUAL,
        r"(?:shouldn't|should not)(?: have|'ve)",
        not_before=_POSSESSION,
    ),
    _pattern(
        "could have avoided",
        _COUNTERFACTUAL,
        r"could(?:n't| not)?(?: have|'ve) (?:(?:easily|just|simply|so|totally|completely|all) )?"
        r"(?:been )?(?:avoided|prevented|caught|stopped|noticed|spotted|averted)",
    ),
    _pattern(
        "if only",
        _COUNTERFACTUAL,
        r"if only",
        not_before=(
            r"\s+(?:one|two|three|\d|few|some|part|partially|half|when|for|a single|a few|"
            r"a subset|a small|a minority)(?!\w)"
        ),
    ),
    _pattern(
        "had they just",
        _COUNTERFACTUAL,
        r"had (?:he|she|they|we|i|you|someone|somebody|anyone|the (?:engineers?|operators?|"
        r"on-?call|developers?|team)) (?:just|only|simply|bothered|actually|checked|looked|"
        r"read|followed|tested|waited|noticed|listened|asked|paid attention|"
        r"been (?:more )?careful)",
    ),
    _pattern(
        "why didn't",
        _COUNTERFACTUAL,
        r"why (?:didn't|did not|wasn't|weren't|hadn't|had not|was not|were not|wouldn't|"
        r"couldn't|did no one|did nobody)",
    ),
    _pattern("ought to have", _COUNTERFACTUAL, r"ought(?: not)? to have|oughtn't to have"),
    _pattern(
        "would not have happened if",
        _COUNTERFACTUAL,
        r"would(?:n't| not) have (?:happened|occurred|been (?:an issue|a problem)) if",
    ),
    # "human error" and friends
    _pattern("human error", _HUMAN_ERROR, r"human (?:errors?|mistakes?|failures?)"),
    _pattern("operator error", _HUMAN_ERROR, r"operator (?:errors?|mistakes?)"),
    _pattern("user error", _HUMAN_ERROR, r"user (?:errors?|mistakes?)"),
    _pattern("pilot error", _HUMAN_ERROR, r"pilot (?:errors?|mistakes?)"),
    _pattern(
        "PEBKAC",
        _HUMAN_ERROR,
        r"pebkac|pebcak|id-?10-?t|layer(?:\s|-)?8 (?:issues?|problems?|errors?)",
    ),
    _pattern(
        "made a mistake",
        _HUMAN_ERROR,
        r"(?:made|make|makes|making) (?:a|an) (?:[\w-]+ )?(?:mistake|error|blunder)",
    ),
    _pattern("fat-fingered", _HUMAN_ERROR, r"fat(?:-|\s+)?finger(?:ed|ing|s)?"),
    _pattern("mistake by", _HUMAN_ERROR, r"(?:mistakes?|blunders?)(?: made)? by"),
    _pattern(
        "rookie mistake",
        _HUMAN_ERROR,
        r"(?:rookie|careless|silly|stupid|dumb|honest|simple|typing) (?:mistakes?|errors?)",
    ),
)

#: Distinct blame pattern names (documentation and tests use these).
BLAME_PATTERN_NAMES: tuple[str, ...] = tuple(p.name for p in _BLAME_PATTERNS)

# Verbs that make a named person the subject of a failure.
_FAILURE_VERBS = (
    r"(?:broke|breaks|caused|causes|forgot|forgets|failed to|fails to|"
    r"missed|misses|misconfigured|misconfigures|overlooked|neglected|ignored|ignores|"
    r"messed up|screwed up|botched|mistyped|fat-fingered|goofed|"
    r"introduced (?:a|an|the) (?:[\w-]+ )?(?:bug|regression|error|outage|problem|issue|typo)|"
    r"took down|brought down|takes down|"
    r"made (?:a|an) (?:[\w-]+ )?(?:mistake|error|blunder)|"
    r"(?:didn't|did not|never) (?:check|test|verify|notice|follow|read|review|bother|wait|update|"
    r"run|tell|escalate|ack|acknowledge|respond|look|see|catch|validate|confirm)|"
    r"should have|shouldn't have|should not have|"
    r"(?:was|is) (?:careless|negligent|sloppy|reckless|lazy)|"
    r"(?:wasn't|was not) paying attention|dropped the ball|"
    r"(?:pushed|deployed|merged|shipped|applied) (?:a|an|the) (?:bad|broken|faulty|wrong|buggy|"
    r"untested|incorrect)|"
    r"(?:accidentally|mistakenly|wrongly|carelessly|inadvertently|incorrectly|erroneously|"
    r"unintentionally) [\w-]+)"
)
_BLAME_NOUNS = (
    r"(?:mistake|fault|typo|negligence|carelessness|oversight|blunder|screw-?up|"
    r"error(?! (?:budgets?|rates?|logs?|counts?|messages?|pages?|handling|tracking|dashboards?|"
    r"spikes?|codes?)(?!\w)))"
)
_CHANGE_NOUNS = (
    r"(?:change|deploy|deployment|commit|push|config|configuration|script|migration|query|pr|"
    r"pull request|patch|code|merge|update|command|rollout)"
)
_BREAK_VERBS = r"(?:broke|caused|took down|brought down|triggered|corrupted|deleted|wiped|failed)"
_BAD = r"(?:bad|broken|faulty|buggy|wrong|incorrect|untested|erroneous|careless)"
_ACTION_PARTICIPLES = (
    r"(?:deployed|pushed|merged|made|written|shipped|applied|run|rolled out|committed|submitted|"
    r"approved|entered|typed|changed)"
)


def _name_regex(names: Sequence[str]) -> str | None:
    """Alternation of responders' full and first names, longest first; None when there are none."""
    variants: set[str] = set()
    for raw in names:
        parts = raw.split()
        if not parts or not any(ch.isalnum() for ch in raw):
            continue
        variants.add(r"\s+".join(re.escape(p) for p in parts))
        if any(ch.isalnum() for ch in parts[0]):
            variants.add(re.escape(parts[0]))
    if not variants:
        return None
    return "|".join(sorted(variants, key=lambda v: (-len(v), v)))


def _names_key(responders: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({r.strip() for r in responders if r and r.strip()}))


@lru_cache(maxsize=256)
def _person_patterns(names: tuple[str, ...]) -> tuple[_Pattern, ...]:
    alternation = _name_regex(names)
    if alternation is None:
        return ()
    name = rf"(?P<name>{alternation})"
    sources = {
        "person as subject": rf"{name} {_MODIFIERS}{_FAILURE_VERBS}",
        "person's mistake": rf"{name}'s (?:[\w-]+ ){{0,2}}?{_BLAME_NOUNS}",
        "person's change broke": (
            rf"{name}'s (?:{_BAD} )?{_CHANGE_NOUNS} (?:[\w-]+ ){{0,2}}?{_BREAK_VERBS}"
        ),
        "caused by person": (
            rf"(?:caused|broken|introduced|triggered|misconfigured|missed|overlooked|ignored|"
            rf"botched|forgotten|messed up|screwed up) by {name}"
        ),
        "bad change by person": (
            rf"{_BAD} (?:[\w-]+ ){{0,3}}?{_ACTION_PARTICIPLES} by {name}(?:'s)?"
        ),
        "change by person broke": (
            rf"{_ACTION_PARTICIPLES} by {name} (?:[\w-]+ ){{0,2}}?{_BREAK_VERBS}"
        ),
    }
    return tuple(_pattern(label, _PERSON_SUBJECT, source) for label, source in sources.items())


@lru_cache(maxsize=256)
def _mention_regex(names: tuple[str, ...]) -> re.Pattern[str] | None:
    alternation = _name_regex(names)
    if alternation is None:
        return None
    return re.compile(rf"(?<!\w)(?P<name>{alternation})(?!\w)", re.IGNORECASE)


def _finding_from(match: _Match, text: str, field: str | None) -> Finding:
    span = text[match.start : match.end]
    message = match.family.message.format(span=_squash(span))
    if match.name:
        message = (
            f'"{_squash(span)}" makes {_squash(match.name)}, a responder, the subject of a failure.'
        )
    return Finding(
        code=match.family.code.value,
        kind="blame",
        field=field,
        start=match.start,
        end=match.end,
        text=span,
        message=message,
        hint=match.family.hint,
    )


def lint_text(text: str, responders: Sequence[str] = (), field: str | None = None) -> list[Finding]:
    """Blameless-language findings in ``text``, sorted by offset.

    Looks for blame and judgement words, "human error" and its relatives, counterfactuals ("should
    have", "if only") and a responder's name (full or first name) as the subject of a failure.
    Matching is case-insensitive and whole-word; overlapping matches are reported once, preferring
    the most specific kind. Never raises.

    Args:
        text: Free text from the review.
        responders: Names of the people involved; a responder doing a good thing is fine.
        field: Where the text lives in the review, copied onto each finding.
    """
    if not text:
        return []
    patterns = _BLAME_PATTERNS + _person_patterns(_names_key(responders))
    return [_finding_from(m, text, field) for m in _select(_scan(text, patterns))]


# --- vague action wording ------------------------------------------------------------------------

_VAGUE = _Family(
    code=Code.TITLE_VAGUE,
    rank=0,
    message="",
    hint=SMART_QUESTION,
)

_SUGGESTIONS: dict[str, str] = {
    "look into": 'Name the change instead, e.g. "Add a replica-lag alert at 30 s on orders-db".',
    "investigate": "Name the change the investigation should produce, or time-box it with a "
    "written finding as the deliverable.",
    "consider": "Decide now, and name the change you will make.",
    "improve": 'Say what changes and by how much, e.g. "Cut deploy rollback time below 5 min".',
    "monitor": 'Name the alert: metric, threshold and who gets paged, e.g. "Page on-call when '
    'queue depth > 10k for 5 min".',
    "be more careful": "Change the system instead of asking for care: add a check, a guardrail "
    "or a safer default.",
    "communicate better": 'Name the channel and the trigger, e.g. "Post status-page updates '
    'every 30 min during SEV1".',
    "try to": "Commit to the change, or drop the item.",
    "make sure": "Name the check that makes sure, e.g. a CI step, a lint rule or an alert.",
    "better": "Say what better means as a number or an observable state.",
    "as needed": "Say when exactly: the trigger or the date.",
    "ASAP": "Give a due date instead.",
}

_VAGUE_PATTERNS: tuple[_Pattern, ...] = (
    _pattern("look into", _VAGUE, r"look(?:s|ed|ing)? into"),
    _pattern("investigate", _VAGUE, r"investigat(?:e|es|ed|ing|ions?)"),
    _pattern("consider", _VAGUE, r"consider(?:s|ed|ing|ation)?"),
    _pattern("improve", _VAGUE, r"improv(?:e|es|ed|ing|ements?)"),
    _pattern(
        "monitor",
        _VAGUE,
        r"monitor|(?:keep|continue|continued) (?:to )?monitor(?:ing)?",
        not_after=(
            r"(?:a|an|the|this|that|new|existing|synthetic|uptime|latency|health|datadog|"
            r"grafana|prometheus|pingdom|cloudwatch|[\w-]+'s)[\s-]+"
        ),
    ),
    _pattern("be more careful", _VAGUE, r"(?:be )?(?:more |extra |very )?careful(?:ly)?"),
    _pattern(
        "communicate better",
        _VAGUE,
        r"communicat(?:e|ion) (?:better|more)|better communication|more communication",
    ),
    _pattern("try to", _VAGUE, r"(?:try|tries|trying|attempt) to"),
    _pattern("make sure", _VAGUE, r"mak(?:e|ing) sure"),
    _pattern("revisit", _VAGUE, r"revisit(?:s|ed|ing)?"),
    _pattern("think about", _VAGUE, r"think(?:ing)? about"),
    _pattern(
        "as needed",
        _VAGUE,
        r"as (?:needed|necessary|appropriate|required)|if (?:needed|necessary|possible)|"
        r"where (?:possible|needed|appropriate)|when possible",
    ),
    _pattern("ASAP", _VAGUE, r"asap|as soon as possible"),
    _pattern("better", _VAGUE, r"better"),
    _pattern("explore", _VAGUE, r"explor(?:e|es|ed|ing)"),
    _pattern("discuss", _VAGUE, r"discuss(?:es|ed|ing|ion)?"),
    _pattern("figure out", _VAGUE, r"figur(?:e|ed|ing) out"),
    _pattern("keep an eye on", _VAGUE, r"keep an eye on"),
    _pattern("be aware", _VAGUE, r"(?:be|become|stay) aware|raise awareness|awareness"),
    _pattern("double-check", _VAGUE, r"double(?:-|\s+)?check(?:s|ed|ing)?"),
    _pattern(
        "remind people",
        _VAGUE,
        r"remind (?:everyone|everybody|people|the team|engineers|folks|staff|devs|developers)",
    ),
    _pattern("follow up on", _VAGUE, r"follow(?:-|\s+)?up on"),
    _pattern("going forward", _VAGUE, r"going forward|in (?:the )?future"),
    _pattern("more robust", _VAGUE, r"more (?:robust|reliable|resilient|stable|careful)"),
    _pattern("TBD", _VAGUE, r"tbd|etc\.?|and so on"),
)

_DONE_WHEN_PATTERNS: tuple[_Pattern, ...] = (
    *_VAGUE_PATTERNS,
    _pattern(
        "hopefully",
        _VAGUE,
        r"hopefully|seems? (?:fine|ok|okay|good|better)|looks? (?:good|fine|ok)",
    ),
    _pattern("should be fine", _VAGUE, r"should be (?:fine|ok|okay|good)"),
    _pattern("understood", _VAGUE, r"(?:is|are|be) understood|everyone knows|aware"),
    _pattern("ongoing", _VAGUE, r"ongoing|on-going"),
    _pattern("no more issues", _VAGUE, r"no more (?:issues|problems|incidents|outages)"),
)

# A done-when that is nothing but one of these says nothing about how to verify it.
_GENERIC_DONE = frozenset(
    {
        "done",
        "fixed",
        "complete",
        "completed",
        "resolved",
        "finished",
        "yes",
        "ok",
        "okay",
        "tbd",
        "n a",
        "na",
        "none",
        "when done",
        "when fixed",
        "when complete",
        "when completed",
        "when finished",
        "when resolved",
        "it works",
        "works",
        "working",
        "it is fixed",
        "it s fixed",
        "its fixed",
        "fixed it",
        "all good",
        "good",
        "improved",
        "implemented",
        "it is done",
        "it s done",
        "task done",
        "item done",
        "closed",
        "ticket closed",
    }
)


def _vague_finding(
    match: _Match, text: str, field: str, code: Code, message: str, hint: str
) -> Finding:
    return Finding(
        code=code.value,
        kind="vague",
        field=field,
        start=match.start,
        end=match.end,
        text=text[match.start : match.end],
        message=message,
        hint=hint,
    )


def _suggestion(pattern_name: str, span: str) -> str:
    return _SUGGESTIONS.get(
        pattern_name, f'Replace "{_squash(span)}" with the concrete change you will make.'
    )


def lint_action_wording(
    title: str, done_when: str | None = None, field_prefix: str = ""
) -> list[Finding]:
    """Vagueness findings in an action item's title and done-when criterion.

    Title phrases such as "look into", "be more careful", "improve", "communicate better",
    "consider", "investigate", "monitor", "try to" and "make sure" give ``title_vague``; a done-when
    criterion with vague wording, or one that is only "done"/"fixed"/"works", gives
    ``done_when_not_measurable``. Findings are sorted by field (title first), then offset.
    """
    findings: list[Finding] = []
    title = title or ""
    for match in _select(_scan(title, _VAGUE_PATTERNS)):
        span = title[match.start : match.end]
        findings.append(
            _vague_finding(
                match,
                title,
                f"{field_prefix}title",
                Code.TITLE_VAGUE,
                f'The title "{_squash(title)}" is vague ("{_squash(span)}").',
                f"{SMART_QUESTION} {_suggestion(match.pattern, span)}",
            )
        )
    if done_when and done_when.strip():
        field = f"{field_prefix}done_when"
        matches = _select(_scan(done_when, _DONE_WHEN_PATTERNS))
        if not matches and _normalise(done_when) in _GENERIC_DONE:
            start = len(done_when) - len(done_when.lstrip())
            end = len(done_when.rstrip())
            matches = [_Match(start, end, _VAGUE, "generic")]
        for match in matches:
            span = done_when[match.start : match.end]
            findings.append(
                _vague_finding(
                    match,
                    done_when,
                    field,
                    Code.DONE_WHEN_NOT_MEASURABLE,
                    f'The done-when criterion "{_squash(done_when)}" is not measurable '
                    f'("{_squash(span)}").',
                    _DONE_WHEN_HINT,
                )
            )
    return findings


_DONE_WHEN_HINT = (
    f"{SMART_QUESTION} State an observable check someone else can verify, e.g. "
    '"the alert fires in staging when replica lag exceeds 30 s" or '
    '"the runbook page is linked from the alert".'
)


# --- five whys -----------------------------------------------------------------------------------

# Root causes that stop at a person, beyond the "human error" family of lint_text.
_PEOPLE = (
    r"(?:engineers?|operators?|developers?|devs?|admins?|administrators?|users?|staff|personnel|"
    r"on-?call|on-?call engineers?|humans?|people|persons?|individuals?|team members?|someone|"
    r"somebody)"
)
_ROOT_CAUSE_HUMAN = _compile(
    rf"(?:{_PEOPLE}|manual)(?:'s)? "
    r"(?:errors?|mistakes?|failures?|oversights?|slips?|negligence|carelessness)"
    rf"|(?:mistakes?|blunders?|oversights?|slips?) (?:made )?(?:by|of|from) (?:the |an? )?"
    rf"(?:[\w-]+ )?{_PEOPLE}"
    rf"|errors? made by (?:the |an? )?(?:[\w-]+ )?{_PEOPLE}"
    r"|careless(?:ness)?|negligen(?:ce|t)|inattention|not paying attention|forgot"
    r"|lack of (?:attention|care|diligence)"
)
_BARE_HUMAN_CAUSES = frozenset(
    {
        "mistake",
        "a mistake",
        "human",
        "oversight",
        "an oversight",
        "typo",
        "a typo",
        "error",
        "an error",
        "mistakes",
        "human mistake",
        "people",
        "the engineer",
        "the operator",
        "the on call",
        "on call",
    }
)
_PUNCT_CATEGORIES = ("P", "S")


def _normalise(text: str) -> str:
    """Casefold, punctuation and symbols to spaces, whitespace collapsed."""
    folded = "".join(
        " " if unicodedata.category(ch)[0] in _PUNCT_CATEGORIES else ch for ch in text.casefold()
    )
    return " ".join(folded.split())


def _blank(text: str | None) -> bool:
    return not text or not _normalise(text)


def _is_human_error(statement: str) -> bool:
    if _normalise(statement) in _BARE_HUMAN_CAUSES:
        return True
    if _ROOT_CAUSE_HUMAN.search(statement):
        return True
    return any(f.code == Code.BLAME_HUMAN_ERROR for f in lint_text(statement))


def check_five_whys(five_whys: FiveWhys, responders: Sequence[str] = ()) -> list[Violation]:
    """Every structural problem of a why-chain at once.

    A symptom, 3 to 7 non-empty and distinct whys, and at least one root cause with a statement
    and a unique id; a root cause may not be "human error" or name a responder. Blaming words in
    the whys are findings (see :func:`review_findings`), not violations.
    """
    out: list[Violation] = []
    if _blank(five_whys.symptom):
        out.append(
            _v(
                Code.SYMPTOM_MISSING,
                "symptom",
                "The symptom is empty.",
                "Describe what users or systems saw, e.g. "
                '"Checkout returned HTTP 500 for 38% of requests from 14:02 to 14:40 UTC".',
            )
        )
    count = len(five_whys.whys)
    if count < MIN_WHYS:
        out.append(
            _v(
                Code.WHYS_TOO_FEW,
                "whys",
                f"The chain has {_plural(count, 'why', 'whys')}; it needs at least {MIN_WHYS}.",
                "Keep asking why each answer happened until you reach a condition of the system "
                "(process, tooling, documentation, roles, environment) you can change.",
            )
        )
    elif count > MAX_WHYS:
        out.append(
            _v(
                Code.WHYS_TOO_MANY,
                "whys",
                f"The chain has {count} whys; at most {MAX_WHYS} are allowed.",
                "Merge steps that say the same thing, or split independent causes into separate "
                "root causes.",
            )
        )
    seen: dict[str, int] = {}
    for index, why in enumerate(five_whys.whys):
        field = f"whys.{index}"
        key = _normalise(why)
        if not key:
            out.append(
                _v(
                    Code.WHY_EMPTY,
                    field,
                    f"Why {index + 1} is empty.",
                    "Answer why the previous step happened, or remove this entry.",
                )
            )
            continue
        if key in seen:
            first = seen[key]
            out.append(
                _v(
                    Code.WHY_REPEATED,
                    field,
                    f'Why {index + 1} repeats why {first + 1} ("{_squash(why)}").',
                    "Each answer should go one level deeper: ask why the previous answer was true.",
                )
            )
            continue
        seen[key] = index
    if not five_whys.root_causes:
        out.append(
            _v(
                Code.ROOT_CAUSE_MISSING,
                "root_causes",
                "The chain ends without a root cause.",
                "Name at least one root cause: a condition of the system (process, tooling, "
                "documentation, roles, environment) that an action item can change.",
            )
        )
    ids: dict[str, int] = {}
    mention = _mention_regex(_names_key(responders))
    for index, cause in enumerate(five_whys.root_causes):
        prefix = f"root_causes.{index}"
        cause_id = cause.id.strip()
        if cause_id in ids:
            out.append(
                _v(
                    Code.ROOT_CAUSE_DUPLICATE_ID,
                    f"{prefix}.id",
                    f'Root cause id "{_squash(cause.id)}" is also used by root cause '
                    f"{ids[cause_id] + 1}.",
                    "Give each root cause its own id (rc1, rc2, ...) so action items can name it.",
                )
            )
        else:
            ids[cause_id] = index
        field = f"{prefix}.statement"
        if _blank(cause.statement):
            out.append(
                _v(
                    Code.ROOT_CAUSE_EMPTY,
                    field,
                    f'Root cause "{_squash(cause.id)}" has no statement.',
                    "State the condition of the system that made the failure possible.",
                )
            )
            continue
        if _is_human_error(cause.statement):
            out.append(
                _v(
                    Code.ROOT_CAUSE_HUMAN_ERROR,
                    field,
                    f'Root cause "{_squash(cause.id)}" stops at a person '
                    f'("{_squash(cause.statement)}").',
                    f"{ONE_MORE_WHY} Name the missing guardrail, check or safer default, e.g. "
                    '"The deploy tool accepted a config without validating it".',
                )
            )
        if mention is not None:
            named = mention.search(cause.statement)
            if named:
                out.append(
                    _v(
                        Code.ROOT_CAUSE_NAMES_PERSON,
                        field,
                        f'Root cause "{_squash(cause.id)}" names {_squash(named.group("name"))}, '
                        "a responder.",
                        "Root causes are conditions of the system, not people: describe what "
                        "made the action possible or likely, without naming anyone.",
                    )
                )
    return out


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
            _v(Code.OWNER_NOT_SINGLE, field, "The item has no owner.", _OWNER_HINT),
        ]
    if len(parts) == 1:
        if _EMAIL.fullmatch(parts[0]) and len(parts[0]) <= 254:
            return []
        return [
            _v(
                Code.OWNER_INVALID,
                field,
                f'The owner "{_squash(value)}" is not an email address.',
                _OWNER_HINT,
            )
        ]
    addresses = [p for p in parts if "@" in p]
    if _OWNER_LIST.search(value) or len(addresses) > 1:
        return [
            _v(
                Code.OWNER_NOT_SINGLE,
                field,
                f'The owner "{_squash(value)}" names {len(parts)} owners; an item has exactly one.',
                _OWNER_HINT,
            )
        ]
    hint = _OWNER_HINT
    if len(addresses) == 1:
        bare = addresses[0].strip("<>\"'()[]")
        if _EMAIL.fullmatch(bare):
            hint = f"Give only the address: {bare}."
    return [
        _v(
            Code.OWNER_INVALID,
            field,
            f'The owner "{_squash(value)}" is not a single email address.',
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
        return _plural(seconds // 86400, "day", "days")
    if seconds % 3600 == 0:
        return _plural(seconds // 3600, "hour", "hours")
    if seconds % 60 == 0:
        return _plural(seconds // 60, "minute", "minutes")
    return _plural(seconds, "second", "seconds")


def _due_violations(
    raw: str | None, now: datetime, policy: Policy, field: str, *, what: str = "due date"
) -> list[Violation]:
    """DUE_INVALID, DUE_IN_PAST or DUE_BEYOND_HORIZON for one due value (at most one of them)."""
    example = "Use an ISO date such as 2025-07-01 (end of that day) or a date-time such as "
    example += "2025-07-01T17:00:00+02:00."
    if raw is None or not raw.strip():
        return [_v(Code.DUE_INVALID, field, f"The {what} is missing.", example)]
    try:
        due = _aware(parse_due(raw, policy.timezone))
    except (ValueError, OverflowError, TypeError):
        return [_v(Code.DUE_INVALID, field, f'The {what} "{_squash(raw)}" is not a date.', example)]
    now = _aware(now)
    horizon = policy.action_items.max_horizon
    if due <= now:
        return [
            _v(
                Code.DUE_IN_PAST,
                field,
                f'The {what} "{_squash(raw)}" has already passed '
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
            _v(
                Code.DUE_BEYOND_HORIZON,
                field,
                f'The {what} "{_squash(raw)}" is more than {_duration(horizon)} away '
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
    if _blank(item.title):
        out.append(
            _v(
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
            phrases = ", ".join(f'"{_squash(f.text)}"' for f in vague)
            out.append(
                _v(
                    Code.TITLE_VAGUE,
                    title_field,
                    f'The title "{_squash(item.title)}" is vague ({phrases}).',
                    vague[0].hint,
                )
            )
    out.extend(_owner_violations(item.owner, f"{field_prefix}owner"))
    out.extend(_due_violations(item.due, now, policy, f"{field_prefix}due"))
    if _blank(item.done_when):
        out.append(
            _v(
                Code.DONE_WHEN_MISSING,
                done_field,
                "The item has no done-when criterion.",
                _DONE_WHEN_HINT,
            )
        )
    else:
        vague = [f for f in wording if f.field == done_field]
        if vague:
            phrases = ", ".join(f'"{_squash(f.text)}"' for f in vague)
            out.append(
                _v(
                    Code.DONE_WHEN_NOT_MEASURABLE,
                    done_field,
                    f'The done-when criterion "{_squash(item.done_when)}" is not measurable '
                    f"({phrases}).",
                    _DONE_WHEN_HINT,
                )
            )
    known = {r.strip() for r in root_cause_ids}
    wanted = (item.root_cause or "").strip()
    if wanted not in known or not wanted:
        listing = ", ".join(sorted(known)) if known else "none yet"
        message = (
            "The item names no root cause."
            if not wanted
            else f'The item names root cause "{_squash(wanted)}", which does not exist.'
        )
        out.append(
            _v(
                Code.ROOT_CAUSE_UNKNOWN,
                f"{field_prefix}root_cause",
                f"{message} Known root causes: {listing}.",
                "Name the id of the root cause this item addresses; submit the five whys first "
                "if there are none.",
            )
        )
    return out


# --- whole review --------------------------------------------------------------------------------


def review_findings(state: ReviewState) -> list[Finding]:
    """Blameless-language findings across every free-text field of a review, in document order."""
    responders = [p.name for p in state.incident.responders]
    out: list[Finding] = []
    if state.five_whys is not None:
        five = state.five_whys
        out += lint_text(five.symptom, responders, "five_whys.symptom")
        for index, why in enumerate(five.whys):
            out += lint_text(why, responders, f"five_whys.whys.{index}")
        for index, cause in enumerate(five.root_causes):
            out += lint_text(
                cause.statement, responders, f"five_whys.root_causes.{index}.statement"
            )
    for index, entry in enumerate(state.went_well):
        out += lint_text(entry.text, responders, f"went_well.{index}")
    for item in state.action_items:
        out += lint_text(item.title, responders, f"action_items.{item.id}.title")
        out += lint_text(item.done_when, responders, f"action_items.{item.id}.done_when")
    return out


def check_publish(
    state: ReviewState, now: datetime, policy: Policy, blame_override: str | None
) -> list[Violation]:
    """Everything that blocks publishing, at once.

    Field paths are those of :func:`check_five_whys` for the chain ("whys.2"), ``root_causes.<i>``
    for a root cause no item addresses, and ``action_items.<id>.<field>`` for items.
    """
    if state.phase != Phase.DRAFTING:
        return [
            _v(
                Code.WRONG_PHASE,
                "phase",
                f'The review is in phase "{state.phase.value}"; only a draft can be published.',
                "Nothing to do: the review was already published.",
            )
        ]
    out: list[Violation] = []
    five = state.five_whys
    if five is None:
        out.append(
            _v(
                Code.FIVE_WHYS_MISSING,
                "five_whys",
                "The review has no five-whys analysis.",
                "Submit the symptom, 3 to 7 whys and the root causes first.",
            )
        )
    else:
        out += check_five_whys(five, [p.name for p in state.incident.responders])
    if not any(not _blank(w.text) for w in state.went_well):
        out.append(
            _v(
                Code.WENT_WELL_MISSING,
                "went_well",
                'The review has no "what went well" entry.',
                "Add at least one thing that went well, e.g. "
                '"The on-call was paged within 2 minutes of the first error".',
            )
        )
    for index, entry in enumerate(state.went_well):
        if _blank(entry.text):
            out.append(
                _v(
                    Code.WENT_WELL_EMPTY,
                    f"went_well.{index}",
                    f'"What went well" entry {index + 1} is empty.',
                    "Write what went well, or remove the entry.",
                )
            )
    if not state.action_items:
        out.append(
            _v(
                Code.ACTION_ITEMS_MISSING,
                "action_items",
                "The review has no action items.",
                "Add at least one SMART action item for each root cause.",
            )
        )
    root_ids = [c.id for c in five.root_causes] if five is not None else []
    if five is not None:
        addressed = {i.root_cause.strip() for i in state.action_items}
        for index, cause in enumerate(five.root_causes):
            if cause.id.strip() not in addressed:
                out.append(
                    _v(
                        Code.ROOT_CAUSE_UNCOVERED,
                        f"root_causes.{index}",
                        f'No action item addresses root cause "{_squash(cause.id)}" '
                        f'("{_squash(cause.statement)}").',
                        f'Add an action item with root_cause "{_squash(cause.id)}".',
                    )
                )
    for item in state.action_items:
        found = check_action_item(item, root_ids, now, policy, f"action_items.{item.id}.")
        if five is None:
            found = [v for v in found if v.code != Code.ROOT_CAUSE_UNKNOWN]
        out += found
    if _blank(blame_override):
        findings = review_findings(state)
        if findings:
            shown = "; ".join(f'"{_squash(f.text)}" in {f.field}' for f in findings[:5])
            more = f" and {len(findings) - 5} more" if len(findings) > 5 else ""
            out.append(
                _v(
                    Code.BLAME_FINDINGS_OPEN,
                    "blame_override",
                    f"{_plural(len(findings), 'finding is', 'findings are')} open "
                    f"(blameless language): {shown}{more}.",
                    "Rewrite the flagged text (each finding has a rewrite hint), or publish with "
                    "an override reason that says why the wording is acceptable.",
                )
            )
    return out


def check_follow_up(
    state: ReviewState, record: FollowUpRecord, now: datetime, policy: Policy
) -> list[Violation]:
    """Everything wrong with a follow-up meeting's record, at once.

    One outcome per item, each naming an existing item once; re-planned needs a valid new due date
    and a reason, dropped needs a reason; every open item needs an outcome.
    """
    if state.phase not in (Phase.TRACKING, Phase.FOLLOW_UP):
        return [
            _v(
                Code.WRONG_PHASE,
                "phase",
                f'The review is in phase "{state.phase.value}"; a follow-up can be recorded only '
                "while its items are tracked.",
                "Publish the review first."
                if state.phase == Phase.DRAFTING
                else "The review is closed; nothing more to record.",
            )
        ]
    out: list[Violation] = []
    seen: dict[str, int] = {}
    for index, outcome in enumerate(record.outcomes):
        prefix = f"outcomes.{index}"
        item_id = outcome.action_item.strip()
        item = state.item(item_id)
        if item is None:
            known = ", ".join(i.id for i in state.action_items) or "none"
            out.append(
                _v(
                    Code.ACTION_ITEM_UNKNOWN,
                    f"{prefix}.action_item",
                    f'Outcome {index + 1} names action item "{_squash(outcome.action_item)}", '
                    f"which does not exist. Known items: {known}.",
                    "Use the id of an action item of this review.",
                )
            )
            continue
        if item_id in seen:
            out.append(
                _v(
                    Code.FOLLOW_UP_INVALID,
                    f"{prefix}.action_item",
                    f'Action item "{item_id}" has a second outcome '
                    f"(first in outcome {seen[item_id] + 1}).",
                    "Record one outcome per item: done, replanned or dropped.",
                )
            )
            continue
        seen[item_id] = index
        if outcome.status == FollowUpStatus.REPLANNED:
            if item.status != ItemStatus.OPEN:
                out.append(
                    _v(
                        Code.FOLLOW_UP_INVALID,
                        f"{prefix}.status",
                        f'Action item "{item_id}" is already {item.status.value}; '
                        "it cannot be re-planned.",
                        "Record it as done or dropped, matching its status.",
                    )
                )
            out += _due_violations(outcome.due, now, policy, f"{prefix}.due", what="new due date")
            if _blank(outcome.reason):
                out.append(
                    _v(
                        Code.FOLLOW_UP_INVALID,
                        f"{prefix}.reason",
                        f'Re-planning action item "{item_id}" needs a reason.',
                        "Say why the date moved, e.g. "
                        '"Blocked on the database upgrade, now scheduled for week 32".',
                    )
                )
        elif outcome.status == FollowUpStatus.DROPPED and _blank(outcome.reason):
            out.append(
                _v(
                    Code.FOLLOW_UP_INVALID,
                    f"{prefix}.reason",
                    f'Dropping action item "{item_id}" needs a reason.',
                    "Say why the item is no longer worth doing, e.g. "
                    '"The service is retired in Q3".',
                )
            )
    missing = [i.id for i in state.open_items if i.id not in seen]
    if missing:
        names = ", ".join(f'"{m}"' for m in missing)
        out.append(
            _v(
                Code.FOLLOW_UP_INCOMPLETE,
                "outcomes",
                f"{_plural(len(missing), 'open action item has', 'open action items have')} "
                f"no outcome: {names}.",
                "Record done, replanned (with a new due date and reason) or dropped (with a "
                "reason) for every open item.",
            )
        )
    return out


# --- small helpers -------------------------------------------------------------------------------


def _v(code: Code, field: str, message: str, hint: str) -> Violation:
    return Violation(code=code.value, field=field, message=message, hint=hint)


def _squash(text: str, limit: int = 80) -> str:
    """One line, at most ``limit`` characters, for quoting user text in messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "\u2026"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
