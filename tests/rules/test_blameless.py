"""Blameless language: a sentence that makes a person the cause of a failure, or judges them.

Each family of the issue has its positive cases (blame, with the span people see) and its negative
cases (sound sentences that share a trigger word with blame). One test per family and direction.
"""

from __future__ import annotations

import pytest

from tests.support.rules import RESPONDERS
from workflows.codes import Code
from workflows.rules import BLAME_PATTERN_NAMES, ONE_MORE_WHY, lint_text

NAMES = [*RESPONDERS, "Oksana Petrenko", "Lars Nilsson", "Tomas Berg", "José García", "J.R. Ewing"]


def spans(text: str, responders: list[str] | None = None) -> list[str]:
    return [f.text for f in lint_text(text, NAMES if responders is None else responders)]


def blamed(text: str) -> bool:
    return bool(lint_text(text, NAMES))


def case(text: str, span: str | None = None) -> tuple[str, str | None]:
    return text, span


# --- positive families: (sentence, the span it is flagged on) -----------------------------------

NAME_AS_AGENT = {
    "possessive change": case(
        "Oksana's migration dropped the index.", "Oksana's migration dropped"
    ),
    "first name only": case("Bob forgot to renew the certificate.", "Bob forgot to"),
    "lower case": case("alice misconfigured the load balancer", "alice misconfigured"),
    "family name first": case("Petrenko, Oksana skipped the canary.", "Petrenko, Oksana skipped"),
    "accents dropped": case("Jose Garcia deleted the bucket by accident.", None),
    "accents kept": case("José deleted the wrong bucket by accident.", None),
    "possessive s'": case("Lars' script wiped the staging database.", "Lars' script wiped"),
    "full name": case(
        "Alice Smith accidentally deleted the table", "Alice Smith accidentally deleted"
    ),
    "caused the outage": case(
        "Dave caused the outage with a bad migration", "Dave caused the outage"
    ),
    "took down": case("Carol's change took down the login service", "Carol's change took down"),
    "initials": case("J.R. forgot to renew the certificate.", "J.R. forgot to"),
    "curly apostrophe": case(
        "Erin O\u2019Neil missed the page", "Erin O\u2019Neil missed the page"
    ),
    "given name not a responder": case("Mei ignored the disk alert for two hours.", None),
    "shouted": case("ALICE BROKE the build", "ALICE BROKE"),
}

ROLE_AS_AGENT = {
    "new hire": case("The new hire ran the cleanup script against production.", None),
    "DBA on duty": case("The DBA on duty did not check the replica before failing over.", None),
    "storage team": case("The storage team broke the backups with their change.", None),
    "intern": case("Our intern deleted the prod namespace.", None),
    "never looked": case("The release engineer never looked at the canary graphs.", None),
    "missed the page": case("The on-call missed the page.", None),
    "someone on a team": case("Someone on the platform team turned off the alert.", None),
    "contractor": case("The contractor pushed untested code straight to main.", None),
    "failed to": case("The on-call failed to escalate to the database team", None),
    "pronoun": case("They neglected to update the certificate", None),
}

JUDGEMENT = {
    "slapdash": case("The fix was slapdash.", "slapdash"),
    "half-baked": case("It was a half-baked rollout.", "half-baked"),
    "negligent": case("The operator was negligent.", "negligent"),
    "lazy": case("That was a lazy review.", "lazy"),
    "recklessly": case("The on-call acted recklessly.", "on-call acted recklessly"),
    "sloppy": case("Sloppy work by the deploy team caused this.", None),
    "careless": case("The engineer was careless with the credentials.", "careless"),
    "amateurish": case("It was an amateurish mistake.", None),
    "incompetence": case("Incompetence on the ops side led to the outage.", None),
    "misspelled": case("The rollout was neglegent.", "neglegent"),
    "not paying attention": case(
        "The responder was not paying attention to the dashboard",
        "responder was not paying attention",
    ),
}

