"""Ports for servers the tests start later: picked outside the kernel's ephemeral range.

A port found free by binding port 0 comes from the ephemeral range, the same range the kernel
hands out to every outgoing connection and to every server that binds port 0 itself (Temporal's
dev server binds several). Between picking such a port and the server binding it, another process
can take it: a soak run failed in CI with ``address already in use`` on the API's port that way.
Ports below the ephemeral range (read from ``/proc/sys/net/ipv4/ip_local_port_range``; Linux
default 32768-60999) are never handed out implicitly, so only a server that asks for that very port
can collide; each port is handed out once per test process.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST = 20_000
_handed_out: set[int] = set()
_rng = random.Random()


def _ephemeral_start() -> int:
    """First port of the kernel's ephemeral range (32768 when the file cannot be read)."""
    try:
        return int(_RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def free_port() -> int:
    """A port on 127.0.0.1 that binds now, is below the ephemeral range and was not handed out
    before in this process; falls back to an ephemeral one if 200 tries find none."""
    top = _ephemeral_start()
    if top - 1 > _LOWEST:
        for _ in range(200):
            port = _rng.randrange(_LOWEST, top)
            if port not in _handed_out and _binds(port):
                _handed_out.add(port)
                return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        found: int = probe.getsockname()[1]
    _handed_out.add(found)
    return found


def _binds(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
