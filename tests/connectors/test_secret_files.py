"""Secret files: mode 0600 from the first byte, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.secret_files import read_private, write_private


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask, so a file made the ordinary way would be world-readable."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
def test_a_secret_file_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "data" / "dev-secrets.json"

    write_private(target, '{"api_token": "t0k3n"}')

    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    assert target.read_text() == '{"api_token": "t0k3n"}'


@pytest.mark.usefixtures("open_umask")
def test_a_secret_file_is_never_visible_with_a_wider_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    rename = os.replace

    def watching_replace(src: str, dst: Path) -> None:
        seen.append(stat.S_IMODE(os.stat(src).st_mode))
        rename(src, dst)

    monkeypatch.setattr(os, "replace", watching_replace)
    write_private(tmp_path / "dev-secrets.json", "{}")

    assert seen == [0o600]


@pytest.mark.usefixtures("open_umask")
def test_rewriting_a_world_readable_secret_file_narrows_it(tmp_path: Path) -> None:
    target = tmp_path / "dev-secrets.json"
    target.write_text("{}")
    target.chmod(0o644)

    write_private(target, '{"api_token": "new"}')

    assert mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["dev-secrets.json"]  # no temporary left


def test_reading_a_world_readable_secret_file_narrows_it(tmp_path: Path) -> None:
    target = tmp_path / "dev-secrets.json"
    target.write_text('{"api_token": "t"}')
    target.chmod(0o644)

    assert read_private(target) == '{"api_token": "t"}'
    assert mode(target) == 0o600


def test_reading_a_missing_secret_file_is_none(tmp_path: Path) -> None:
    assert read_private(tmp_path / "absent.json") is None
