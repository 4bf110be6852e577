"""The readings of blame behind :func:`workflows.rules.blameless.lint_text`, one module each:

- ``families``: the families of blame, each with its code, rank, message and hint.
- ``evidence``: what the readings share (a hit, the lexicon's raw data, where a span starts).
- ``context``: facts about one sentence, computed once, that the phrase conditions ask.
- ``phrases``: judgement words and idioms from ``data/blame.json``, where their conditions hold.
- ``sarcasm``: praise aimed at a person for a failure.
- ``vetoes``: negations, denials, framings and words named rather than used.
- ``agents``: a person, role, team or pronoun as the subject of a failure.
- ``harm``: a person's act and the harm it did.
- ``passive``: a passive whose act went wrong, with a person as its agent.
- ``human_error``: the predicate that makes a subject's act a failure.
- ``counterfactuals``: "should have", "if Lars had…", a past duty, a swap of people.
- ``should``: forms of "should" and "should have", listed and misspelt.
"""

__all__ = [
    "agents",
    "context",
    "counterfactuals",
    "evidence",
    "families",
    "harm",
    "human_error",
    "passive",
    "phrases",
    "sarcasm",
    "should",
    "vetoes",
]
