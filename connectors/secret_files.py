"""Files that hold secrets (``dev-secrets.json``): readable by their owner only, from the start.

``Path.write_text`` followed by ``chmod`` leaves a moment in which the file has the umask's mode
(often 0644, readable by everyone on the machine). Here the text goes to a temporary file that is
created with mode 0600 in the same folder, is flushed to disk and then renamed over the target, so
the name only ever points at a complete file that only its owner can read.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["read_private", "write_private"]

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600; a missing folder is created with mode 0700."""
    path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, PRIVATE_FILE)  # mkstemp's mode already; said explicitly, it is the point
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_private(path: Path) -> str | None:
    """The text of a secret file, or None when it is missing. A file others can read or write
    (copied in by hand, say) is first narrowed to mode 0600."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        path.chmod(PRIVATE_FILE)
    return path.read_text(encoding="utf-8")
