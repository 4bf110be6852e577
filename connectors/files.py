"""Writing a file so that readers see the old content or the new, never half of it: the one
atomic write of the local defaults (review documents, the local tracker, the outbox)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(target: Path, data: str | bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder and a rename.

    Text is written as UTF-8. The folder must exist. On failure the temporary file is removed
    and ``target`` is unchanged; the ``OSError`` propagates.
    """
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
