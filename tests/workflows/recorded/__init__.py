"""The scenarios that ``python -m tests.workflows.record_histories`` records, by area."""
