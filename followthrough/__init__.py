"""The process entry: settings, the command line, the dev-server supervisor, logging, and the
wiring of settings into connectors. ``worker.py`` (beside this package) builds the client and the
worker; every other room receives what it needs from here and never reads the environment.

- ``settings``: the one settings object (``FOLLOWTHROUGH_*``), validated at start-up.
- ``wiring``: settings into connectors (real systems where configured, local defaults otherwise).
- ``cli``: the ``followthrough`` command.
- ``devserver``: the Temporal dev server of ``followthrough dev``, and the one binary lookup.
- ``logs``: JSON log lines with secrets redacted.
- ``worker_runtime``: what a worker process adds around the SDK: the stale-activation guard
  (a workaround for an SDK core fault, issue 15) and the workflow-task failures on ``/metrics``.
- ``task_starts``: who started a run's workflow tasks, read from the server for the guard.
- ``heap_probe``: a benchmark-only heap dump on a signal (off unless ``FOLLOWTHROUGH_HEAP_DUMP``).
- ``cpu_probe``: a benchmark-only CPU profile per thread (off unless ``FOLLOWTHROUGH_CPU_PROFILE``).
"""

__all__ = [
    "cli",
    "cpu_probe",
    "devserver",
    "heap_probe",
    "logs",
    "settings",
    "task_starts",
    "wiring",
    "worker_runtime",
]
