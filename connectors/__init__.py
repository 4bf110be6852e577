"""Clients of the outside world, each behind a small protocol. Never imports temporalio."""