SHOULD_HAVE = {
    "should have known": case("He should have known better.", None),
    "should've": case("The DBA should've checked the replica lag first.", None),
    "shoulda": case("Shoulda tested it in staging.", "Shoulda"),
    "should of": case("They should of waited for the canary.", None),
    "typo": case("The reviewer shoudl have caught this.", None),
    "bare": case("Should have tested it first.", "Should have"),
    "should not have": case("The team should not have deployed on Friday.", None),
    "shouted cause": case("ROOT CAUSE: DBA DIDN'T CHECK REPLICA", None),
    "terse cause": case("ENGINEER FORGOT TO RENEW CERT", None),
    "w/o": case("cause: dev pushed w/o review", None),
}

COUNTERFACTUAL = {
    "more experienced": case("A more experienced engineer would have spotted it.", None),
    "if name had": case(
        "If Lars had read the alert, the outage would have lasted minutes.", "If Lars had read"
    ),
    "had the on-call": case(
        "Had the on-call checked the dashboard, this would not have happened.", None
    ),
    "any competent": case("Any competent admin would have caught the typo.", None),
    "if only someone": case("If only someone had looked at the logs.", None),
    "careful reviewer": case(
        "A careful reviewer would have noticed the missing WHERE clause.", None
    ),
    "had he just": case("Had he just read the runbook, nothing would break", "Had he just read"),
    "any act": case("If Oksana had restarted the replica first, no writes would be lost.", None),
    "had X been": case("Had Lars been on the call, we would have rolled back sooner.", None),
    "inverted mid-sentence": case("Dave would have seen it had he been watching the graphs.", None),
}

PASSIVE = {
    "overlooked by": case(
        "The warning was overlooked by the release crew.", "overlooked by the release crew"
    ),
    "ignored by": case("The alert was ignored by the on-call engineer.", None),
    "caused by role": case("The outage was caused by the DBA.", None),
    "caused by name": case("The outage was caused by Dave", "caused by Dave"),
    "skipped by": case("The runbook step was skipped by the operator.", None),
    "deployed by": case("The bad config was deployed by Erin", "bad config was deployed by Erin"),
    "approved by": case("The bad migration was approved by Tomas without reading it.", None),
    "despite": case("The rollout was approved by the change board despite the red canary.", None),
    "never read by": case("The upgrade notes were never read by the on-call engineer.", None),
    "a change pushed by": case("The firewall change was pushed to prod by Dave at 02:00.", None),
    "made worse by": case("The outage was made worse by the incident commander.", None),
}

HUMAN_ERROR = {
    "bare": case("Human error.", "Human error"),
    "operator error": case("The root cause was operator error.", "operator error"),
    "user error": case("User error on the admin console.", "User error"),
    "finger trouble": case("A classic case of finger trouble.", "finger trouble"),
    "fat-fingered": case("Fat-fingered hostname in the deploy command.", None),
    "PEBKAC": case("PEBKAC.", "PEBKAC"),
    "human mistake": case("It came down to a human mistake.", None),
    "manual error": case("The outage was the result of a manual error by staff.", None),
    "layer 8": case("Layer 8 problem.", None),
    "offered as the explanation": case("Simple human error explains the outage.", None),
    "made a mistake": case("The engineer made a mistake in the query", None),
}

SARCASM = {
    "brilliant move": case("Brilliant move by Tomas to deploy on a Friday.", None),
    "kudos for another outage": case("Kudos to infra for yet another outage.", None),
    "great job": case("Great job, ops, taking down prod again.", None),
    "next sentence": case("Nice one, Lars. Production is down.", "Nice one, Lars."),
    "thanks for the weekend": case("Thanks, networking team, for the surprise weekend.", None),
}

DISCLAIMER = {
    "not blaming anyone but": case("I'm not blaming anyone, but the DBA ran the script.", None),
    "no finger-pointing but": case("No finger-pointing, but Tomas pushed it without review.", None),
    "not to blame anyone": case("Not to blame anyone, but the on-call ignored three pages.", None),
    "without naming names": case(
        "Without naming names, someone forgot to renew the certificate.", None
    ),
}

