"""The process entry: settings, the command line, the dev-server supervisor, logging, and the
wiring of settings into connectors. ``worker.py`` (beside this package) builds the client and the
worker; every other room receives what it needs from here and never reads the environment."""

__all__ = ["cli", "devserver", "logs", "settings", "wiring"]
