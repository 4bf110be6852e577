"""The wording checks behind :func:`workflows.rules.smart.lint_action_wording`, one module each:

- ``words``: the lexicon of ``data/smart.json``, a vague finding, what makes a token concrete.
- ``facts``: facts about a title's tokens, computed once per title.
- ``outcomes``: a quality or a target instead of a change, a condition with no threshold.
- ``title``: a vague title (no concrete object or mechanism, talk only, a goal, a hedge).
- ``done_when``: a vague done-when (uncheckable, a restated title, a bare "done").
- ``checked``: a trigger word on a concrete object whose done-when is a runnable check of it.
- ``thin``: thin titles (a setting changed to no value, a concrete verb on generic things only).
- ``learned``: the features of an item (title and done-when) for the learned model, with spans.
- ``model``: how the rules' findings and the model's probability combine.
"""

__all__ = [
    "checked",
    "done_when",
    "facts",
    "learned",
    "model",
    "outcomes",
    "thin",
    "title",
    "words",
]