SELF_AND_COLLECTIVE = {
    "dropped the ball": case("We dropped the ball.", "dropped the ball"),
    "messed up": case("I messed up.", "I messed up"),
    "my bad": case("My bad, I deleted the wrong cluster.", None),
    "screwed up": case("We screwed up the failover.", None),
    "forgot": case("I forgot to update the DNS record.", None),
    "my mistake": case("That was my mistake.", None),
    "careless": case("We were careless with the rollout.", None),
}

INSINUATION = {
    "certain people": case("Certain people keep pushing without review.", None),
    "apparently cannot": case("Some engineers apparently cannot read a runbook.", None),
    "we all know who": case("We all know who made this change.", None),
    "again the same team": case("Again, the same team caused the outage.", None),
}

POSITIVE = {
    "name as agent": NAME_AS_AGENT,
    "role as agent": ROLE_AS_AGENT,
    "judgement": JUDGEMENT,
    "should have": SHOULD_HAVE,
    "counterfactual about a person": COUNTERFACTUAL,
    "passive with a human agent": PASSIVE,
    "human error": HUMAN_ERROR,
    "sarcasm": SARCASM,
    "disclaimer": DISCLAIMER,
    "self and collective blame": SELF_AND_COLLECTIVE,
    "insinuation": INSINUATION,
}


def positive(family: str) -> list[object]:
    return [pytest.param(t, s, id=name) for name, (t, s) in POSITIVE[family].items()]


@pytest.mark.parametrize(("text", "span"), positive("name as agent"))
def test_a_name_as_the_agent_of_a_failure_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("role as agent"))
def test_a_role_or_team_as_the_agent_of_a_failure_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("judgement"))
def test_a_judgement_word_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("should have"))
def test_should_have_as_a_judgement_of_a_person_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("counterfactual about a person"))
def test_a_counterfactual_about_a_person_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("passive with a human agent"))
def test_a_passive_with_a_human_agent_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("human error"))
def test_human_error_and_its_euphemisms_are_blame(text: str, span: str | None) -> None:
    codes = [f.code for f in lint_text(text, NAMES)]
    assert Code.BLAME_HUMAN_ERROR in codes
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("sarcasm"))
def test_sarcasm_aimed_at_a_person_or_team_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("disclaimer"))
def test_a_disclaimer_followed_by_blame_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("self and collective blame"))
def test_self_blame_and_collective_blame_are_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("insinuation"))
def test_insinuation_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


# --- negative families: sound sentences that share words with blame ----------------------------

FACTS_ABOUT_PEOPLE = [
    "The fix was deployed by Tomas at 15:10.",
    "The migration was run by Oksana as planned.",
    "The pods were deleted by us at 14:12 to force a reschedule.",
    "Lars paged Oksana at 14:02.",
    "Tomas rolled back the deploy at 14:10.",
    "The on-call engineer acknowledged the page within two minutes.",
    "Oksana ran the migration at 09:00 as planned.",
    "Dave deleted the stale pods to force a restart, and traffic recovered.",
    "The DBA failed over to the replica at 14:20.",
    "Carol opened the incident channel and invited the storage team.",
    "Bob paged the database team, who failed over the primary",
    "The engineer on call restarted the pods.",
]

CREDIT = [
    "Thanks to Oksana's quick rollback, impact was limited.",
    "Great work by Lars in finding the bad config.",
    "Kudos to the storage team for restoring the backups within an hour.",
    "Tomas's fix restored checkout at 14:40.",
    "Brilliant debugging by Alice found the leak.",
    "Dave's dashboard showed the error rate climbing at 13:58",
    "Alice restored the service at 14:02",
]

CONDITIONS = [
    "The runbook said to restart the primary first, so the on-call did.",
    "The dashboard showed green, which made the deploy look safe.",
    "The alert had fired falsely three times that week, so it was treated as noise.",
    "The on-call had been awake for 18 hours when the page came in.",
    "The console offered no confirmation before deleting the cluster.",
]

