"""The HTTP front door (FastAPI). It makes no domain decisions: every review call is one Temporal
update or query, and the workflow decides. Its modules:

- ``app``: ``create_app``, the one app around one Temporal client.
- ``webhooks``: PagerDuty starts reviews, Jira moves items.
- ``reviews``: the review REST API (one review, read from its workflow); ``repeats``: its
  earlier reviews, refreshed from the review store at each read.
- ``store_reads``: lists, search, trends and suggestions, read from the review store.
- ``views``: a model for every answer; ``errors``: the one error shape and its codes.
- ``identity``: who is asking (sign-in, sessions, tokens, links) and what their role lets them
  do; ``starter``: starting a review; ``metrics``: Prometheus.
- ``body_limit``: the size limit of every `/api` and form body (413).
- ``pages``: the web pages, one module per page (see :mod:`api.pages`).
"""

__all__ = [
    "app",
    "body_limit",
    "errors",
    "identity",
    "metrics",
    "pages",
    "repeats",
    "reviews",
    "starter",
    "store_reads",
    "views",
    "webhooks",
]
