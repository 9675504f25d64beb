"""Organiser mode: every team's repository from one roster, in one command.

    python -m organiser ROSTER.csv --output-dir DIR [--dry-run] [--update] [--push OWNER]
                                                    [--template SOURCE]
    python -m organiser ROSTER.csv --output-dir DIR --status [--watch SECONDS]

The whole roster is checked first, by the template's own pre-generation rules and for names that
must be unique across teams; only then is anything written. Each team is generated with
cookiecutter's own ``generate_files`` and the template's post-generation logic, both in-process
(the hooks stay what a single ``cookiecutter`` run executes), on every core. ``--update`` brings
teams generated earlier to the template's current commit with cruft; ``--push`` puts each team on
GitHub with gh, updates as pull requests. ``--status`` generates nothing: it shows the latest run
of every team's pipelines (``organiser/status.py``).
"""