SHOULD_AS_PLAN_OR_SYSTEM = [
    "The replica should have taken over within 10 s.",
    "No engineer should need to memorise the restart sequence.",
    "We should add a canary stage to the deploy pipeline.",
    "Every alert should have a runbook link",
    "The health check should have failed the node, but it only checks TCP.",
    "The job should have retried, but the retry limit was zero.",
    "Deploys should be blocked during the freeze.",
    "If the lag exceeds 30 s, the on-call should be paged.",
    "The cache should have expired after 60 seconds.",
    "The on-call should be able to roll back with one command.",
]

COUNTERFACTUAL_ABOUT_SYSTEMS = [
    "If we had deployed the change sooner, the cache would have been warm.",
    "If the on-call had been paged, the rollback would have started earlier.",
    "If the alert had fired earlier, we would have caught it sooner.",
    "With a canary stage, the bad config would have been caught.",
    "Had the health check tested the application, the node would have been drained.",
    "A confirmation prompt would have prevented the deletion.",
    "If the runbook had covered this case, recovery would have been faster.",
    "This could have been avoided entirely",
    "If only the change had been reviewed",
    "If only a single zone fails, traffic shifts automatically",
]

REJECTED_OR_QUOTED = [
    "Nobody ignored the alert; it went to an archived channel.",
    "The on-call engineer did not skip the step: the runbook had no such step.",
    "We chose not to call this a mistake by the operator; the console had no confirmation step.",
    "This was not human error: the tool accepted an invalid config.",
    'Calling this "operator error" misses the point.',
    'The ticket said "user error", which we rejected.',
    "Nobody was careless here; the defaults were unsafe.",
    "Rather than blaming the on-call, we looked at why the alert was silent.",
    "It is tempting to say the engineer should have checked, but the dashboard hid the lag.",
    "The customer's email called it \u201ca sloppy deploy\u201d.",
    "Human error is not the cause here.",
]

BLAMELESS_PROCESS = [
    "This review is blameless: we look at systems, not people.",
    "We do not assign blame in post-mortems.",
    "The goal of this document is to learn, not to find fault.",
    "The review is blameless and focuses on the system",
]

TECHNICAL_SENSES = [
    "The segmentation fault crashed the worker.",
    "The fault domain spans two racks.",
    "The service is fault-tolerant across three zones.",
    "The default timeout was too short.",
    "The 5xx errors exceeded the error budget.",
    "git blame shows the line was added in 2019.",
    "The performance impact was negligible.",
    "A page fault storm on the node slowed the kernel",
    "The module uses lazy loading, so the first request was slow",
    "The error budget for checkout was exhausted by 09:00",
]

SYSTEMS_AS_SUBJECTS = [
    "The load balancer failed to route traffic to the new nodes.",
    "The deploy pipeline pushed a broken config to production.",
    "The cron job deleted the wrong files.",
    "The scheduler ignored the node taints.",
    "The migration dropped the index.",
    "The backup job forgot to include the new volume.",
    "Kubernetes killed the pods for exceeding their memory limit.",
    "The disk failed to mount after the reboot",
]

ORDINARY_WORD_NAMES = [
    "Art from the design team joined the call.",
    "Max connections were exhausted.",
    "We have faith in the new failover process.",
    "Frank feedback from customers helped us prioritise.",
    "The joy of this release was short-lived.",
    "The max pool size was set to 10.",
]

NEGATIVE = {
    "facts about people": FACTS_ABOUT_PEOPLE,
    "credit": CREDIT,
    "conditions": CONDITIONS,
    "should as plan": SHOULD_AS_PLAN_OR_SYSTEM,
    "counterfactual about systems": COUNTERFACTUAL_ABOUT_SYSTEMS,
    "rejected or quoted": REJECTED_OR_QUOTED,
    "blameless process": BLAMELESS_PROCESS,
    "technical senses": TECHNICAL_SENSES,
    "systems as subjects": SYSTEMS_AS_SUBJECTS,
    "ordinary-word names": ORDINARY_WORD_NAMES,
}

ORDINARY_AS_NAMES = {"Art", "Max", "Frank", "Faith", "Joy"}


def negative(family: str) -> list[str]:
    return NEGATIVE[family]


