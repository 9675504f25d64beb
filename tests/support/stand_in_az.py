"""The template tests' one stand-in ``az`` (``stand_ins/az.py``), set up in a folder: what it
answers, the calls it recorded, and the state of its plug-in. Every template test that needs an
``az`` uses it: the rehearsals (signed in to nothing), the Azure CLI rehearsal (answers that take
both sides of each ``if``), the infrastructure runs (plug-in ``arm``) and the status board
(plug-in ``devops_runs``)."""
import itertools
import json
import sys
from pathlib import Path

from tests.support.commands import STAND_INS

PROGRAM = STAND_INS / "az.py"
# The subscription the stand-in knows where a test says it is signed in to one.
SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"


def rule(command=None, stdout="", code=0, stderr="", **options):
    """One answer: to the calls whose command words ``command`` (a regular expression) begins
    and whose options match ``options`` (``query="id"``), print ``stdout`` and ``stderr`` and
    exit with ``code``."""
    found = {"stdout": stdout, "exit": code, "stderr": stderr}
    if command is not None:
        found["command"] = command
    if options:
        found["options"] = options
    return found


class StandInAz:
    """``az`` in ``folder / "bin"``: put ``bin`` first on PATH. ``answers`` are ``rule``s;
    ``signed_in=False`` fails what they do not answer as az does before a sign-in; ``plugin``
    (``arm``, ``devops_runs``) answers the rest from ``state``."""

    def __init__(self, folder, answers=(), signed_in=True, plugin=None, state=None, delay=0):
        self.folder = Path(folder)
        self.bin = self.folder / "bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        (self.bin / "az").write_text(
            f'#!/bin/sh\nexec "{sys.executable}" "{PROGRAM}" "{self.folder}" "$@"\n',
            encoding="utf-8")
        (self.bin / "az").chmod(0o755)
        self.config = {}
        self.configure(answers=list(answers), signed_in=signed_in, plugin=plugin, delay=delay)
        self.set_state(state or {})
        self.forget_calls()

    def configure(self, **changes):
        """Change what it answers from the next call on (``answers``, ``signed_in``...)."""
        self.config.update(changes)
        (self.folder / "answers.json").write_text(json.dumps(self.config, indent=1),
                                                  encoding="utf-8")

    def state(self):
        return json.loads((self.folder / "state.json").read_text(encoding="utf-8"))

    def set_state(self, state):
        # As the stand-in writes it, so that an unchanged state is left as it is.
        (self.folder / "state.json").write_text(json.dumps(state, indent=1), encoding="utf-8")

    def records(self):
        """``{"args", "where"}`` of each call so far, in order."""
        text = (self.folder / "calls.jsonl").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]

    def calls(self):
        """The arguments (without ``az``) of each call so far, in order."""
        return [record["args"] for record in self.records()]

    def commands(self):
        """The command words of each call so far (``"group create"``), in order."""
        return [" ".join(itertools.takewhile(lambda arg: not arg.startswith("-"), args))
                for args in self.calls()]

    def forget_calls(self):
        (self.folder / "calls.jsonl").write_text("", encoding="utf-8")
