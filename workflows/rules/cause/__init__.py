"""The readings behind :func:`workflows.rules.root_cause.lint_root_cause`, one module each:

- ``words``: the lexicon of ``data/root_cause.json``, the negations that mark a gap, a verdict.
- ``gap``: a gap in a process, tool, test, limit or role, or a standing condition of the system.
- ``person``: a statement that stops at a person.
- ``trigger``: a statement that stops at a proximate trigger.
- ``symptom``: an observable effect, a restated symptom, the unexpected thing seen.
- ``learned``: the features of a statement for the learned model, with spans and families.
- ``model``: how the rules' verdict and the model's probability combine.
"""

__all__ = ["gap", "learned", "model", "person", "symptom", "trigger", "words"]
