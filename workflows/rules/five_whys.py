"""The five-whys chain: a symptom, 3 to 7 distinct whys, root causes that are not "human error".

Structural problems are violations that reject ``submit_five_whys``. Whether a root cause is only a
symptom is a finding (:mod:`workflows.rules.root_cause`), listed on the review and blocking
publication until it is resolved or overridden, not a rejection.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workflows.codes import Code
from workflows.review import FiveWhys, Violation
from workflows.rules.blameless import lint_text
from workflows.rules.common import MAX_WHYS, MIN_WHYS, ONE_MORE_WHY, blank, plural, squash, v
from workflows.rules.people import Names, name_at, names, names_key
from workflows.rules.text import normalise, split

__all__ = ["check_five_whys"]

# Root causes that stop at a person, beyond the "human error" family of lint_text.
_PEOPLE = (
    r"(?:engineers?|operators?|developers?|devs?|admins?|administrators?|users?|staff|personnel|"
    r"on-?call|on-?call engineers?|humans?|people|persons?|individuals?|team members?|someone|"
    r"somebody)"
)
_ROOT_CAUSE_HUMAN = re.compile(
    rf"(?<!\w)(?:(?:{_PEOPLE}|manual)(?:['\u2019]s)?\s+"
    r"(?:errors?|mistakes?|failures?|oversights?|slips?|negligence|carelessness)"
    rf"|(?:mistakes?|blunders?|oversights?|slips?)\s+(?:made\s+)?(?:by|of|from)\s+(?:the\s+|an?\s+)?"
    rf"(?:[\w-]+\s+)?{_PEOPLE}"
    rf"|errors?\s+made\s+by\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+)?{_PEOPLE}"
    r"|careless(?:ness)?|negligen(?:ce|t)|inattention|not\s+paying\s+attention|forgot"
    r"|lack\s+of\s+(?:attention|care|diligence))(?!\w)",
    re.IGNORECASE,
)
# A negation before the phrase in its clause rejects it: "not operator error but a missing guard".
_NEGATED = re.compile(
    r"(?<!\w)(?:not|no|never|rather\s+than|instead\s+of|without|isn't|wasn't)(?!\w)[^,;:.]*$",
    re.IGNORECASE,
)
# A denial right after the phrase: "human error is not the cause", "operator error wasn't it".
_DENIED_AFTER = re.compile(
    r"\s*(?:(?:is|was|were|are)\s+(?:not|never)|isn['\u2019]?t|wasn['\u2019]?t|weren['\u2019]?t)(?!\w)",
    re.IGNORECASE,
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


def _is_human_error(statement: str) -> bool:
    if normalise(statement) in _BARE_HUMAN_CAUSES:
        return True
    for m in _ROOT_CAUSE_HUMAN.finditer(statement):
        if _NEGATED.search(statement[max(0, m.start() - 80) : m.start()]):
            continue
        if _DENIED_AFTER.match(statement, m.end()):
            continue  # "human error was not the cause"
        return True
    return any(f.code == Code.BLAME_HUMAN_ERROR for f in lint_text(statement))


def check_five_whys(five_whys: FiveWhys, responders: Sequence[str] = ()) -> list[Violation]:
    """Every structural problem of a why-chain at once.

    A symptom, 3 to 7 non-empty and distinct whys, and at least one root cause with a statement
    and a unique id; a root cause may not be "human error" or name a responder. Blaming words in
    the whys are findings (see :func:`review_findings`), not violations.
    """
    out: list[Violation] = []
    if blank(five_whys.symptom):
        out.append(
            v(
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
            v(
                Code.WHYS_TOO_FEW,
                "whys",
                f"The chain has {plural(count, 'why', 'whys')}; it needs at least {MIN_WHYS}.",
                "Keep asking why each answer happened until you reach a condition of the system "
                "(process, tooling, documentation, roles, environment) you can change.",
            )
        )
    elif count > MAX_WHYS:
        out.append(
            v(
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
        key = normalise(why)
        if not key:
            out.append(
                v(
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
                v(
                    Code.WHY_REPEATED,
                    field,
                    f'Why {index + 1} repeats why {first + 1} ("{squash(why)}").',
                    "Each answer should go one level deeper: ask why the previous answer was true.",
                )
            )
            continue
        seen[key] = index
    if not five_whys.root_causes:
        out.append(
            v(
                Code.ROOT_CAUSE_MISSING,
                "root_causes",
                "The chain ends without a root cause.",
                "Name at least one root cause: a condition of the system (process, tooling, "
                "documentation, roles, environment) that an action item can change.",
            )
        )
    ids: dict[str, int] = {}
    known = names(names_key(responders))
    for index, cause in enumerate(five_whys.root_causes):
        prefix = f"root_causes.{index}"
        cause_id = cause.id.strip()
        if cause_id in ids:
            out.append(
                v(
                    Code.ROOT_CAUSE_DUPLICATE_ID,
                    f"{prefix}.id",
                    f'Root cause id "{squash(cause.id)}" is also used by root cause '
                    f"{ids[cause_id] + 1}.",
                    "Give each root cause its own id (rc1, rc2, ...) so action items can name it.",
                )
            )
        else:
            ids[cause_id] = index
        field = f"{prefix}.statement"
        if blank(cause.statement):
            out.append(
                v(
                    Code.ROOT_CAUSE_EMPTY,
                    field,
                    f'Root cause "{squash(cause.id)}" has no statement.',
                    "State the condition of the system that made the failure possible.",
                )
            )
            continue
        if _is_human_error(cause.statement):
            out.append(
                v(
                    Code.ROOT_CAUSE_HUMAN_ERROR,
                    field,
                    f'Root cause "{squash(cause.id)}" stops at a person '
                    f'("{squash(cause.statement)}").',
                    f"{ONE_MORE_WHY} Name the missing guardrail, check or safer default, e.g. "
                    '"The deploy tool accepted a config without validating it".',
                )
            )
        named = _responder_named(cause.statement, known)
        if named:
            out.append(
                v(
                    Code.ROOT_CAUSE_NAMES_PERSON,
                    field,
                    f'Root cause "{squash(cause.id)}" names {squash(named)}, a responder.',
                    "Root causes are conditions of the system, not people: describe what "
                    "made the action possible or likely, without naming anyone.",
                )
            )
    return out


def _responder_named(statement: str, known: Names) -> str | None:
    """The first responder's name written in the statement (as a name: "Max" but not "max")."""
    if not known.parts:
        return None
    for sent in split(statement):
        for i, tok in enumerate(sent.tokens):
            if tok.word and known.lookup(tok) is not None:
                m = name_at(sent, i, known)
                if m is not None and m.name is not None:
                    return " ".join(t.text for t in sent.tokens[m.start : m.end + 1])
    return None
