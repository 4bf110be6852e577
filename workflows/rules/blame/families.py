"""The families of blame: each one's code, rank, message and rewrite hint."""

from __future__ import annotations

from dataclasses import dataclass

from workflows.codes import Code
from workflows.rules.common import ONE_MORE_WHY

__all__ = ["FAMILIES", "Family"]


_LOOK_RIGHT = "what conditions made this decision look right at the time?"


@dataclass(frozen=True)
class Family:
    """Findings that share a code, a message and a rewrite hint."""

    code: Code
    rank: int  # lower wins when two findings overlap
    message: str  # formatted with {span}
    hint: str


FAMILIES: dict[str, Family] = {
    "person": Family(
        Code.BLAME_PERSON_SUBJECT,
        0,
        '"{span}" makes a person the subject of a failure.',
        "Make the system the subject: what conditions made this action look right at the time? "
        'For example "The deploy pipeline allowed a config change without a canary".',
    ),
    "human_error": Family(
        Code.BLAME_HUMAN_ERROR,
        1,
        '"{span}" stops the analysis at a person.',
        f"{ONE_MORE_WHY} Name the missing guardrail, check or safer default instead of the error.",
    ),
    "counterfactual": Family(
        Code.BLAME_COUNTERFACTUAL,
        2,
        '"{span}" is a counterfactual about a person: it describes what they did not do.',
        f"Describe what actually happened and why it made sense at the time: {_LOOK_RIGHT}",
    ),
    "sarcasm": Family(
        Code.BLAME_SARCASM,
        2,
        '"{span}" is sarcasm aimed at a person or team.',
        "Say plainly what happened and what in the system allowed it; irony reads as blame.",
    ),
    "disclaimer": Family(
        Code.BLAME_INSINUATION,
        2,
        '"{span}" disclaims blame and then points at someone.',
        "Drop the disclaimer and the pointing: describe the conditions, not the person. "
        f"{_LOOK_RIGHT[0].upper()}{_LOOK_RIGHT[1:]}",
    ),
    "insinuation": Family(
        Code.BLAME_INSINUATION,
        2,
        '"{span}" insinuates who is to blame.',
        "State the facts of the timeline and the conditions behind them; leave out hints about "
        "who.",
    ),
    "judgement": Family(
        Code.BLAME_LANGUAGE,
        3,
        '"{span}" judges a person instead of describing the system.',
        "Describe the situation, not the person: what did they see and know, and what conditions "
        "made this decision look right at the time?",
    ),
    "fault": Family(
        Code.BLAME_LANGUAGE,
        3,
        '"{span}" assigns blame.',
        "Replace who with what: which condition, tool or process let this happen, and why did "
        "the action look right at the time?",
    ),
    "self_blame": Family(
        Code.BLAME_LANGUAGE,
        3,
        '"{span}" blames yourselves: self-blame is still blame.',
        f"Describe what the system let you do and what you knew then; {_LOOK_RIGHT}",
    ),
    "omission": Family(
        Code.BLAME_LANGUAGE,
        3,
        '"{span}" blames a person for a missed step.',
        "What made this step easy to miss? Name the missing reminder, check or automation "
        "rather than the person.",
    ),
    "agent": Family(
        Code.BLAME_LANGUAGE,
        4,
        '"{span}" makes a person the cause of a failure.',
        "Make the system the subject: which check, default or tool let this happen, and what "
        "made the action look right at the time?",
    ),
}
