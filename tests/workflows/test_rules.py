"""The method's rules: blameless language, five whys, SMART items, publishing and follow-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from workflows.codes import Code
from workflows.policy import ActionItemPolicy, Policy
from workflows.review import (
    ActionItem,
    ActionItemDraft,
    FiveWhys,
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    Incident,
    ItemStatus,
    Person,
    Phase,
    ReviewState,
    RootCause,
    RootCauseCategory,
    Violation,
    WentWell,
)
from workflows.rules import (
    BLAME_PATTERN_NAMES,
    ONE_MORE_WHY,
    SMART_QUESTION,
    check_action_item,
    check_five_whys,
    check_follow_up,
    check_publish,
    lint_action_wording,
    lint_text,
    review_findings,
)

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
POLICY = Policy()
RESPONDERS = ["Alice Smith", "Bob Jones", "Carol Diaz", "Dave Lee", "Erin O'Neil"]


def codes(violations: list[Violation]) -> list[str]:
    return [v.code for v in violations]


def by_code(violations: list[Violation], code: Code) -> Violation:
    matching = [v for v in violations if v.code == code]
    assert len(matching) == 1, violations
    return matching[0]


def chain(**changes: Any) -> FiveWhys:
    base: dict[str, Any] = {
        "symptom": "Checkout returned HTTP 500 for 38% of requests from 14:02 to 14:40 UTC",
        "whys": [
            "The payments service could not reach its database",
            "The connection pool was exhausted after a config change",
            "The config change halved the pool size",
            "The deploy pipeline applied config without a canary stage",
        ],
        "root_causes": [
            RootCause(
                id="rc1",
                category=RootCauseCategory.TOOLING,
                statement="The deploy pipeline allows config changes without a canary stage",
            ),
            RootCause(
                id="rc2",
                category=RootCauseCategory.DOCUMENTATION,
                statement="The runbook does not describe how to resize the connection pool",
            ),
        ],
    }
    base.update(changes)
    return FiveWhys(**base)


def draft(**changes: Any) -> ActionItemDraft:
    base: dict[str, Any] = {
        "title": "Add a canary stage for config changes to the deploy pipeline",
        "owner": "alice@example.com",
        "due": "2025-06-30",
        "done_when": "A config change without a canary run fails the pipeline in staging",
        "root_cause": "rc1",
    }
    base.update(changes)
    return ActionItemDraft(**base)


def item(item_id: str, **changes: Any) -> ActionItem:
    status = changes.pop("status", ItemStatus.OPEN)
    fields = draft(**changes).model_dump()
    fields.update(id=item_id, status=status)
    return ActionItem(**fields)


def ready_state(**changes: Any) -> ReviewState:
    """A draft review that can be published."""
    base: dict[str, Any] = {
        "incident": Incident(
            id="PT4KHLK",
            title="Checkout errors",
            resolved_at=NOW - timedelta(days=1),
            responders=[Person(name=n) for n in RESPONDERS],
        ),
        "facilitator": "facilitator@example.com",
        "leadership": ["leadership@example.com"],
        "five_whys": chain(),
        "action_items": [
            item("1"),
            item(
                "2",
                title="Add a pool-resize section to the payments runbook",
                owner="bob@example.com",
                done_when="The runbook page has a pool-resize section linked from the alert",
                root_cause="rc2",
            ),
        ],
        "went_well": [WentWell(text="The on-call was paged within 2 minutes of the first error")],
    }
    base.update(changes)
    return ReviewState(**base)


def tracking_state(**changes: Any) -> ReviewState:
    state = ready_state(phase=Phase.TRACKING)
    return state.model_copy(update=changes)


# --- lint_text: blame patterns -------------------------------------------------------------------

# (sentence, offending span, code): one line per pattern family member.
BLAME_EXAMPLES: list[tuple[str, str, Code]] = [
    ("We found out who is to blame for the outage", "blame", Code.BLAME_LANGUAGE),
    ("The on-call engineer was blamed for the outage", "blamed", Code.BLAME_LANGUAGE),
    ("It was a fault of the deployer, plain and simple", "fault", Code.BLAME_LANGUAGE),
    ("The release manager was at fault", "at fault", Code.BLAME_LANGUAGE),
    ("Honestly it was his fault", "his fault", Code.BLAME_LANGUAGE),
    ("The engineer was negligent with the credentials", "negligent", Code.BLAME_LANGUAGE),
    ("This outage was caused by negligence", "negligence", Code.BLAME_LANGUAGE),
    ("A careless change went out on Friday", "careless", Code.BLAME_LANGUAGE),
    ("The flag was carelessly flipped in production", "carelessly", Code.BLAME_LANGUAGE),
    ("The review of the migration was sloppy", "sloppy", Code.BLAME_LANGUAGE),
    ("The on-call was too lazy to read the runbook", "lazy", Code.BLAME_LANGUAGE),
    ("An incompetent rollout took the site down", "incompetent", Code.BLAME_LANGUAGE),
    ("That was a stupid change to make", "stupid", Code.BLAME_LANGUAGE),
    ("The operator was reckless with the shell", "reckless", Code.BLAME_LANGUAGE),
    (
        "The responder was not paying attention to the dashboard",
        "was not paying attention",
        Code.BLAME_LANGUAGE,
    ),
    ("Somebody screwed up the DNS records", "screwed up", Code.BLAME_LANGUAGE),
    ("The team messed up the rollout order", "messed up", Code.BLAME_LANGUAGE),
    ("Release engineering dropped the ball on the freeze", "dropped the ball", Code.BLAME_LANGUAGE),
    (
        "Nobody bothered to check; he didn't bother to read it",
        "didn't bother to",
        Code.BLAME_LANGUAGE,
    ),
    ("The engineer ignored the alert for an hour", "ignored the alert", Code.BLAME_LANGUAGE),
    ("The deployer forgot to drain the node", "forgot to", Code.BLAME_LANGUAGE),
    (
        "The on-call failed to escalate to the database team",
        "The on-call failed to",
        Code.BLAME_LANGUAGE,
    ),
    ("They neglected to update the certificate", "neglected to", Code.BLAME_LANGUAGE),
    ("The warning in the logs was overlooked", "overlooked", Code.BLAME_LANGUAGE),
    ("The whole rollout was botched", "botched", Code.BLAME_LANGUAGE),
    ("The change was irresponsible", "irresponsible", Code.BLAME_LANGUAGE),
    ("Root cause: human error", "human error", Code.BLAME_HUMAN_ERROR),
    ("Classic operator error during the failover", "operator error", Code.BLAME_HUMAN_ERROR),
    ("Support closed it as user error", "user error", Code.BLAME_HUMAN_ERROR),
    ("Ticket resolved: PEBKAC", "PEBKAC", Code.BLAME_HUMAN_ERROR),
    ("The engineer made a mistake in the query", "made a mistake", Code.BLAME_HUMAN_ERROR),
    ("Someone fat-fingered the hostname", "fat-fingered", Code.BLAME_HUMAN_ERROR),
    ("It was a mistake by the release captain", "mistake by", Code.BLAME_HUMAN_ERROR),
    ("The reviewer should have caught the typo", "should have", Code.BLAME_COUNTERFACTUAL),
    ("We shouldn't have deployed on a Friday", "shouldn't have", Code.BLAME_COUNTERFACTUAL),
    ("They should not have skipped staging", "should not have", Code.BLAME_COUNTERFACTUAL),
    ("This could have been avoided entirely", "could have been avoided", Code.BLAME_COUNTERFACTUAL),
    ("If only the change had been reviewed", "If only", Code.BLAME_COUNTERFACTUAL),
    ("Had he just read the runbook, nothing would break", "Had he just", Code.BLAME_COUNTERFACTUAL),
    (
        "Had they checked the graph the page was clear",
        "Had they checked",
        Code.BLAME_COUNTERFACTUAL,
    ),
    ("Why didn't the on-call page the secondary?", "Why didn't", Code.BLAME_COUNTERFACTUAL),
    ("The operator ought to have waited", "ought to have", Code.BLAME_COUNTERFACTUAL),
]


@pytest.mark.parametrize(("sentence", "span", "code"), BLAME_EXAMPLES)
def test_blame_pattern_is_found_with_its_span(sentence: str, span: str, code: Code) -> None:
    findings = lint_text(sentence)
    assert [(f.text, f.code) for f in findings] == [(span, code)]
    finding = findings[0]
    assert sentence[finding.start : finding.end] == span
    assert finding.kind == "blame"


def test_examples_cover_at_least_25_distinct_blame_phrases() -> None:
    assert len({span.casefold() for _, span, _ in BLAME_EXAMPLES}) >= 25
    assert len(set(BLAME_PATTERN_NAMES)) >= 25


# (sentence, offending span): a responder's name as the subject of a failure.
PERSON_EXAMPLES: list[tuple[str, str]] = [
    ("Alice broke the deploy by pushing to main", "Alice broke"),
    ("Bob forgot to renew the certificate", "Bob forgot"),
    ("Carol failed to page the database team", "Carol failed to"),
    ("Dave caused the outage with a bad migration", "Dave caused"),
    ("The bad config was deployed by Erin", "bad config was deployed by Erin"),
    ("The change deployed by Erin broke checkout", "deployed by Erin broke"),
    ("The outage was caused by Dave", "caused by Dave"),
    ("Alice Smith accidentally deleted the table", "Alice Smith accidentally deleted"),
    ("Then Bob Jones just ignored the alert", "Bob Jones just ignored"),
    ("Carol's change took down the login service", "Carol's change took down"),
    ("It was Dave's mistake", "Dave's mistake"),
    ("alice misconfigured the load balancer", "alice misconfigured"),
    ("Erin O'Neil didn't check the dashboard", "Erin O'Neil didn't check"),
    ("Erin O\u2019Neil missed the page", "Erin O\u2019Neil missed"),
]


@pytest.mark.parametrize(("sentence", "span"), PERSON_EXAMPLES)
def test_responder_as_subject_of_a_failure_is_found(sentence: str, span: str) -> None:
    findings = lint_text(sentence, RESPONDERS)
    assert [(f.text, f.code) for f in findings] == [(span, Code.BLAME_PERSON_SUBJECT)]


def test_person_subject_message_names_the_responder() -> None:
    (finding,) = lint_text("Bob forgot to renew the certificate", RESPONDERS)
    assert "Bob" in finding.message
    assert "subject of a failure" in finding.message


def test_responder_name_is_matched_case_insensitively() -> None:
    (finding,) = lint_text("ALICE BROKE the build", RESPONDERS)
    assert finding.code == Code.BLAME_PERSON_SUBJECT
    assert finding.text == "ALICE BROKE"


def test_responder_name_is_matched_as_a_whole_word_only() -> None:
    findings = lint_text("Bobby forgot to renew the certificate", ["Bob"])
    assert [f.code for f in findings] == [Code.BLAME_LANGUAGE]
    assert findings[0].text == "forgot to"


def test_a_name_is_not_a_person_subject_when_it_is_not_a_responder() -> None:
    assert lint_text("Zed broke the deploy", RESPONDERS) == []


def test_blank_responder_names_are_ignored() -> None:
    assert lint_text("The deploy broke checkout", ["", "   "]) == []


GOOD_SENTENCES = [
    "The deploy pipeline allowed a config change without a canary",
    "Alice restored the service at 14:02",
    "Bob paged the database team, who failed over the primary",
    "Carol rolled back the release and checkout recovered within 4 minutes",
    "The alert fired 12 minutes after the first errors because its window is 10 minutes",
    "The runbook did not describe how to resize the connection pool",
    "A page fault storm on the node slowed the kernel",
    "git blame shows the timeout was introduced in 2021",
    "The module uses lazy loading, so the first request was slow",
    "The disk failed to mount after the reboot",
    "The error budget for checkout was exhausted by 09:00",
    "Dave's dashboard showed the error rate climbing at 13:58",
    "The review is blameless and focuses on the system",
    "The alert fires if only one replica answers the health check",
    "The cache layer is fault tolerant across two zones",
    "The default timeout of 30 s was too long for the health check",
    "The on-call acknowledged the page within 3 minutes",
    "Erin deployed the fix at 15:10 and error rates returned to baseline",
    "Every alert should have a runbook link",
    "If only a single zone fails, traffic shifts automatically",
]


@pytest.mark.parametrize("sentence", GOOD_SENTENCES)
def test_blameless_sentence_has_no_findings(sentence: str) -> None:
    assert lint_text(sentence, RESPONDERS) == []


def test_matching_is_case_insensitive() -> None:
    (finding,) = lint_text("THE ENGINEER SHOULD HAVE CHECKED")
    assert finding.text == "SHOULD HAVE"


def test_matching_is_whole_word() -> None:
    assert lint_text("The faulty disk was replaced; blameless review; default config") == []


def test_curly_apostrophes_are_matched() -> None:
    (finding,) = lint_text("We shouldn\u2019t have deployed")
    assert finding.text == "shouldn\u2019t have"


def test_whitespace_inside_a_phrase_may_vary() -> None:
    (finding,) = lint_text("It was human\n  error")
    assert finding.text == "human\n  error"


def test_overlapping_patterns_are_reported_once() -> None:
    findings = lint_text("The deployer was at fault")
    assert [f.text for f in findings] == ["at fault"]


def test_findings_are_sorted_by_start() -> None:
    text = "If only they had waited; it was human error and he was careless"
    findings = lint_text(text)
    assert [f.text for f in findings] == ["If only", "human error", "careless"]
    assert [f.start for f in findings] == sorted(f.start for f in findings)


def test_findings_carry_the_field() -> None:
    (finding,) = lint_text("human error", field="five_whys.whys.1")
    assert finding.field == "five_whys.whys.1"


def test_hints_vary_by_pattern_family() -> None:
    text = "Alice broke it; human error; should have waited; careless; forgot to; his fault"
    findings = lint_text(text, RESPONDERS)
    assert len(findings) == 6
    assert len({f.hint for f in findings}) == 6


def test_counterfactual_hint_asks_what_made_the_decision_look_right() -> None:
    (finding,) = lint_text("They should have known")
    assert "look right at the time" in finding.hint


def test_human_error_hint_asks_one_more_why() -> None:
    (finding,) = lint_text("human error")
    assert finding.hint.startswith(ONE_MORE_WHY)


def test_empty_text_has_no_findings() -> None:
    assert lint_text("") == []


@pytest.mark.parametrize(
    "text", ["\x00\x01", "\U0001f525" * 50, "should " * 5000, "(((", "\\", "Alice" * 1000]
)
def test_lint_text_never_raises_on_odd_input(text: str) -> None:
    for finding in lint_text(text, [*RESPONDERS, "(((", "\\", "[a-"]):
        assert text[finding.start : finding.end] == finding.text


def test_responder_names_with_regex_characters_are_literal() -> None:
    (finding,) = lint_text("J.R. forgot the flag", ["J.R. Ewing"])
    assert finding.text == "J.R. forgot"
    assert lint_text("JxR forgot the flag", ["J.R. Ewing"])[0].code == Code.BLAME_LANGUAGE


# --- lint_action_wording -------------------------------------------------------------------------

VAGUE_TITLES: list[tuple[str, str]] = [
    ("Look into the database", "Look into"),
    ("Be more careful with deploys", "Be more careful"),
    ("Improve alerting on checkout", "Improve"),
    ("Communicate better during incidents", "Communicate better"),
    ("Consider a canary stage", "Consider"),
    ("Investigate the connection pool", "Investigate"),
    ("Monitor the queue depth", "Monitor"),
    ("Try to add retries to the client", "Try to"),
    ("Make sure config is validated", "Make sure"),
    ("Revisit the paging policy", "Revisit"),
    ("Think about rate limits", "Think about"),
    ("Scale the pool as needed", "as needed"),
    ("Fix the cron job ASAP", "ASAP"),
    ("Add better logging to payments", "better"),
    ("Keep an eye on replica lag", "Keep an eye on"),
    ("Double-check the migration script", "Double-check"),
    ("Remind everyone to follow the runbook", "Remind everyone"),
]


@pytest.mark.parametrize(("title", "span"), VAGUE_TITLES)
def test_vague_title_phrase_is_found(title: str, span: str) -> None:
    findings = lint_action_wording(title)
    assert [(f.text, f.code, f.kind) for f in findings] == [(span, Code.TITLE_VAGUE, "vague")]
    assert findings[0].field == "title"


@pytest.mark.parametrize(
    "title",
    [
        "Add a canary stage for config changes to the deploy pipeline",
        "Add a Datadog monitor for replica lag above 30 s",
        "Page the on-call when queue depth exceeds 10k for 5 minutes",
        "Cap the connection pool at 200 in the payments Helm chart",
    ],
)
def test_specific_title_has_no_findings(title: str) -> None:
    assert lint_action_wording(title) == []


def test_vague_title_hint_asks_the_smart_question() -> None:
    (finding,) = lint_action_wording("Look into the database")
    assert finding.hint.startswith(SMART_QUESTION)
    assert finding.message == 'The title "Look into the database" is vague ("Look into").'


@pytest.mark.parametrize(
    ("done_when", "span"),
    [
        ("Alerting is better", "better"),
        ("done", "done"),
        ("  Fixed. ", "Fixed."),
        ("The team is aware of the risk", "aware"),
        ("Hopefully no more incidents", "Hopefully"),
        ("Latency improved", "improved"),
        ("It works", "It works"),
    ],
)
def test_vague_done_when_is_not_measurable(done_when: str, span: str) -> None:
    findings = lint_action_wording("Add a canary stage", done_when)
    assert [(f.text, f.code) for f in findings][:1] == [(span, Code.DONE_WHEN_NOT_MEASURABLE)]
    assert findings[0].field == "done_when"


@pytest.mark.parametrize(
    "done_when",
    [
        "The alert fires in staging when replica lag exceeds 30 s",
        "CI rejects a config change without schema validation",
        "The runbook page has a pool-resize section linked from the alert",
    ],
)
def test_measurable_done_when_has_no_findings(done_when: str) -> None:
    assert lint_action_wording("Add a canary stage", done_when) == []


def test_wording_findings_use_the_field_prefix() -> None:
    findings = lint_action_wording("Look into it", "done", field_prefix="action_items.3.")
    assert [f.field for f in findings] == ["action_items.3.title", "action_items.3.done_when"]


def test_wording_without_done_when_checks_only_the_title() -> None:
    assert [f.field for f in lint_action_wording("Improve things")] == ["title"]


# --- check_five_whys -----------------------------------------------------------------------------


def test_complete_chain_is_valid() -> None:
    assert check_five_whys(chain(), RESPONDERS) == []


def test_blank_symptom_is_rejected() -> None:
    violations = check_five_whys(chain(symptom="   "))
    assert codes(violations) == [Code.SYMPTOM_MISSING]
    assert violations[0].field == "symptom"


def test_two_whys_are_too_few() -> None:
    violation = by_code(
        check_five_whys(chain(whys=["a cause", "a deeper cause"])), Code.WHYS_TOO_FEW
    )
    assert violation.field == "whys"
    assert "2 whys" in violation.message


def test_eight_whys_are_too_many() -> None:
    whys = [f"cause number {i}" for i in range(8)]
    violation = by_code(check_five_whys(chain(whys=whys)), Code.WHYS_TOO_MANY)
    assert violation.field == "whys"


@pytest.mark.parametrize("count", [3, 7])
def test_three_to_seven_whys_are_accepted(count: int) -> None:
    assert check_five_whys(chain(whys=[f"cause number {i}" for i in range(count)])) == []


def test_empty_why_is_rejected_with_its_index() -> None:
    violations = check_five_whys(chain(whys=["first", " ", "third", "fourth"]))
    assert codes(violations) == [Code.WHY_EMPTY]
    assert violations[0].field == "whys.1"


def test_repeated_why_is_rejected_ignoring_case_space_and_punctuation() -> None:
    whys = ["The pool was exhausted.", "The config halved it", "  the POOL  was exhausted!"]
    violations = check_five_whys(chain(whys=whys))
    assert codes(violations) == [Code.WHY_REPEATED]
    assert violations[0].field == "whys.2"
    assert "repeats why 1" in violations[0].message


def test_chain_without_root_cause_is_rejected() -> None:
    violations = check_five_whys(chain(root_causes=[]))
    assert codes(violations) == [Code.ROOT_CAUSE_MISSING]
    assert violations[0].field == "root_causes"


def test_root_cause_without_statement_is_rejected() -> None:
    cause = RootCause(id="rc1", category=RootCauseCategory.PROCESS, statement=" ")
    violations = check_five_whys(chain(root_causes=[cause]))
    assert codes(violations) == [Code.ROOT_CAUSE_EMPTY]
    assert violations[0].field == "root_causes.0.statement"


def test_duplicate_root_cause_id_is_rejected() -> None:
    first, second = chain().root_causes
    violations = check_five_whys(
        chain(root_causes=[first, second.model_copy(update={"id": "rc1"})])
    )
    assert codes(violations) == [Code.ROOT_CAUSE_DUPLICATE_ID]
    assert violations[0].field == "root_causes.1.id"


@pytest.mark.parametrize(
    "statement",
    [
        "Human error",
        "Operator error during the failover",
        "User error",
        "A mistake by the on-call engineer",
        "Engineer mistake",
        "A typo",
        "The engineer forgot to renew the certificate",
        "Carelessness during the deploy",
    ],
)
def test_root_cause_of_human_error_is_rejected_with_one_more_why_hint(statement: str) -> None:
    cause = RootCause(id="rc1", category=RootCauseCategory.OTHER, statement=statement)
    violations = check_five_whys(chain(root_causes=[cause]))
    violation = by_code(violations, Code.ROOT_CAUSE_HUMAN_ERROR)
    assert violation.field == "root_causes.0.statement"
    assert violation.hint.startswith(ONE_MORE_WHY)


@pytest.mark.parametrize(
    "statement",
    [
        "The deploy tool accepted a config without validating it",
        "The error budget policy had no owner",
        "Error handling in the client retried without backoff",
    ],
)
def test_system_root_cause_is_not_human_error(statement: str) -> None:
    cause = RootCause(id="rc1", category=RootCauseCategory.TOOLING, statement=statement)
    assert check_five_whys(chain(root_causes=[cause]), RESPONDERS) == []


@pytest.mark.parametrize(
    "statement", ["Alice pushed the change", "Waiting for alice smith to review", "Bob's query"]
)
def test_root_cause_naming_a_responder_is_rejected(statement: str) -> None:
    cause = RootCause(id="rc1", category=RootCauseCategory.ROLES, statement=statement)
    violations = check_five_whys(chain(root_causes=[cause]), RESPONDERS)
    violation = by_code(violations, Code.ROOT_CAUSE_NAMES_PERSON)
    assert violation.field == "root_causes.0.statement"
    assert "responder" in violation.message


def test_blaming_words_in_whys_are_not_violations() -> None:
    whys = ["Alice broke the deploy", "She should have waited", "It was human error"]
    assert check_five_whys(chain(whys=whys), RESPONDERS) == []


def test_every_five_whys_violation_is_returned_at_once() -> None:
    causes = [
        RootCause(id="rc1", category=RootCauseCategory.OTHER, statement="human error"),
        RootCause(id="rc1", category=RootCauseCategory.OTHER, statement=""),
    ]
    violations = check_five_whys(FiveWhys(symptom="", whys=["x", ""], root_causes=causes))
    assert codes(violations) == [
        Code.SYMPTOM_MISSING,
        Code.WHYS_TOO_FEW,
        Code.WHY_EMPTY,
        Code.ROOT_CAUSE_HUMAN_ERROR,
        Code.ROOT_CAUSE_DUPLICATE_ID,
        Code.ROOT_CAUSE_EMPTY,
    ]
    assert all(v.message and v.hint for v in violations)


# --- check_action_item ---------------------------------------------------------------------------


def check(item: ActionItemDraft, policy: Policy = POLICY, prefix: str = "") -> list[Violation]:
    return check_action_item(item, ["rc1", "rc2"], NOW, policy, prefix)


def test_smart_item_is_valid() -> None:
    assert check(draft()) == []


def test_owner_with_surrounding_whitespace_is_valid() -> None:
    assert check(draft(owner="  alice@example.com \n")) == []


@pytest.mark.parametrize(
    "owner",
    [
        "alice@example.com, bob@example.com",
        "alice@example.com; bob@example.com",
        "alice@example.com/bob@example.com",
        "alice@example.com and bob@example.com",
        "alice@example.com bob@example.com",
        "alice, bob",
        "",
        "   ",
    ],
)
def test_owner_must_be_exactly_one(owner: str) -> None:
    violation = by_code(check(draft(owner=owner)), Code.OWNER_NOT_SINGLE)
    assert violation.field == "owner"


@pytest.mark.parametrize(
    "owner",
    ["alice", "alice@", "@example.com", "alice@example", "alice@@example.com", "Alice Smith"],
)
def test_owner_must_be_an_email_address(owner: str) -> None:
    violation = by_code(check(draft(owner=owner)), Code.OWNER_INVALID)
    assert violation.field == "owner"
    assert owner.strip() in violation.message


def test_owner_with_display_name_gets_a_hint_with_the_bare_address() -> None:
    violation = by_code(check(draft(owner="Alice <alice@example.com>")), Code.OWNER_INVALID)
    assert "alice@example.com" in violation.hint


@pytest.mark.parametrize("due", ["next week", "2025-02-30", "", "30/06/2025", "9999-12-31"])
def test_unparseable_due_is_invalid(due: str) -> None:
    violation = by_code(check(draft(due=due)), Code.DUE_INVALID)
    assert violation.field == "due"


@pytest.mark.parametrize("due", ["2025-06-01", "2025-06-02T11:59:00Z", "2024-12-31"])
def test_due_in_the_past_is_rejected(due: str) -> None:
    violation = by_code(check(draft(due=due)), Code.DUE_IN_PAST)
    assert violation.field == "due"


def test_due_today_means_the_end_of_the_day() -> None:
    assert check(draft(due="2025-06-02")) == []


def test_due_date_ends_in_the_policy_timezone() -> None:
    late = datetime(2025, 6, 3, 2, 0, tzinfo=UTC)  # still 2 June, 22:00, in New York
    new_york = Policy(timezone="America/New_York")
    item = draft(due="2025-06-02")
    assert codes(check_action_item(item, ["rc1"], late, POLICY)) == [Code.DUE_IN_PAST]
    assert check_action_item(item, ["rc1"], late, new_york) == []


def test_due_beyond_the_horizon_is_rejected() -> None:
    violation = by_code(check(draft(due="2025-09-15")), Code.DUE_BEYOND_HORIZON)
    assert violation.field == "due"
    assert "90 days" in violation.message


def test_due_exactly_at_the_horizon_is_accepted() -> None:
    assert check(draft(due=(NOW + timedelta(days=90)).isoformat())) == []


def test_horizon_comes_from_the_policy() -> None:
    short = Policy(action_items=ActionItemPolicy(max_horizon=timedelta(days=7)))
    violation = by_code(check(draft(due="2025-06-20"), short), Code.DUE_BEYOND_HORIZON)
    assert "7 days" in violation.message


def test_blank_done_when_is_missing() -> None:
    violation = by_code(check(draft(done_when="  ")), Code.DONE_WHEN_MISSING)
    assert violation.field == "done_when"


def test_item_with_vague_done_when_is_not_measurable() -> None:
    violation = by_code(check(draft(done_when="Alerting is better")), Code.DONE_WHEN_NOT_MEASURABLE)
    assert violation.field == "done_when"
    assert '"better"' in violation.message


def test_unknown_root_cause_is_rejected_listing_the_known_ones() -> None:
    violation = by_code(check(draft(root_cause="rc9")), Code.ROOT_CAUSE_UNKNOWN)
    assert violation.field == "root_cause"
    assert "rc9" in violation.message
    assert "rc1, rc2" in violation.message


def test_blank_title_is_missing() -> None:
    violation = by_code(check(draft(title="")), Code.TITLE_MISSING)
    assert violation.field == "title"


def test_vague_title_is_rejected_with_the_smart_question() -> None:
    violation = by_code(check(draft(title="Look into the database")), Code.TITLE_VAGUE)
    assert violation.field == "title"
    assert violation.message == 'The title "Look into the database" is vague ("Look into").'
    assert violation.hint.startswith(SMART_QUESTION)


def test_title_with_several_vague_phrases_gives_one_violation_naming_them() -> None:
    violation = by_code(check(draft(title="Investigate and improve alerting")), Code.TITLE_VAGUE)
    assert '"Investigate", "improve"' in violation.message


def test_item_fields_use_the_prefix() -> None:
    bad = draft(title="", owner="", due="", done_when="", root_cause="")
    violations = check(bad, prefix="action_items.4.")
    assert [v.field for v in violations] == [
        "action_items.4.title",
        "action_items.4.owner",
        "action_items.4.due",
        "action_items.4.done_when",
        "action_items.4.root_cause",
    ]


def test_every_smart_violation_is_returned_at_once() -> None:
    bad = draft(
        title="Be more careful",
        owner="alice@example.com, bob@example.com",
        due="2025-01-01",
        done_when="done",
        root_cause="rc7",
    )
    assert codes(check(bad)) == [
        Code.TITLE_VAGUE,
        Code.OWNER_NOT_SINGLE,
        Code.DUE_IN_PAST,
        Code.DONE_WHEN_NOT_MEASURABLE,
        Code.ROOT_CAUSE_UNKNOWN,
    ]


# --- review_findings -----------------------------------------------------------------------------


def test_review_findings_cover_every_free_text_field() -> None:
    five = chain(
        symptom="Checkout failed because Bob forgot the flag",
        whys=["a", "The deploy was careless", "c"],
        root_causes=[
            RootCause(id="rc1", category=RootCauseCategory.OTHER, statement="human error")
        ],
    )
    state = ready_state(
        five_whys=five,
        went_well=[WentWell(text="Fast paging"), WentWell(text="Alice fixed what Dave broke")],
        action_items=[
            item("1", title="Stop operator error", done_when="Nobody should have to ssh")
        ],
    )
    findings = review_findings(state)
    assert [(f.field, f.text) for f in findings] == [
        ("five_whys.symptom", "Bob forgot"),
        ("five_whys.whys.1", "careless"),
        ("five_whys.root_causes.0.statement", "human error"),
        ("went_well.1", "Dave broke"),
        ("action_items.1.title", "operator error"),
        ("action_items.1.done_when", "should have"),
    ]


def test_review_findings_of_a_clean_review_are_empty() -> None:
    assert review_findings(ready_state()) == []


def test_review_findings_without_five_whys_still_check_went_well() -> None:
    state = ready_state(five_whys=None, went_well=[WentWell(text="No human error this time")])
    assert [f.field for f in review_findings(state)] == ["went_well.0"]


# --- check_publish -------------------------------------------------------------------------------


def test_ready_review_can_be_published() -> None:
    assert check_publish(ready_state(), NOW, POLICY, None) == []


@pytest.mark.parametrize("phase", [Phase.TRACKING, Phase.FOLLOW_UP, Phase.CLOSED])
def test_publishing_outside_drafting_is_wrong_phase(phase: Phase) -> None:
    violations = check_publish(ready_state(phase=phase), NOW, POLICY, None)
    assert codes(violations) == [Code.WRONG_PHASE]
    assert violations[0].field == "phase"


def test_publishing_without_five_whys_is_refused() -> None:
    violations = check_publish(ready_state(five_whys=None), NOW, POLICY, None)
    assert codes(violations) == [Code.FIVE_WHYS_MISSING]
    assert violations[0].field == "five_whys"


def test_publishing_reports_five_whys_violations() -> None:
    state = ready_state(five_whys=chain(whys=["one", "two"]))
    violation = by_code(check_publish(state, NOW, POLICY, None), Code.WHYS_TOO_FEW)
    assert violation.field == "whys"


def test_publishing_without_went_well_is_refused() -> None:
    violations = check_publish(ready_state(went_well=[]), NOW, POLICY, None)
    assert codes(violations) == [Code.WENT_WELL_MISSING]
    assert violations[0].field == "went_well"


def test_blank_went_well_entries_do_not_count() -> None:
    violations = check_publish(ready_state(went_well=[WentWell(text=" ")]), NOW, POLICY, None)
    assert codes(violations) == [Code.WENT_WELL_MISSING, Code.WENT_WELL_EMPTY]
    assert violations[1].field == "went_well.0"


def test_publishing_without_action_items_is_refused() -> None:
    violations = check_publish(ready_state(action_items=[]), NOW, POLICY, None)
    assert Code.ACTION_ITEMS_MISSING in codes(violations)
    assert by_code(violations, Code.ACTION_ITEMS_MISSING).field == "action_items"


def test_root_cause_without_an_action_item_is_uncovered() -> None:
    state = ready_state(action_items=[item("1")])
    violations = check_publish(state, NOW, POLICY, None)
    assert codes(violations) == [Code.ROOT_CAUSE_UNCOVERED]
    assert violations[0].field == "root_causes.1"
    assert "rc2" in violations[0].message


def test_publishing_checks_every_item_with_its_field_prefix() -> None:
    state = ready_state()
    state.action_items[1] = item("2", owner="not-an-email", root_cause="rc2")
    violation = by_code(check_publish(state, NOW, POLICY, None), Code.OWNER_INVALID)
    assert violation.field == "action_items.2.owner"


def test_publishing_rejects_an_item_whose_due_date_has_passed() -> None:
    later = NOW + timedelta(days=40)
    violations = check_publish(ready_state(), later, POLICY, None)
    assert codes(violations) == [Code.DUE_IN_PAST, Code.DUE_IN_PAST]
    assert [v.field for v in violations] == ["action_items.1.due", "action_items.2.due"]


def test_open_blame_findings_block_publishing_without_override() -> None:
    state = ready_state(went_well=[WentWell(text="Alice fixed what Bob broke")])
    violation = by_code(check_publish(state, NOW, POLICY, None), Code.BLAME_FINDINGS_OPEN)
    assert violation.field == "blame_override"
    assert '"Bob broke" in went_well.0' in violation.message
    assert "override" in violation.hint


def test_override_reason_lets_blame_findings_through() -> None:
    state = ready_state(went_well=[WentWell(text="Alice fixed what Bob broke")])
    assert check_publish(state, NOW, POLICY, "Quoted from the customer's complaint") == []


def test_blank_override_reason_does_not_count() -> None:
    state = ready_state(went_well=[WentWell(text="Alice fixed what Bob broke")])
    assert codes(check_publish(state, NOW, POLICY, "   ")) == [Code.BLAME_FINDINGS_OPEN]


def test_every_publish_violation_is_returned_at_once() -> None:
    state = ready_state(
        five_whys=chain(symptom=""),
        went_well=[],
        action_items=[item("1", title="Look into it", root_cause="rc9")],
    )
    assert codes(check_publish(state, NOW, POLICY, None)) == [
        Code.SYMPTOM_MISSING,
        Code.WENT_WELL_MISSING,
        Code.ROOT_CAUSE_UNCOVERED,
        Code.ROOT_CAUSE_UNCOVERED,
        Code.TITLE_VAGUE,
        Code.ROOT_CAUSE_UNKNOWN,
    ]


# --- check_follow_up -----------------------------------------------------------------------------


def outcome(item_id: str, status: FollowUpStatus, **fields: Any) -> FollowUpOutcome:
    return FollowUpOutcome(action_item=item_id, status=status, **fields)


def record(*outcomes: FollowUpOutcome) -> FollowUpRecord:
    return FollowUpRecord(outcomes=list(outcomes))


def test_follow_up_with_an_outcome_per_open_item_is_valid() -> None:
    rec = record(
        outcome("1", FollowUpStatus.DONE),
        outcome("2", FollowUpStatus.REPLANNED, due="2025-07-15", reason="Blocked on the upgrade"),
    )
    assert check_follow_up(tracking_state(), rec, NOW, POLICY) == []


def test_follow_up_is_accepted_in_the_follow_up_phase() -> None:
    rec = record(outcome("1", FollowUpStatus.DONE), outcome("2", FollowUpStatus.DONE))
    assert check_follow_up(tracking_state(phase=Phase.FOLLOW_UP), rec, NOW, POLICY) == []


@pytest.mark.parametrize("phase", [Phase.DRAFTING, Phase.CLOSED])
def test_follow_up_outside_tracking_is_wrong_phase(phase: Phase) -> None:
    violations = check_follow_up(tracking_state(phase=phase), record(), NOW, POLICY)
    assert codes(violations) == [Code.WRONG_PHASE]


def test_follow_up_outcome_for_an_unknown_item_is_rejected() -> None:
    rec = record(
        outcome("1", FollowUpStatus.DONE),
        outcome("2", FollowUpStatus.DONE),
        outcome("9", FollowUpStatus.DONE),
    )
    violations = check_follow_up(tracking_state(), rec, NOW, POLICY)
    assert codes(violations) == [Code.ACTION_ITEM_UNKNOWN]
    assert violations[0].field == "outcomes.2.action_item"


def test_follow_up_outcome_twice_for_one_item_is_invalid() -> None:
    rec = record(
        outcome("1", FollowUpStatus.DONE),
        outcome("2", FollowUpStatus.DONE),
        outcome("1", FollowUpStatus.DROPPED, reason="No longer needed"),
    )
    violations = check_follow_up(tracking_state(), rec, NOW, POLICY)
    assert codes(violations) == [Code.FOLLOW_UP_INVALID]
    assert violations[0].field == "outcomes.2.action_item"


@pytest.mark.parametrize(
    ("due", "code"),
    [
        (None, Code.DUE_INVALID),
        ("soon", Code.DUE_INVALID),
        ("2025-05-01", Code.DUE_IN_PAST),
        ("2026-01-01", Code.DUE_BEYOND_HORIZON),
    ],
)
def test_replanned_item_needs_a_valid_new_due_date(due: str | None, code: Code) -> None:
    rec = record(
        outcome("1", FollowUpStatus.REPLANNED, due=due, reason="Blocked"),
        outcome("2", FollowUpStatus.DONE),
    )
    violations = check_follow_up(tracking_state(), rec, NOW, POLICY)
    assert codes(violations) == [code]
    assert violations[0].field == "outcomes.0.due"


def test_replanned_item_needs_a_reason() -> None:
    rec = record(
        outcome("1", FollowUpStatus.REPLANNED, due="2025-07-01", reason=" "),
        outcome("2", FollowUpStatus.DONE),
    )
    violations = check_follow_up(tracking_state(), rec, NOW, POLICY)
    assert codes(violations) == [Code.FOLLOW_UP_INVALID]
    assert violations[0].field == "outcomes.0.reason"


def test_dropped_item_needs_a_reason() -> None:
    rec = record(outcome("1", FollowUpStatus.DROPPED), outcome("2", FollowUpStatus.DONE))
    violations = check_follow_up(tracking_state(), rec, NOW, POLICY)
    assert codes(violations) == [Code.FOLLOW_UP_INVALID]
    assert violations[0].field == "outcomes.0.reason"


def test_every_open_item_needs_an_outcome() -> None:
    violations = check_follow_up(tracking_state(), record(), NOW, POLICY)
    assert codes(violations) == [Code.FOLLOW_UP_INCOMPLETE]
    assert violations[0].field == "outcomes"
    assert '"1", "2"' in violations[0].message


def test_settled_items_need_no_outcome() -> None:
    state = tracking_state()
    state.action_items[0] = item("1", status=ItemStatus.DONE)
    rec = record(outcome("2", FollowUpStatus.DROPPED, reason="Service retired in Q3"))
    assert check_follow_up(state, rec, NOW, POLICY) == []


def test_a_settled_item_cannot_be_replanned() -> None:
    state = tracking_state()
    state.action_items[0] = item("1", status=ItemStatus.DONE)
    rec = record(
        outcome("1", FollowUpStatus.REPLANNED, due="2025-07-01", reason="More work"),
        outcome("2", FollowUpStatus.DONE),
    )
    violations = check_follow_up(state, rec, NOW, POLICY)
    assert codes(violations) == [Code.FOLLOW_UP_INVALID]
    assert violations[0].field == "outcomes.0.status"


def test_every_follow_up_violation_is_returned_at_once() -> None:
    rec = record(
        outcome("1", FollowUpStatus.REPLANNED),
        outcome("7", FollowUpStatus.DONE),
    )
    assert codes(check_follow_up(tracking_state(), rec, NOW, POLICY)) == [
        Code.DUE_INVALID,
        Code.FOLLOW_UP_INVALID,
        Code.ACTION_ITEM_UNKNOWN,
        Code.FOLLOW_UP_INCOMPLETE,
    ]
