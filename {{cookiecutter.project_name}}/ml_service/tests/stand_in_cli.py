"""The tests' one stand-in for the command-line tools at the repository's Azure and GitHub
boundary: ``az``, and ``gh`` and ``curl`` where a test needs them. ``StandInCli`` puts it on PATH
under those names; it records every call and answers from what the test gave it, in this order:

1. the test's ``answers`` (made by ``reply``): the first whose ``command`` begins the call's
   words (the program's name and the arguments before the first option, e.g. ``az account
   show``) prints its ``stdout`` (a JSON value as JSON) and ``stderr``, and exits with its
   ``exit``;
2. ``signed_in=False``: every other ``az`` call fails as az does before ``az login``;
3. the ``plugin``, a Python file whose ``answer(argv, stdin, state)`` keeps a part of Azure or
   GitHub as data (the set-up scripts' tests use ``environment_setup/*_stand_in.py``): it
   returns what to print, or fails the call with ``sys.exit``, and may change ``state``;
4. anything else fails, so that a test never passes on a call it did not expect.

Run as ``python stand_in_cli.py <folder> <name> <arguments>``; the folder holds the answers, the
plug-in's state and the calls (one JSON object a line: ``argv``, and ``stdin`` when an argument
is ``-``, which tells the real tools to read it).
"""
import importlib.util
import itertools
import json
import sys
from pathlib import Path

SIGNED_OUT = "ERROR: Please run 'az login' to setup account."
PROGRAM = Path(__file__).resolve()


class StandInCli:
    """The stand-in in ``folder``, on PATH as each of ``names`` from ``bin``."""

    def __init__(self, folder, names=("az",), answers=(), signed_in=True, plugin=None,
                 state=None):
        self.folder = Path(folder)
        self.bin = self.folder / "bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        for name in names:
            program = self.bin / name
            program.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{PROGRAM}" '
                               f'"{self.folder}" {name} "$@"\n', encoding="utf-8")
            program.chmod(0o755)
        self.config = {"answers": list(answers), "signed_in": signed_in,
                       "plugin": str(plugin) if plugin else None}
        self._write("config.json", self.config)
        self.set_state(state or {})
        self.forget_calls()

    def _write(self, name, data):
        (self.folder / name).write_text(json.dumps(data, indent=1), encoding="utf-8")

    def state(self):
        return json.loads((self.folder / "state.json").read_text(encoding="utf-8"))

    def set_state(self, state):
        self._write("state.json", state)

    def change(self, **changes):
        """Change some of the state's top-level entries."""
        self.set_state({**self.state(), **changes})

    def calls(self):
        """Each call so far: ``{"argv": [name, *arguments], "stdin": text or None}``."""
        text = (self.folder / "calls.jsonl").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]

    def forget_calls(self):
        (self.folder / "calls.jsonl").write_text("", encoding="utf-8")


def reply(command=None, stdout=None, stderr="", code=0):
    """One of ``answers``: to the calls whose words ``command`` begins (every call when None),
    print ``stdout`` and ``stderr`` and exit with ``code``."""
    return {"command": command, "stdout": stdout, "stderr": stderr, "exit": code}


def printed(value):
    return value if isinstance(value, str) else json.dumps(value)


def load_plugin(path):
    spec = importlib.util.spec_from_file_location("stand_in_plugin", path)
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    return plugin


def main(folder, argv):
    stdin = sys.stdin.read() if "-" in argv else None
    with open(folder / "calls.jsonl", "a", encoding="utf-8") as calls:
        calls.write(json.dumps({"argv": argv, "stdin": stdin}) + "\n")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    words = " ".join(itertools.takewhile(lambda arg: not arg.startswith("-"), argv))
    for given in config["answers"]:
        if given["command"] is None or f"{words} ".startswith(f"{given['command']} "):
            if given["stdout"] is not None:
                print(printed(given["stdout"]))
            if given["stderr"]:
                print(given["stderr"], file=sys.stderr)
            return given["exit"]
    if argv[0] == "az" and not config["signed_in"]:
        sys.exit(SIGNED_OUT)
    if config["plugin"] is None:
        sys.exit(f"stand-in {argv[0]}: no answer for: {' '.join(argv)}")
    state_path = folder / "state.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    try:
        value = load_plugin(config["plugin"]).answer(argv, stdin, state)
    finally:
        state_path.write_text(json.dumps(state, indent=1), encoding="utf-8")
    if value is not None:
        print(printed(value))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2:]))
