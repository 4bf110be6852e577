"""What the webhook connectors (PagerDuty, Jira) share: reading a delivery's body as JSON.

A body that is not UTF-8 JSON, or nests too deeply for the parser, is refused with the
connector's own payload error, naming the problem.
"""

from __future__ import annotations

import json

__all__ = ["load_json"]


def load_json(body: bytes, error: type[ValueError]) -> object:
    """The JSON document of ``body``; raises ``error`` saying why the body is not JSON."""
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"body is not valid JSON: {exc}") from None
    except RecursionError:
        raise error("body is not valid JSON: nested too deeply") from None
