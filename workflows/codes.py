"""Every stable error code Followthrough emits, in one place.

Codes are public: they appear in API 422 bodies (``errors[].code``), in lint findings, in
``ApplicationError.type`` of failed activities and in the review state's ``problems``. Tools built on
Followthrough match on them, so a code is never renamed; a retired code stays listed.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["NON_RETRYABLE_INTEGRATION_CODES", "OVERRIDABLE_CODES", "Code"]


class Code(StrEnum):
    """A stable, machine-readable reason. The value is the wire form."""

    # --- five whys -----------------------------------------------------------------------------
    SYMPTOM_MISSING = "symptom_missing"
    WHYS_TOO_FEW = "whys_too_few"
    WHYS_TOO_MANY = "whys_too_many"
    WHY_EMPTY = "why_empty"
    WHY_REPEATED = "why_repeated"
    ROOT_CAUSE_MISSING = "root_cause_missing"
    ROOT_CAUSE_HUMAN_ERROR = "root_cause_human_error"
    ROOT_CAUSE_NAMES_PERSON = "root_cause_names_person"
    ROOT_CAUSE_EMPTY = "root_cause_empty"
    ROOT_CAUSE_DUPLICATE_ID = "root_cause_duplicate_id"

    # --- SMART action items --------------------------------------------------------------------
    OWNER_INVALID = "owner_invalid"
    OWNER_NOT_SINGLE = "owner_not_single"
    DUE_INVALID = "due_invalid"
    DUE_IN_PAST = "due_in_past"
    DUE_BEYOND_HORIZON = "due_beyond_horizon"
    DONE_WHEN_MISSING = "done_when_missing"
    DONE_WHEN_NOT_MEASURABLE = "done_when_not_measurable"
    ROOT_CAUSE_UNKNOWN = "root_cause_unknown"
    TITLE_MISSING = "title_missing"
    TITLE_VAGUE = "title_vague"
    ACTION_ITEM_UNKNOWN = "action_item_unknown"

    # --- blameless language --------------------------------------------------------------------
    BLAME_LANGUAGE = "blame_language"
    BLAME_HUMAN_ERROR = "blame_human_error"
    BLAME_COUNTERFACTUAL = "blame_counterfactual"
    BLAME_PERSON_SUBJECT = "blame_person_subject"
    BLAME_SARCASM = "blame_sarcasm"
    BLAME_INSINUATION = "blame_insinuation"

    # --- root cause vs symptom (findings of kind "symptom") --------------------------------------
    ROOT_CAUSE_IS_SYMPTOM = "root_cause_is_symptom"
    ROOT_CAUSE_RESTATES_SYMPTOM = "root_cause_restates_symptom"
    ROOT_CAUSE_PROXIMATE_TRIGGER = "root_cause_proximate_trigger"
    ROOT_CAUSE_STOPS_AT_PERSON = "root_cause_stops_at_person"

    # --- publishing and phases -----------------------------------------------------------------
    FIVE_WHYS_MISSING = "five_whys_missing"
    WENT_WELL_MISSING = "went_well_missing"
    WENT_WELL_EMPTY = "went_well_empty"
    WENT_WELL_UNKNOWN = "went_well_unknown"
    ROOT_CAUSE_UNCOVERED = "root_cause_uncovered"
    ACTION_ITEMS_MISSING = "action_items_missing"
    BLAME_FINDINGS_OPEN = "blame_findings_open"
    SYMPTOM_FINDINGS_OPEN = "symptom_findings_open"
    WRONG_PHASE = "wrong_phase"
    FOLLOW_UP_INCOMPLETE = "follow_up_incomplete"
    FOLLOW_UP_INVALID = "follow_up_invalid"

    # --- workflow failures (ApplicationError.type) --------------------------------------------
    RULES_REJECTED = "RulesRejected"  # a validator refused an update; details list violations
    ACTIVITY_FAILED = "ActivityFailed"  # an activity failed without a code of its own

    # --- integrations (ApplicationError.type of failed activities) -----------------------------
    PAGERDUTY_UNAUTHORIZED = "PagerDutyUnauthorized"
    PAGERDUTY_NOT_FOUND = "PagerDutyNotFound"
    PAGERDUTY_RATE_LIMITED = "PagerDutyRateLimited"
    PAGERDUTY_UNAVAILABLE = "PagerDutyUnavailable"
    JIRA_BAD_REQUEST = "JiraBadRequest"
    JIRA_UNAUTHORIZED = "JiraUnauthorized"
    JIRA_PERMISSION_DENIED = "JiraPermissionDenied"
    JIRA_NOT_FOUND = "JiraNotFound"
    JIRA_RATE_LIMITED = "JiraRateLimited"
    JIRA_UNAVAILABLE = "JiraUnavailable"
    TRACKER_UNKNOWN_TICKET = "TrackerUnknownTicket"
    #: Not a failure: the watched ticket is still open; the server tries again one cadence later.
    TICKET_STILL_OPEN = "TicketStillOpen"
    MAIL_REJECTED = "MailRejected"
    MAIL_UNAVAILABLE = "MailUnavailable"
    MAIL_ADDRESS_INVALID = "MailAddressInvalid"
    DOCUMENT_WRITE_FAILED = "DocumentWriteFailed"
    STORE_UNAVAILABLE = "StoreUnavailable"
    STORE_REJECTED = "StoreRejected"
    CONFLUENCE_BAD_REQUEST = "ConfluenceBadRequest"
    CONFLUENCE_UNAUTHORIZED = "ConfluenceUnauthorized"
    CONFLUENCE_PERMISSION_DENIED = "ConfluencePermissionDenied"
    CONFLUENCE_SPACE_NOT_FOUND = "ConfluenceSpaceNotFound"
    CONFLUENCE_RATE_LIMITED = "ConfluenceRateLimited"
    CONFLUENCE_UNAVAILABLE = "ConfluenceUnavailable"
    #: Not a failure: a document update replaced a person's edit (kept in the page history).
    DOCUMENT_EDIT_REPLACED = "DocumentEditReplaced"

    # --- HTTP API --------------------------------------------------------------------------------
    UNAUTHORIZED = "unauthorized"
    REVIEW_NOT_FOUND = "review_not_found"
    INVALID_REQUEST = "invalid_request"
    SIGNATURE_INVALID = "signature_invalid"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    TEMPORAL_UNAVAILABLE = "temporal_unavailable"
    #: Temporal answers, but this review's workflow does not: its workflow task is failing (e.g. a
    #: nondeterminism) or a worker was rebuilding it when the query came (retry).
    REVIEW_UNREADABLE = "review_unreadable"
    CSRF_INVALID = "csrf_invalid"
    CURSOR_INVALID = "cursor_invalid"
    QUERY_INVALID = "query_invalid"
    STORE_DOWN = "store_unavailable"
    TOO_LONG = "too_long"
    TOO_MANY = "too_many"
    TITLE_MULTILINE = "title_multiline"
    INCIDENT_ID_INVALID = "incident_id_invalid"
    TEMPORAL_REFUSED = "temporal_refused"

    # --- people, roles, links and sign-in --------------------------------------------------------
    FORBIDDEN = "forbidden"
    LINK_INVALID = "link_invalid"
    LINK_EXPIRED = "link_expired"
    LINK_REVOKED = "link_revoked"
    LINK_OTHER_REVIEW = "link_other_review"
    SESSION_ENDED = "session_ended"
    TOO_MANY_SIGN_INS = "too_many_sign_ins"
    OIDC_MISCONFIGURED = "oidc_misconfigured"
    OIDC_UNAVAILABLE = "oidc_unavailable"
    OIDC_REFUSED = "oidc_refused"
    OIDC_STATE_MISMATCH = "oidc_state_mismatch"
    OIDC_TOKEN_INVALID = "oidc_token_invalid"  # noqa: S105 (a name, not a secret)
    OIDC_TOKEN_EXPIRED = "oidc_token_expired"  # noqa: S105 (a name, not a secret)
    OIDC_EMAIL_UNVERIFIED = "oidc_email_unverified"
    API_TOKENS_INVALID = "api_tokens_invalid"


#: Activity failures that retrying cannot fix: the workflow records them and tells the facilitator.
NON_RETRYABLE_INTEGRATION_CODES: tuple[str, ...] = (
    Code.PAGERDUTY_UNAUTHORIZED,
    Code.PAGERDUTY_NOT_FOUND,
    Code.JIRA_BAD_REQUEST,
    Code.JIRA_UNAUTHORIZED,
    Code.JIRA_PERMISSION_DENIED,
    Code.JIRA_NOT_FOUND,
    Code.TRACKER_UNKNOWN_TICKET,
    Code.MAIL_REJECTED,
    Code.MAIL_ADDRESS_INVALID,
    Code.STORE_REJECTED,
    Code.CONFLUENCE_BAD_REQUEST,
    Code.CONFLUENCE_UNAUTHORIZED,
    Code.CONFLUENCE_PERMISSION_DENIED,
    Code.CONFLUENCE_SPACE_NOT_FOUND,
)

#: Publish blockers that an override reason lifts (they come last in the status query's list).
OVERRIDABLE_CODES: tuple[str, ...] = (Code.BLAME_FINDINGS_OPEN, Code.SYMPTOM_FINDINGS_OPEN)
