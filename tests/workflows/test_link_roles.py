"""Which role each recipient's emailed link carries (workflows.calls.link_roles)."""

from __future__ import annotations

from workflows.calls import link_roles


def test_the_facilitator_gets_a_facilitator_link() -> None:
    roles = link_roles(["Fay@Example.com"], "fay@example.com", [])
    assert roles == {"fay@example.com": "facilitator"}


def test_responders_and_owners_get_contributor_links() -> None:
    roles = link_roles(
        ["rui@example.com", "ola@example.com"],
        "fay@example.com",
        ["RUI@example.com", "ola@example.com"],
    )
    assert roles == {"rui@example.com": "contributor", "ola@example.com": "contributor"}


def test_leadership_is_left_to_viewer_links() -> None:
    assert link_roles(["vp@example.com"], "fay@example.com", ["rui@example.com"]) == {}
