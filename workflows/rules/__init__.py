"""The method's rules: blameless language, the five-whys chain, SMART action items, publishing.

Pure and deterministic: these modules run inside workflow code (update validators and the
``status`` query, imported through ``workflow.unsafe.imports_passed_through``), so they read no
clock (``now`` is passed in), do no I/O at call time (the lexicons in ``data/`` are read once, at
import) and use no randomness. Every check is linear in its text.

Two kinds of result:

* :class:`~workflows.review.Finding` — a span of free text that reads as blame (``kind="blame"``),
  is vague (``kind="vague"``), or is a root cause that is only a symptom (``kind="symptom"``), with
  offsets into the text, the reason and a rewrite hint. Blame and symptom findings do not reject an
  update; they block publishing unless the facilitator records an override reason.
* :class:`~workflows.review.Violation` — a rule the submission breaks, with a stable code from
  :class:`~workflows.codes.Code`, the dotted field path, a specific message and a hint. Every check
  returns *all* its violations at once.

Modules: :mod:`.blameless` (blame), :mod:`.smart` (action items), :mod:`.root_cause` (symptom or
cause), :mod:`.five_whys` (the chain), :mod:`.publish` (the whole review), :mod:`.lint` (one text as typed), and the analysis they
share: :mod:`.text` (sentences, clauses, quotes, lemmas), :mod:`.people` (who a phrase is about),
:mod:`.match` (phrase patterns) and :mod:`.lexicon` (the data files).
"""

from __future__ import annotations

from workflows.rules.blameless import BLAME_PATTERN_NAMES, lint_text
from workflows.rules.common import MAX_WHYS, MIN_WHYS, ONE_MORE_WHY, SMART_QUESTION
from workflows.rules.five_whys import check_five_whys
from workflows.rules.lint import MAX_TEXT, LintKind, lint, root_cause_findings, too_long
from workflows.rules.publish import check_follow_up, check_publish, review_findings
from workflows.rules.root_cause import lint_root_cause
from workflows.rules.smart import check_action_item, lint_action_wording

__all__ = [
    "BLAME_PATTERN_NAMES",
    "MAX_TEXT",
    "MAX_WHYS",
    "MIN_WHYS",
    "ONE_MORE_WHY",
    "SMART_QUESTION",
    "LintKind",
    "check_action_item",
    "check_five_whys",
    "check_follow_up",
    "check_publish",
    "lint",
    "lint_action_wording",
    "lint_root_cause",
    "lint_text",
    "review_findings",
    "root_cause_findings",
    "too_long",
]
