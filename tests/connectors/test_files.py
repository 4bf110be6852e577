"""The one atomic write (connectors.files): readers see the old content or the new, never half."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.files import write_atomic


def test_text_is_written_as_utf8(tmp_path: Path) -> None:
    target = tmp_path / "review.md"
    write_atomic(target, "Ré-planned ✓")
    assert target.read_bytes() == "Ré-planned ✓".encode()


def test_a_second_write_replaces_the_first_whole(tmp_path: Path) -> None:
    target = tmp_path / "tracker.json"
    write_atomic(target, b'{"tickets": {"OPS-1": {}}}')
    write_atomic(target, b"{}")
    assert target.read_bytes() == b"{}"
    assert [p.name for p in tmp_path.iterdir()] == ["tracker.json"]


class DiskFull(str):
    """Text whose writing fails half-way, as a full disk would."""

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:  # noqa: ARG002 (str.encode)
        raise OSError(28, "No space left on device")


def test_a_failed_write_leaves_the_old_content_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "message.eml"
    write_atomic(target, b"old")
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, DiskFull("new"))
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["message.eml"]


def test_a_missing_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "absent" / "review.md", "text")
