"""The readings of blame behind :func:`workflows.rules.blameless.lint_text`, one module each:

- ``families``: the families of blame, each with its code, rank, message and hint.
- ``evidence``: what the readings share (a hit, the lexicon's raw data, where a span starts).
- ``context``: facts about one sentence, computed once, that the phrase conditions ask.
- ``phrases``: judgement words and idioms from ``data/blame.json``, where their conditions hold.
- ``sarcasm``: praise aimed at a person for a failure.
- ``vetoes``: negations, denials, framings and words named rather than used.
- ``logline``: a pasted log line ("ERROR: user admin failed to…"), a program's words, not blame.
- ``agents``: a person, role, team or pronoun as the subject of a failure.
- ``harm``: a person's act and the harm it did.
- ``shapes``: constructions read from structure (an attentive "anyone … would have", a sarcasm
  marker with a person and a failure, a cause traced to a person, left in a risky state, straight
  to the live system).
- ``steps``: a step left undone ("without checking", "instead of dealing with it").
- ``passive``: a passive whose act went wrong, with a person as its agent.
- ``human_error``: the predicate that makes a subject's act a failure.
- ``counterfactuals``: "should have", "if Lars had…", a past duty, a swap of people.
- ``should``: forms of "should" and "should have", listed and misspelt.
- ``clauses``: whether a counterfactual's modal follows a condition or a better-informed subject.
- ``learned``: the features of a sentence for the learned model, each with its span.
- ``model``: when the model adds a finding the rules did not make, and with which span and family.
"""

__all__ = [
    "agents",
    "clauses",
    "context",
    "counterfactuals",
    "evidence",
    "families",
    "harm",
    "human_error",
    "learned",
    "logline",
    "model",
    "passive",
    "phrases",
    "sarcasm",
    "shapes",
    "should",
    "steps",
    "vetoes",
]
