"""Named, scoped API tokens: stored only as hashes, matched in constant time, named in the trail."""

from __future__ import annotations

import pytest

from api.identity.roles import Scope
from api.identity.tokens import (
    LEGACY_TOKEN_NAME,
    TokenConfigError,
    digest,
    match_token,
    new_token,
    parse_tokens,
    token_new_text,
    with_entry,
)


def test_a_new_token_matches_its_entry_by_name_and_scope() -> None:
    token, entry = new_token("ci", "read")
    entries = parse_tokens(entry.line)
    matched = match_token(token, entries)
    assert matched is not None and (matched.name, matched.scope) == ("ci", Scope.READ)


def test_the_setting_holds_the_hash_not_the_token() -> None:
    token, entry = new_token("deploy", Scope.WRITE)
    assert token not in entry.line
    assert entry.line == f"deploy:write:sha256:{digest(token)}"


def test_a_wrong_token_matches_nothing() -> None:
    _, entry = new_token("ci", "read")
    assert match_token("ftk_guess", parse_tokens(entry.line)) is None
    assert match_token("", parse_tokens(entry.line)) is None


def test_the_single_api_token_is_an_admin_token_named_api_token() -> None:
    matched = match_token("the-old-token", (), legacy="the-old-token")
    assert matched is not None
    assert (matched.name, matched.scope, matched.legacy) == (LEGACY_TOKEN_NAME, Scope.ADMIN, True)


def test_a_token_longer_than_the_limit_is_refused_without_hashing() -> None:
    assert match_token("x" * 10_000, (), legacy="x" * 10_000) is None


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("ci:read", "entry 1"),
        ("CI:read:sha256:" + "0" * 64, "the name"),
        ("ci:root:sha256:" + "0" * 64, "the scope must be read, write or admin"),
        ("ci:read:md5:" + "0" * 32, "sha256:<64 hex digits>"),
        (f"ci:read:sha256:{'0' * 64},ci:write:sha256:{'1' * 64}", "used twice"),
        (f"api-token:read:sha256:{'0' * 64}", "reserved"),
    ],
)
def test_a_bad_setting_names_the_entry_and_never_shows_a_value(raw: str, named: str) -> None:
    with pytest.raises(TokenConfigError) as bad:
        parse_tokens(raw)
    assert named in str(bad.value)
    assert "0" * 32 not in str(bad.value)


def test_adding_a_token_keeps_the_others_and_replaces_one_of_the_same_name() -> None:
    _, first = new_token("ci", "read")
    _, other = new_token("deploy", "write")
    _, again = new_token("ci", "admin")
    merged = parse_tokens(with_entry(with_entry(first.line, other), again))
    assert [(e.name, e.scope) for e in merged] == [("deploy", Scope.WRITE), ("ci", Scope.ADMIN)]


def test_token_new_prints_the_token_once_and_the_setting_to_copy() -> None:
    text = token_new_text("ci", "read", None)
    token = next(word for word in text.split() if word.startswith("ftk_"))
    setting = next(line for line in text.splitlines() if "FOLLOWTHROUGH_API_TOKENS=" in line)
    entries = parse_tokens(setting.split("=", 1)[1])
    assert match_token(token, entries) is not None
    assert token not in setting