@pytest.mark.parametrize("text", negative("facts about people"))
def test_a_fact_about_a_person_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("credit"))
def test_credit_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("conditions"))
def test_the_conditions_behind_a_decision_are_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("should as plan"))
def test_should_as_a_plan_policy_or_expected_behaviour_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("counterfactual about systems"))
def test_a_counterfactual_about_a_system_or_practice_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("rejected or quoted"))
def test_a_negated_or_quoted_blame_phrase_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("blameless process"))
def test_a_statement_about_the_blameless_process_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("technical senses"))
def test_technical_senses_of_trigger_words_are_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("systems as subjects"))
def test_a_system_as_the_subject_of_a_failure_verb_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("ordinary-word names"))
def test_a_name_that_is_an_ordinary_word_in_the_sentence_is_not_blame(text: str) -> None:
    responders = [f"{n} Example" for n in ORDINARY_AS_NAMES]
    assert lint_text(text, responders) == []


def test_a_name_that_is_an_ordinary_word_counts_when_written_as_a_name() -> None:
    assert spans("Then Max forgot to drain the node.", ["Max Example"]) == ["Max forgot to"]


# --- what a finding says ----------------------------------------------------------------------


def test_every_positive_family_has_at_least_four_named_cases() -> None:
    assert all(len(cases) >= 4 for cases in POSITIVE.values())
    assert len(set(BLAME_PATTERN_NAMES)) >= 25


def test_a_responder_as_subject_is_named_in_the_message() -> None:
    (finding,) = lint_text("Bob forgot to renew the certificate", RESPONDERS)
    assert finding.code == Code.BLAME_PERSON_SUBJECT
    assert "Bob Jones, a responder," in finding.message


def test_a_name_is_matched_as_a_whole_word_only() -> None:
    # "Bobby" is a given name, so the sentence is blame, but not blame of the responder Bob.
    (finding,) = lint_text("Bobby forgot to renew the certificate", ["Bob"])
    assert "Bob, a responder" not in finding.message


def test_responder_names_are_literal_text_not_patterns() -> None:
    assert spans("J.R. forgot the flag", ["J.R. Ewing"]) == ["J.R. forgot"]
    assert lint_text("JxR forgot the flag", ["J.R. Ewing"])[0].code != Code.BLAME_PERSON_SUBJECT


def test_blank_responder_names_are_ignored() -> None:
    assert lint_text("The deploy broke checkout", ["", "   "]) == []


def test_overlapping_evidence_gives_one_finding_over_the_union() -> None:
    assert spans("The DBA forgot to run the backup.") == ["DBA forgot to"]


def test_findings_are_sorted_and_do_not_overlap() -> None:
    text = "If only they had waited; it was human error and he was careless"
    findings = lint_text(text)
    assert [f.text for f in findings] == ["If only they had waited", "human error", "careless"]


def test_findings_carry_the_field() -> None:
    (finding,) = lint_text("human error", field="five_whys.whys.1")
    assert finding.field == "five_whys.whys.1"
    assert finding.kind == "blame"


def test_hints_differ_by_family() -> None:
    text = "Alice broke it; human error; he should have waited; careless; his fault"
    findings = lint_text(text, RESPONDERS)
    assert len(findings) == 5
    assert len({f.hint for f in findings}) == 5


def test_counterfactual_hint_asks_what_made_the_decision_look_right() -> None:
    (finding,) = lint_text("They should have known")
    assert "look right at the time" in finding.hint


def test_human_error_hint_asks_one_more_why() -> None:
    (finding,) = lint_text("human error")
    assert finding.hint.startswith(ONE_MORE_WHY)


def test_matching_ignores_case_and_curly_apostrophes() -> None:
    assert spans("THE ENGINEER SHOULD HAVE CHECKED") == ["SHOULD HAVE"]
    assert spans("We shouldn\u2019t have deployed") == ["shouldn\u2019t have"]


def test_a_phrase_may_break_across_spaces_but_not_paragraphs() -> None:
    assert spans("It was human\n  error") == ["human\n  error"]
    assert lint_text("It was human\n\nError budgets are fine.") == []


def test_empty_text_has_no_findings() -> None:
    assert lint_text("") == []
    assert lint_text(" \n\t") == []
