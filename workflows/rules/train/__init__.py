"""Scripts that build the checks' data files; run by hand, never imported by the checks.

* :mod:`.names` writes ``data/given_names.txt`` and ``data/given_names_ordinary.txt`` from the
  given-name lists Faker ships (MIT) and the Debian ``wamerican`` word list (SCOWL).

The output is committed, so neither a worker nor CI needs Faker or the word list.
"""
